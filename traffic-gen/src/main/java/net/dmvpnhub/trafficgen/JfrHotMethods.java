package net.dmvpnhub.trafficgen;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A hot-method report from a JDK Flight Recorder file: the execution samples
 * ({@code jdk.ExecutionSample}, and {@code jdk.NativeMethodSample} for time in native code such
 * as OpenSSL) of the threads of interest, counted per method as "self" (the top frame) and
 * "total" (anywhere on the stack, once per sample), plus the folded stacks that flame-graph tools
 * read ({@code flamegraph.pl}, speedscope). JFR samples Java threads at safepoint-free points,
 * so the profile is not biased toward safepoints as older samplers were.
 */
public final class JfrHotMethods
{
    private final Map<String, Long> self = new HashMap<>();
    private final Map<String, Long> total = new HashMap<>();
    private final Map<String, Long> folded = new HashMap<>();
    private final Map<String, Long> byThread = new HashMap<>();
    private long samples;

    /** One method's share of the samples. */
    public record Entry(String method, long selfSamples, long totalSamples)
    {
    }

    /**
     * @param threads which threads count, by name (for example the hub's workers and its NHS).
     */
    public static JfrHotMethods read(final Path recording, final Predicate<String> threads) throws IOException
    {
        final JfrHotMethods report = new JfrHotMethods();
        for (final RecordedEvent event : RecordingFile.readAllEvents(recording))
        {
            final String type = event.getEventType().getName();
            if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample"))
            {
                continue;
            }
            final RecordedThread thread = event.getThread("sampledThread");
            final String threadName = thread == null ? "?" : thread.getJavaName();
            if (threadName == null || !threads.test(threadName))
            {
                continue;
            }
            final RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty())
            {
                continue;
            }
            report.add(threadName, stack.getFrames());
        }
        return report;
    }

    private void add(final String thread, final List<RecordedFrame> frames)
    {
        samples++;
        byThread.merge(thread, 1L, Long::sum);
        self.merge(name(frames.get(0)), 1L, Long::sum);
        final Set<String> seen = new HashSet<>();
        final StringBuilder stack = new StringBuilder(thread);
        for (int i = frames.size() - 1; i >= 0; i--)
        {
            final String method = name(frames.get(i));
            if (seen.add(method))
            {
                total.merge(method, 1L, Long::sum);
            }
            stack.append(';').append(method);
        }
        folded.merge(stack.toString(), 1L, Long::sum);
    }

    private static String name(final RecordedFrame frame)
    {
        final RecordedMethod method = frame.getMethod();
        if (method == null)
        {
            return "?";
        }
        final String type = method.getType() == null ? "?" : method.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName();
    }

    public long samples()
    {
        return samples;
    }

    public Map<String, Long> samplesByThread()
    {
        return byThread;
    }

    /**
     * @return the methods with the most self samples, most first.
     */
    public List<Entry> top(final int n)
    {
        final List<Entry> entries = new ArrayList<>();
        self.forEach((method, count) -> entries.add(new Entry(method, count, total.getOrDefault(method, 0L))));
        entries.sort(Comparator.comparingLong(Entry::selfSamples).reversed().thenComparing(Entry::method));
        return entries.subList(0, Math.min(n, entries.size()));
    }

    /**
     * @return one line per distinct stack, {@code thread;outer;...;inner count}.
     */
    public String foldedStacks()
    {
        final StringBuilder out = new StringBuilder();
        folded.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .forEach(e -> out.append(e.getKey()).append(' ').append(e.getValue()).append('\n'));
        return out.toString();
    }

    /**
     * @return a markdown table of the top methods with their shares.
     */
    public String markdown(final int n)
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d samples: %s%n%n", samples, byThread));
        out.append("| method | self | self % | total % |\n|---|---:|---:|---:|\n");
        for (final Entry e : top(n))
        {
            out.append(String.format(Locale.ROOT, "| `%s` | %d | %.1f | %.1f |%n", e.method(), e.selfSamples(),
                100.0 * e.selfSamples() / samples, 100.0 * e.totalSamples() / samples));
        }
        return out.toString();
    }
}
