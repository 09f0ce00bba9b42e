package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.dataplane.fib.Dir24Fib;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.nhrp.hub.NhrpBinding;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.wire.nhrp.Nhrp;
import org.junit.jupiter.api.Test;

import static net.dmvpnhub.trafficgen.spoke.Lab.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spoke's registration life, through the real hub: IKE, Registration Request and Reply, the
 * binding in the NHS cache and the dataplane's peer table, refreshes at a third of the holding
 * time, and expiry at the hub when the spoke goes silent (RFC 2332 section 5.2.3).
 */
class RegistrationTest extends LabTest
{
    @Test
    void aSpokeRegistersAndTheHubPublishesItsBinding()
    {
        lab = Lab.phase3(1).up();
        final Spokes spokes = lab.spokes;
        assertEquals(SpokeState.REGISTERED, spokes.state(0));

        final NhrpBinding binding = lab.server.binding(spokes.tunnel(0));
        assertNotNull(binding, "the NHS cache holds the spoke");
        assertEquals(spokes.nbma(0), binding.nbma());
        assertTrue(binding.unique());
        assertEquals(Nhrp.DEFAULT_HOLDING_TIME_S, binding.holdingTimeS());
        final PeerTable.View view = new PeerTable.View();
        assertTrue(lab.tables.peers().lookup(spokes.tunnel(0), view), "the dataplane's peer table holds it");
        assertEquals(spokes.nbma(0), view.nbma);
        // The routing protocol came up with the registration: the hub routes the spoke's LAN to it.
        final int adjacency = lab.tables.routes().lookup(spokes.host(0, 9));
        assertTrue(adjacency != Dir24Fib.MISS);
        assertEquals(spokes.tunnel(0), lab.tables.routes().adjacencyNextHop(adjacency));

        final SpokeCounters counters = spokes.counters();
        assertEquals(1, counters.get(0, Counter.REGISTRATIONS_SENT));
        assertEquals(1, counters.get(0, Counter.REGISTRATIONS_OK));
        assertEquals(1, counters.nhrpSent(Nhrp.TYPE_REGISTRATION_REQUEST));
        assertEquals(1, counters.nhrpReceived(Nhrp.TYPE_REGISTRATION_REPLY));
        assertEquals(1, lab.server.traffic().received(Nhrp.TYPE_REGISTRATION_REQUEST));
        assertEquals(1, counters.get(0, Counter.FRAMES_TO_HUB));
        assertEquals(1, counters.get(0, Counter.FRAMES_RECEIVED));
    }

    @Test
    void reRegistrationAtAThirdOfTheHoldingTimeKeepsTheBindingAndSilenceLosesIt()
    {
        lab = Lab.phase3(2).up();
        final Spokes spokes = lab.spokes;
        final int a = spokes.tunnel(0);
        final int b = spokes.tunnel(1);
        final long registeredAt = lab.driver.nowNs();

        // Three refreshes, at 2400, 4800 and 7200 s; b stops after its first.
        lab.driver.advance(2500 * SECOND, 10 * SECOND);
        assertEquals(2, spokes.counters().get(1, Counter.REGISTRATIONS_SENT));
        spokes.stop(1);
        lab.driver.advance(7100 * SECOND - (lab.driver.nowNs() - registeredAt) + 2400 * SECOND, 10 * SECOND);
        // 7100 s after b's last refresh: still held.
        assertNotNull(lab.server.binding(b));
        lab.driver.advance(200 * SECOND, 10 * SECOND);

        assertNull(lab.server.binding(b), "b expired 7200 s after its last registration");
        assertFalse(lab.tables.peers().lookup(b, new PeerTable.View()));
        assertEquals(Dir24Fib.MISS, lab.tables.routes().lookup(spokes.host(1, 9)), "its LAN route went with it");
        assertEquals(java.util.List.of(b), lab.unregistered);

        assertNotNull(lab.server.binding(a), "a kept refreshing");
        assertEquals(SpokeState.REGISTERED, spokes.state(0));
        final long sent = spokes.counters().get(0, Counter.REGISTRATIONS_SENT);
        final long elapsedS = (lab.driver.nowNs() - registeredAt) / SECOND;
        assertEquals(1 + elapsedS / 2400, sent, "one registration, then one per third of 7200 s");
        assertEquals(sent - 1, lab.server.traffic().registrationsRefreshed() - 1, "every refresh reached the hub (b refreshed once)");
        assertEquals(1, lab.server.traffic().registrationsExpired());
    }
}
