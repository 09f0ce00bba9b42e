package net.dmvpnhub.trafficgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every thread's time on a CPU and time waiting for one, from Linux's per-thread scheduler
 * statistics ({@code /proc/<pid>/task/<tid>/schedstat}: nanoseconds run, nanoseconds runnable
 * but waiting on a run queue, timeslices). Two snapshots around a measured window say which
 * threads ran in it and how long ours were kept off a CPU: on a machine with as many processors as
 * busy threads, any other thread that runs (a kernel thread, the JIT) takes a processor from one
 * of ours, and the frames it was moving wait.
 * <p>
 * A snapshot reads a few files per thread of the machine (a few milliseconds), so it is taken at
 * a window's edges, never inside it. Time the hypervisor takes from the virtual machine's
 * processors appears in neither figure; a thread's own clock (the gaps in a loop that never
 * blocks) shows that. Where {@code /proc} has no schedstat (not Linux, or a kernel without
 * scheduler statistics), snapshots are empty and reports say so.
 */
public final class SchedStat
{
    private static final Path PROC = Path.of("/proc");

    private SchedStat()
    {
    }

    /**
     * One thread's counters.
     *
     * @param process the process's name ({@code comm}).
     * @param name the thread's name ({@code comm}, at most 15 characters).
     * @param ours the thread belongs to this JVM.
     * @param kernel a kernel thread (its process has no command line).
     */
    public record ThreadStat(int pid, int tid, String process, String name, boolean ours, boolean kernel, long cpuNs, long waitNs)
    {
        /** How the reports name it: the thread, and its process when that is another one. */
        public String label()
        {
            if (ours)
            {
                return name + " (this JVM)";
            }
            if (kernel)
            {
                return name + " (kernel)";
            }
            return name.equals(process) ? name + " (pid " + pid + ")" : name + " (" + process + ", pid " + pid + ")";
        }
    }

    /** Every thread's counters at one moment, by pid and tid. */
    public record Snapshot(Map<Long, ThreadStat> threads)
    {
        public boolean available()
        {
            return !threads.isEmpty();
        }
    }

    /**
     * @param machineWide every process's threads, or only this JVM's.
     * @return the counters now; empty when {@code /proc} has none.
     */
    public static Snapshot take(final boolean machineWide)
    {
        final long self = ProcessHandle.current().pid();
        final Map<Long, ThreadStat> threads = new HashMap<>();
        if (machineWide)
        {
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, SchedStat::isNumber))
            {
                for (final Path process : processes)
                {
                    readProcess(process, Integer.parseInt(process.getFileName().toString()) == self, threads);
                }
            }
            catch (final IOException | RuntimeException e)
            {
                return new Snapshot(Map.of());
            }
        }
        else
        {
            readProcess(PROC.resolve(Long.toString(self)), true, threads);
        }
        return new Snapshot(threads);
    }

    private static boolean isNumber(final Path path)
    {
        final String name = path.getFileName().toString();
        if (name.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < name.length(); i++)
        {
            if (name.charAt(i) < '0' || name.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }

    /** Threads and processes come and go while this reads: whatever vanished is left out. */
    private static void readProcess(final Path process, final boolean ours, final Map<Long, ThreadStat> into)
    {
        final int pid = Integer.parseInt(process.getFileName().toString());
        final String processName = firstLine(process.resolve("comm"));
        if (processName == null)
        {
            return;
        }
        final boolean kernel;
        try
        {
            // procfs files report no size: read the command line to see whether there is one.
            kernel = Files.readAllBytes(process.resolve("cmdline")).length == 0;
        }
        catch (final IOException e)
        {
            return;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(process.resolve("task"), SchedStat::isNumber))
        {
            for (final Path task : tasks)
            {
                final String stat = firstLine(task.resolve("schedstat"));
                final String name = firstLine(task.resolve("comm"));
                if (stat == null || name == null)
                {
                    continue;
                }
                final String[] fields = stat.trim().split(" ");
                if (fields.length < 2)
                {
                    continue;
                }
                final int tid = Integer.parseInt(task.getFileName().toString());
                into.put(key(pid, tid), new ThreadStat(pid, tid, processName, name, ours, kernel, Long.parseLong(fields[0]),
                    Long.parseLong(fields[1])));
            }
        }
        catch (final IOException | RuntimeException e)
        {
            // The process ended while it was read.
        }
    }

    /** A snapshot's key for a thread. */
    static long key(final int pid, final int tid)
    {
        return ((long)pid << 32) | (tid & 0xFFFF_FFFFL);
    }

    private static String firstLine(final Path file)
    {
        try
        {
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            final int end = text.indexOf('\n');
            return end < 0 ? text : text.substring(0, end);
        }
        catch (final IOException | RuntimeException e)
        {
            return null;
        }
    }

    /**
     * What each thread did between two snapshots: its counters' increase, for threads in both and
     * for threads that started in between (counted from zero). Threads that ended in between are
     * not known. Sorted by CPU time, most first; threads that neither ran nor waited are left out.
     */
    public static List<ThreadStat> between(final Snapshot before, final Snapshot after)
    {
        final List<ThreadStat> used = new ArrayList<>();
        for (final Map.Entry<Long, ThreadStat> e : after.threads().entrySet())
        {
            final ThreadStat now = e.getValue();
            final ThreadStat then = before.threads().get(e.getKey());
            final long cpu = now.cpuNs() - (then == null ? 0 : then.cpuNs());
            final long wait = now.waitNs() - (then == null ? 0 : then.waitNs());
            if (cpu > 0 || wait > 0)
            {
                used.add(new ThreadStat(now.pid(), now.tid(), now.process(), now.name(), now.ours(), now.kernel(), Math.max(0, cpu),
                    Math.max(0, wait)));
            }
        }
        used.sort(Comparator.comparingLong(ThreadStat::cpuNs).reversed().thenComparingInt(ThreadStat::tid));
        return used;
    }

    /**
     * @return the machine's CPU pressure so far: Linux PSI "some" total, the microseconds during
     * which some runnable thread waited for a processor ({@code /proc/pressure/cpu}), or -1 where
     * the system does not report it.
     */
    public static long cpuPressureMicros()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/pressure/cpu")))
            {
                if (line.startsWith("some "))
                {
                    final int at = line.indexOf("total=");
                    return at < 0 ? -1 : Long.parseLong(line.substring(at + 6).trim());
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            return -1;
        }
        return -1;
    }
}
