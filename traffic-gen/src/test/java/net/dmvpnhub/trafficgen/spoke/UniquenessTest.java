package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.nhrp.hub.NhrpTraffic;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.nhrp.Nhrp;
import org.junit.jupiter.api.Test;

import static net.dmvpnhub.trafficgen.spoke.Lab.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unique flag and dynamic NBMA addresses (RFC 2332 section 5.2.3): a second registration of
 * a unique address from elsewhere is refused with NAK 14 and changes nothing; in no-unique mode a
 * spoke whose address changes re-registers from the new one, shortcuts to the old address are
 * purged, and traffic follows.
 */
class UniquenessTest extends LabTest
{
    private static final int NEW_NBMA = Ipv4Address.parse("198.18.200.7");

    @Test
    void aHijackFromAnotherNbmaGetsNak14AndTrafficStillGoesToTheOwner()
    {
        lab = Lab.phase3(2).up();
        final Spokes spokes = lab.spokes;
        final SpokeCounters counters = spokes.counters();
        final int thief = spokes.addSpoke(spokes.tunnel(0), Ipv4Address.parse("203.0.113.66"), spokes.lan(0));
        spokes.start(thief);
        lab.driver.runUntilIdle();

        assertEquals(SpokeState.BACKOFF, spokes.state(thief));
        assertEquals(Nhrp.CIE_ALREADY_REGISTERED, spokes.lastNak(thief));
        assertEquals(1, counters.registrationNaks(Nhrp.CIE_ALREADY_REGISTERED));
        assertEquals(1, lab.server.traffic().naksSent(Nhrp.CIE_ALREADY_REGISTERED));
        assertEquals(spokes.nbma(0), lab.server.binding(spokes.tunnel(0)).nbma());

        // The thief keeps trying, with back-off; the owner keeps refreshing; nothing moves.
        lab.driver.advance(3000 * SECOND, 10 * SECOND);
        // Back-off 1, 2, 4, ... s capped at 64 s, each drawn from its upper half: about 67 tries in 3000 s.
        final long naks = counters.get(thief, Counter.REGISTRATION_NAKS);
        assertTrue(naks > 40 && naks < 100, "retried with back-off, not every second: " + naks);
        assertEquals(0, counters.get(thief, Counter.REGISTRATIONS_OK));
        assertEquals(SpokeState.REGISTERED, spokes.state(0));
        final PeerTable.View view = new PeerTable.View();
        assertTrue(lab.tables.peers().lookup(spokes.tunnel(0), view));
        assertEquals(spokes.nbma(0), view.nbma);

        assertEquals(DataPath.HUB, spokes.sendData(1, spokes.host(1, 5), spokes.host(0, 5), 64));
        assertEquals(DataPath.HUB, spokes.sendData(1, spokes.host(1, 5), spokes.tunnel(0), 64));
        lab.driver.runUntilIdle();
        assertEquals(2, counters.get(0, Counter.DATA_RECEIVED_HUB), "to the owner's LAN and tunnel address, via the hub");
        assertEquals(0, counters.get(thief, Counter.FRAMES_RECEIVED) - counters.get(thief, Counter.REGISTRATION_NAKS),
            "the thief heard nothing but its NAKs");
    }

    @Test
    void phase3NbmaChangePurgesTheShortcutsAndTrafficFollows()
    {
        final SpokeConfig config = SpokeConfig.builder().unique(false).build();
        lab = new Lab(Lab.hubConfig(), config, AddressPlan.defaults(), Lab.Sizing.small(2)).up();
        final Spokes spokes = lab.spokes;
        final SpokeCounters counters = spokes.counters();
        final int a = 0;
        final int b = 1;
        final int source = spokes.host(a, 5);
        final int destination = spokes.host(b, 7);
        spokes.sendData(a, source, destination, 64);
        lab.driver.runUntilIdle();
        assertEquals(spokes.nbma(b), spokes.directNbma(a, destination));
        final int oldNbma = spokes.nbma(b);

        spokes.changeNbma(b, NEW_NBMA);
        lab.driver.runUntilIdle();
        assertEquals(SpokeState.REGISTERED, spokes.state(b), "the hub accepted the new address (no-unique)");
        assertEquals(NEW_NBMA, lab.server.binding(spokes.tunnel(b)).nbma());
        assertEquals(1, counters.get(Counter.PURGES_SENT), "B told A, who held a shortcut to it");
        assertEquals(1, counters.get(a, Counter.SHORTCUTS_PURGED), "A honoured it");
        assertEquals(0, spokes.directNbma(a, destination));
        assertEquals(0, spokes.directSaEnds(), "the SAs with the old address are gone at both ends");
        assertEquals(-1, spokes.indexOfNbma(oldNbma));

        // Traffic follows through the hub at once, then directly to the new address.
        assertEquals(DataPath.HUB, spokes.sendData(a, source, destination, 64));
        lab.driver.runUntilIdle();
        assertEquals(2, counters.get(b, Counter.DATA_RECEIVED_HUB));
        lab.driver.advance(11 * SECOND);
        assertEquals(DataPath.HUB, spokes.sendData(a, source, destination, 64));
        lab.driver.runUntilIdle();
        assertEquals(NEW_NBMA, spokes.directNbma(a, destination), "re-resolved after the next Traffic Indication");
        assertEquals(DataPath.DIRECT, spokes.sendData(a, source, destination, 64));
        lab.driver.runUntilIdle();
        assertEquals(1, counters.get(b, Counter.DATA_RECEIVED_DIRECT));
    }

    @Test
    void phase2NbmaChangeIsPurgedByTheHubAndAnswered()
    {
        final SpokeConfig config = SpokeConfig.builder().phase(SpokeConfig.Phase.PHASE_2).unique(false).build();
        final NhsConfig hub = Lab.hubConfig().withRedirect(false);
        lab = new Lab(hub, config, AddressPlan.defaults(), Lab.Sizing.small(2)).up();
        final Spokes spokes = lab.spokes;
        final SpokeCounters counters = spokes.counters();
        final int source = spokes.host(0, 5);
        final int destination = spokes.host(1, 7);
        spokes.sendData(0, source, destination, 64);
        lab.driver.runUntilIdle();
        assertEquals(DataPath.DIRECT, spokes.sendData(0, source, destination, 64));

        spokes.changeNbma(1, NEW_NBMA);
        lab.driver.runUntilIdle();
        assertEquals(NEW_NBMA, lab.server.binding(spokes.tunnel(1)).nbma());
        assertEquals(1, lab.server.traffic().purgesSent(), "the hub purged the binding it had given A");
        assertEquals(1, counters.nhrpReceived(Nhrp.TYPE_PURGE_REQUEST));
        assertEquals(1, counters.get(0, Counter.SHORTCUTS_PURGED));
        assertEquals(1, counters.get(Counter.PURGE_REPLIES_SENT));
        assertEquals(1, lab.server.traffic().received(Nhrp.TYPE_PURGE_REPLY), "A answered the purge");
        assertEquals(0, lab.server.traffic().ignored(NhrpTraffic.Ignored.UNEXPECTED_TYPE), "the hub expected that answer");

        assertEquals(DataPath.HUB, spokes.sendData(0, source, destination, 64));
        lab.driver.runUntilIdle();
        assertEquals(DataPath.DIRECT, spokes.sendData(0, source, destination, 64));
        assertEquals(NEW_NBMA, spokes.directNbma(0, spokes.tunnel(1)));
    }
}
