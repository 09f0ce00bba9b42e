package net.dmvpnhub.trafficgen;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records a thread that spends its time in one known method and checks the report finds it on
 * top, attributed to that thread, with folded stacks ending in it.
 */
class JfrHotMethodsTest
{
    static volatile long sink;

    static long spin(final long iterations)
    {
        long x = 1;
        for (long i = 0; i < iterations; i++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    @Test
    void theBusyMethodIsOnTopForItsThread(@TempDir final Path directory) throws Exception
    {
        final Path file = directory.resolve("test.jfr");
        try (Recording recording = new Recording())
        {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            recording.start();
            final Thread busy = new Thread(() ->
            {
                final long end = System.nanoTime() + 700_000_000L;
                while (System.nanoTime() < end)
                {
                    sink += spin(100_000);
                }
            }, "hot-test-thread");
            busy.start();
            busy.join();
            recording.stop();
            recording.dump(file);
        }
        final JfrHotMethods report = JfrHotMethods.read(file, name -> name.equals("hot-test-thread"));
        assertTrue(report.samples() > 20, "samples: " + report.samples());
        assertEquals(report.samples(), report.samplesByThread().get("hot-test-thread"));
        assertEquals("JfrHotMethodsTest.spin", report.top(1).get(0).method());
        assertTrue(report.top(1).get(0).selfSamples() > report.samples() / 2);
        assertTrue(report.foldedStacks().lines().anyMatch(l -> l.startsWith("hot-test-thread;") && l.contains("JfrHotMethodsTest.spin ")));
        assertTrue(report.markdown(5).contains("| `JfrHotMethodsTest.spin` |"));
    }
}
