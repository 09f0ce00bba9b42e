package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.wire.nhrp.Nhrp;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static net.dmvpnhub.trafficgen.spoke.Lab.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NHRP authentication and Error Indications (RFC 2332 section 5.2.7, Cisco's plaintext key): a
 * spoke with the wrong key gets error 11 for each registration, nothing changes at the hub, the
 * spoke counts the errors, never answers them, and backs off; with the right key it registers.
 */
class ErrorIndicationTest extends LabTest
{
    private static final byte[] KEY = "dmvpn".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aWrongKeyGetsError11AndChangesNothing()
    {
        final SpokeConfig wrong = SpokeConfig.builder().authentication("wrong".getBytes(StandardCharsets.US_ASCII)).build();
        lab = new Lab(Lab.hubConfig().withAuthentication(KEY), wrong, AddressPlan.defaults(), Lab.Sizing.small(2)).up();
        final Spokes spokes = lab.spokes;
        final SpokeCounters counters = spokes.counters();
        assertEquals(2, counters.errorIndications(Nhrp.ERROR_AUTHENTICATION_FAILURE));
        assertEquals(2, lab.server.traffic().errorsSent(Nhrp.ERROR_AUTHENTICATION_FAILURE));
        assertEquals(SpokeState.BACKOFF, spokes.state(0), "the error failed the registration at once");
        assertEquals(0, lab.server.cacheSize());
        assertEquals(0, lab.tables.peers().size());

        lab.driver.advance(300 * SECOND, SECOND);
        final long sent = counters.get(Counter.REGISTRATIONS_SENT);
        assertTrue(sent > 4 && sent < 40, "retries back off: " + sent);
        assertEquals(sent, counters.errorIndications(Nhrp.ERROR_AUTHENTICATION_FAILURE), "each one refused");
        assertEquals(0, counters.get(Counter.REGISTRATION_TIMEOUTS), "the error ended each attempt, no need to time out");
        assertEquals(0, counters.get(Counter.REGISTRATIONS_OK));
        assertEquals(0, lab.server.cacheSize());
        assertEquals(0, counters.nhrpSent(Nhrp.TYPE_ERROR_INDICATION));
        assertEquals(0, lab.server.traffic().received(Nhrp.TYPE_ERROR_INDICATION), "an Error Indication is never answered");
    }

    @Test
    void theRightKeyRegistersAndEveryAnswerCarriesIt()
    {
        final SpokeConfig right = SpokeConfig.builder().authentication(KEY).build();
        lab = new Lab(Lab.hubConfig().withAuthentication(KEY), right, AddressPlan.defaults(), Lab.Sizing.small(2)).up();
        final Spokes spokes = lab.spokes;
        assertEquals(2, spokes.registeredCount());
        spokes.sendData(0, spokes.host(0, 1), spokes.host(1, 1), 10);
        lab.driver.runUntilIdle();
        assertEquals(DataPath.DIRECT, spokes.sendData(0, spokes.host(0, 1), spokes.host(1, 1), 10),
            "indication, forwarded request and direct reply all authenticated");
        assertEquals(0, spokes.counters().drops(SpokeDrop.AUTHENTICATION_MISMATCH));
    }

    @Test
    void nhrpWithoutTheNetworkKeyIsDropped()
    {
        // A keyless hub: it echoes a request's extensions (the spoke's key among them) in its
        // replies, but its own Traffic Indications carry no key, and a keyed spoke must refuse them.
        final SpokeConfig keyed = SpokeConfig.builder().authentication(KEY).build();
        lab = new Lab(Lab.hubConfig(), keyed, AddressPlan.defaults(), Lab.Sizing.small(2)).up();
        final Spokes spokes = lab.spokes;
        assertEquals(2, spokes.registeredCount());
        assertEquals(DataPath.HUB, spokes.sendData(0, spokes.host(0, 1), spokes.host(1, 1), 10));
        lab.driver.runUntilIdle();
        assertEquals(1, lab.server.traffic().sent(Nhrp.TYPE_TRAFFIC_INDICATION));
        assertEquals(1, spokes.counters().drops(SpokeDrop.AUTHENTICATION_MISMATCH));
        assertEquals(0, spokes.counters().get(Counter.TRAFFIC_INDICATIONS));
        assertEquals(0, spokes.counters().get(Counter.RESOLUTIONS_SENT));
        assertEquals(DataPath.HUB, spokes.sendData(0, spokes.host(0, 1), spokes.host(1, 1), 10));
    }
}
