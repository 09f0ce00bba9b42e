package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.nhrp.hub.NhrpTraffic;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The churn benchmark's set-up, driven by hand: the registered spokes refresh, some move to a new
 * NBMA address through IKE, transients register and expire, every request is answered and the
 * trial's own check (every spoke bound to its current address, nothing refused or ignored) passes.
 */
class NhsChurnBenchmarkTest
{
    private static NhsChurnBenchmark benchmark(final String mix)
    {
        final NhsChurnBenchmark b = new NhsChurnBenchmark();
        b.spokes = 200;
        b.transients = 64;
        b.stepNs = 1_000_000;
        b.mix = mix;
        b.setUp();
        return b;
    }

    @Test
    void theChurnMixRefreshesMovesRegistersAndExpires()
    {
        final NhsChurnBenchmark b = benchmark("churn");
        final NhrpTraffic t = b.traffic();
        final long acceptedAtStart = t.registrationsAccepted();
        final long ikeAtStart = t.ikeExchanges();
        assertEquals(200, acceptedAtStart);
        for (int i = 0; i < 300; i++)
        {
            b.registrations();
        }
        assertTrue(t.registrationsRefreshed() > 15_000, "refreshes: " + t.registrationsRefreshed());
        assertTrue(t.ikeExchanges() - ikeAtStart > 500, "moves through IKE: " + (t.ikeExchanges() - ikeAtStart));
        assertTrue(t.registrationsAccepted() - acceptedAtStart > t.ikeExchanges() - ikeAtStart, "moves and new registrations");
        assertTrue(t.registrationsExpired() > 64, "transients expired: " + t.registrationsExpired());
        assertEquals(0, t.admissionNaks());
        assertDoesNotThrow(b::tearDown);
    }

    @Test
    void theRefreshMixOnlyRefreshes()
    {
        final NhsChurnBenchmark b = benchmark("refresh");
        final NhrpTraffic t = b.traffic();
        final long accepted = t.registrationsAccepted();
        for (int i = 0; i < 50; i++)
        {
            b.registrations();
        }
        assertEquals(50L * NhsChurnBenchmark.OPS, t.registrationsRefreshed());
        assertEquals(accepted, t.registrationsAccepted());
        assertEquals(0, t.registrationsExpired());
        assertDoesNotThrow(b::tearDown);
    }
}
