package net.dmvpnhub.trafficgen;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SchedStatTest
{
    private static final String NAME = "schedstat-probe";

    private static boolean linuxWithSchedstat()
    {
        return Files.isReadable(Path.of("/proc/self/schedstat"));
    }

    /**
     * Spins on a thread with a known name until that thread has used {@code ms} of CPU time (as
     * the JVM counts it, not the wall clock: on a loaded machine the thread waits for a processor
     * part of the time), and waits until it has.
     */
    private static void spinOnNamedThread(final long ms) throws InterruptedException
    {
        final java.util.concurrent.CountDownLatch spun = new java.util.concurrent.CountDownLatch(1);
        final Thread t = new Thread(() ->
        {
            final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            final long end = threads.getCurrentThreadCpuTime() + ms * 1_000_000L;
            long x = 0;
            while (threads.getCurrentThreadCpuTime() < end)
            {
                x++;
            }
            if (x == 42)
            {
                System.out.print("");
            }
            spun.countDown();
            // Stay alive until the snapshot has been taken.
            try
            {
                Thread.sleep(2_000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }, NAME);
        t.setDaemon(true);
        t.start();
        assertTrue(spun.await(60, java.util.concurrent.TimeUnit.SECONDS), "the probe thread never got its CPU time");
    }

    @Test
    void aSpinningThreadOfThisJvmShowsItsCpuTimeBetweenTwoSnapshots() throws InterruptedException
    {
        assumeTrue(linuxWithSchedstat(), "needs Linux's /proc/<pid>/task/<tid>/schedstat");
        final SchedStat.Snapshot before = SchedStat.take(true);
        assertTrue(before.available());
        spinOnNamedThread(150);
        final SchedStat.Snapshot after = SchedStat.take(true);
        final List<SchedStat.ThreadStat> used = SchedStat.between(before, after);
        final SchedStat.ThreadStat probe = used.stream().filter(t -> t.name().equals(NAME)).findFirst().orElseThrow(
            () -> new AssertionError("the probe thread is missing from " + used));
        assertTrue(probe.ours());
        assertFalse(probe.kernel());
        assertEquals(ProcessHandle.current().pid(), probe.pid());
        assertTrue(probe.cpuNs() >= 100_000_000L, "spun 150 ms, counted " + probe.cpuNs() + " ns");
        assertEquals(NAME + " (this JVM)", probe.label());
        for (int i = 1; i < used.size(); i++)
        {
            assertTrue(used.get(i - 1).cpuNs() >= used.get(i).cpuNs(), "most CPU first");
        }
        assertTrue(after.threads().values().stream().anyMatch(t -> t.kernel() && !t.ours()) ||
            !Files.isDirectory(Path.of("/proc/2/task")), "the machine-wide snapshot sees kernel threads");
    }

    @Test
    void onlyThisJvmWhenAsked()
    {
        assumeTrue(linuxWithSchedstat(), "needs Linux's /proc/<pid>/task/<tid>/schedstat");
        final SchedStat.Snapshot own = SchedStat.take(false);
        assertTrue(own.available());
        assertTrue(own.threads().values().stream().allMatch(SchedStat.ThreadStat::ours));
    }

    @Test
    void countersAreTakenAsIncreasesAndNewThreadsCountFromZero()
    {
        final SchedStat.ThreadStat a0 = new SchedStat.ThreadStat(1, 1, "p", "a", false, false, 1_000, 500);
        final SchedStat.ThreadStat a1 = new SchedStat.ThreadStat(1, 1, "p", "a", false, false, 4_000, 700);
        final SchedStat.ThreadStat idle = new SchedStat.ThreadStat(1, 2, "p", "idle", false, false, 9_000, 9);
        final SchedStat.ThreadStat born = new SchedStat.ThreadStat(1, 3, "p", "born", false, false, 5_000, 0);
        final SchedStat.ThreadStat gone = new SchedStat.ThreadStat(1, 4, "p", "gone", false, false, 8_000, 0);
        final SchedStat.Snapshot before = new SchedStat.Snapshot(Map.of(SchedStat.key(1, 1), a0, SchedStat.key(1, 2), idle, SchedStat.key(1, 4), gone));
        final SchedStat.Snapshot after = new SchedStat.Snapshot(Map.of(SchedStat.key(1, 1), a1, SchedStat.key(1, 2), idle, SchedStat.key(1, 3), born));
        final List<SchedStat.ThreadStat> used = SchedStat.between(before, after);
        assertEquals(List.of("born", "a"), used.stream().map(SchedStat.ThreadStat::name).toList(), "idle and gone left out, most CPU first");
        assertEquals(5_000, used.get(0).cpuNs());
        assertEquals(3_000, used.get(1).cpuNs());
        assertEquals(200, used.get(1).waitNs());
    }

    @Test
    void labelsNameTheProcessOfOtherThreads()
    {
        assertEquals("kdamond.0 (kernel)", new SchedStat.ThreadStat(83, 83, "kdamond.0", "kdamond.0", false, true, 0, 0).label());
        assertEquals("sshd (pid 7)", new SchedStat.ThreadStat(7, 7, "sshd", "sshd", false, false, 0, 0).label());
        assertEquals("worker (node, pid 7)", new SchedStat.ThreadStat(7, 9, "node", "worker", false, false, 0, 0).label());
    }
}
