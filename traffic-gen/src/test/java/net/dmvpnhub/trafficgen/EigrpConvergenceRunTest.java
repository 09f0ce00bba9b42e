package net.dmvpnhub.trafficgen;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `./dmvpn eigrp` at a small scale: it converges (every spoke's LAN a D route at the hub, the
 * summary at every spoke), counts what it should, keeps conservation, and prints its tables.
 * Behaviour only, never timing.
 */
class EigrpConvergenceRunTest
{
    @Test
    void fiftyStubSpokesConvergeWithEveryFrameAccountedFor()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();
        final EigrpConvergenceRun.Result result = EigrpConvergenceRun.run(50, 60,
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertTrue(result.converged());
        assertNull(result.conservationProblem());
        assertEquals(50, result.hubRoutes());
        assertEquals(50, result.spokesWithSummary());
        assertTrue(result.convergedAfterNs() > 0 && result.convergedAfterNs() <= 6_000_000_000L,
            "within a hello interval and a round trip: " + result.convergedAfterNs());
        assertEquals(0, result.hub().retransmissions(), "nothing lost on a lossless simulated network");
        assertEquals(2 * 50, result.hub().acksSent(), "each spoke's INIT and its update acknowledged");
        assertTrue(result.hubEigrpCpuNs() > 0);
        final String summary = out.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains("| 50 | "), summary);
        assertTrue(summary.contains("Conservation: every frame accounted for"), summary);
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("converged after"));
    }
}
