package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.trafficgen.spoke.SpokeShow;
import org.junit.jupiter.api.Test;

import java.util.List;

import static net.dmvpnhub.trafficgen.spoke.Lab.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DMVPN Phase 3 end to end: the hub summarises (spokes have 10.128.0.0/9 via the hub), the first
 * packet from A's LAN to B's crosses the hub, the hub sends A a Traffic Indication, A resolves,
 * the hub forwards the request to B, B answers A directly with its /24, A installs an H route,
 * and later packets go spoke to spoke; idle shortcuts expire, used ones are renewed.
 */
class Phase3Test extends LabTest
{
    @Test
    void theFirstPacketCrossesTheHubAndTheShortcutCarriesTheRest()
    {
        lab = Lab.phase3(3).up();
        final Spokes spokes = lab.spokes;
        final SpokeCounters counters = spokes.counters();
        final int a = 0;
        final int b = 1;
        final int source = spokes.host(a, 5);
        final int destination = spokes.host(b, 7);

        assertEquals(DataPath.HUB, spokes.sendData(a, source, destination, 64), "only the summary via the hub so far");
        lab.driver.runUntilIdle();
        assertEquals(1, counters.get(b, Counter.DATA_RECEIVED_HUB), "forwarded by the hub");
        assertEquals(1, lab.server.traffic().sent(Nhrp.TYPE_TRAFFIC_INDICATION));
        assertEquals(1, counters.get(a, Counter.TRAFFIC_INDICATIONS));
        assertEquals(1, counters.get(a, Counter.RESOLUTIONS_SENT));
        assertEquals(1, lab.server.traffic().resolutionsForwarded(), "the hub forwarded A's request to B");
        assertEquals(1, counters.get(b, Counter.RESOLUTIONS_ANSWERED));
        assertEquals(1, counters.nhrpReceived(Nhrp.TYPE_RESOLUTION_REPLY), "B's answer reached A");
        assertEquals(0, lab.server.traffic().received(Nhrp.TYPE_RESOLUTION_REPLY), "... without crossing the hub");
        assertEquals(1, counters.get(a, Counter.SHORTCUTS_INSTALLED));

        final List<SpokeCacheEntry> cache = spokes.cache(a);
        assertTrue(cache.contains(new SpokeCacheEntry(SpokeCacheEntry.Kind.ROUTE, spokes.lan(b), 24, spokes.tunnel(b), 0,
            lab.driver.nowNs() + Nhrp.DEFAULT_HOLDING_TIME_S * SECOND, false, false)), () -> "H route for B's /24: " + cache);
        assertEquals(spokes.nbma(b), spokes.directNbma(a, destination));
        assertEquals(0, spokes.directNbma(a, spokes.host(2, 7)), "C's LAN still via the hub");

        final long hubTransmitted = lab.dataplane.totals().transmitted();
        for (int i = 0; i < 10; i++)
        {
            assertEquals(DataPath.DIRECT, spokes.sendData(a, source, destination + i % 3, 100));
        }
        lab.driver.runUntilIdle();
        assertEquals(10, counters.get(b, Counter.DATA_RECEIVED_DIRECT));
        assertEquals(1, counters.get(b, Counter.DATA_RECEIVED_HUB));
        assertEquals(hubTransmitted, lab.dataplane.totals().transmitted(), "the hub forwarded nothing more");
        assertEquals(1, counters.get(a, Counter.DATA_SENT_HUB));
        assertEquals(10, counters.get(a, Counter.DATA_SENT_DIRECT));
        assertEquals(0, counters.get(2, Counter.FRAMES_RECEIVED) - 1, "C only ever heard its registration reply");

        // A's own view, as IOS shows it: the H route for B's LAN via B's tunnel address, B's binding.
        final SpokeShow show = new SpokeShow(spokes, "Tunnel0", lab.driver.nowNs());
        assertEquals("""
            Codes: L - local, C - connected, S - static, B - BGP, D - EIGRP, O - OSPF, H - NHRP

            C     10.0.0.0/16 is directly connected, Tunnel0
            S     10.128.0.0/9 [1/0] via 10.0.0.1, Tunnel0
            C     10.128.0.0/24 is directly connected, LAN
            H     10.128.1.0/24 [250/1] via 10.0.0.12, 02:00:00, Tunnel0
            """, show.ipRoute(a));
        assertEquals("""
            10.0.0.12/32 via 10.0.0.12
               Tunnel0, expire 02:00:00
               Type: dynamic, Flags: router nhop used
               NBMA address: 198.18.1.1
            """, show.ipNhrp(a));

        // Another host in B's LAN takes the same /24 shortcut: no second indication or resolution.
        assertEquals(DataPath.DIRECT, spokes.sendData(a, source, spokes.host(b, 200), 0));
        lab.driver.runUntilIdle();
        assertEquals(1, counters.get(a, Counter.RESOLUTIONS_SENT));
        assertEquals(1, lab.server.traffic().sent(Nhrp.TYPE_TRAFFIC_INDICATION));
    }

    @Test
    void theReturnTrafficGetsItsOwnShortcut()
    {
        lab = Lab.phase3(2).up();
        final Spokes spokes = lab.spokes;
        final SpokeCounters counters = spokes.counters();
        spokes.sendData(0, spokes.host(0, 5), spokes.host(1, 7), 64);
        lab.driver.runUntilIdle();

        // B learned A's tunnel address from the request, not A's LAN: the reply still hairpins once.
        assertEquals(DataPath.HUB, spokes.sendData(1, spokes.host(1, 7), spokes.host(0, 5), 64));
        lab.driver.runUntilIdle();
        assertEquals(2, lab.server.traffic().sent(Nhrp.TYPE_TRAFFIC_INDICATION));
        assertEquals(1, counters.get(1, Counter.SHORTCUTS_INSTALLED));
        assertEquals(DataPath.DIRECT, spokes.sendData(1, spokes.host(1, 7), spokes.host(0, 5), 64));
        lab.driver.runUntilIdle();
        assertEquals(1, counters.get(0, Counter.DATA_RECEIVED_DIRECT));
        assertEquals(1, counters.get(0, Counter.DATA_RECEIVED_HUB));
        assertEquals(2, spokes.directSaEnds(), "one spoke-to-spoke SA pair, one end at each spoke");
    }

    @Test
    void idleShortcutsExpireAndUsedOnesAreRenewed()
    {
        final SpokeConfig config = SpokeConfig.builder().holdingTimeS(600).build();
        lab = new Lab(Lab.hubConfig(), config, AddressPlan.defaults(), Lab.Sizing.small(3)).up();
        final Spokes spokes = lab.spokes;
        final SpokeCounters counters = spokes.counters();
        // A talks to B now and then; A talks to C once.
        spokes.sendData(0, spokes.host(0, 5), spokes.host(1, 7), 64);
        spokes.sendData(0, spokes.host(0, 5), spokes.host(2, 7), 64);
        lab.driver.runUntilIdle();
        assertEquals(2, counters.get(0, Counter.SHORTCUTS_INSTALLED));

        for (int t = 0; t < 30; t++)
        {
            lab.driver.advance(60 * SECOND, 5 * SECOND);
            assertEquals(DataPath.DIRECT, spokes.sendData(0, spokes.host(0, 5), spokes.host(1, 7), 64), "at " + t + " min");
        }
        lab.driver.runUntilIdle();
        assertEquals(0, spokes.directNbma(0, spokes.host(2, 7)), "the idle shortcut to C expired");
        assertEquals(spokes.nbma(1), spokes.directNbma(0, spokes.host(1, 7)), "the used one to B lives on");
        assertEquals(1, counters.get(0, Counter.SHORTCUTS_EXPIRED));
        assertTrue(counters.get(Counter.SHORTCUT_RENEWALS_SENT) >= 2, "renewed every holding time");
        assertEquals(counters.get(Counter.SHORTCUT_RENEWALS_SENT), counters.get(Counter.SHORTCUTS_REFRESHED));
        assertEquals(30, counters.get(1, Counter.DATA_RECEIVED_DIRECT));

        // After expiry, traffic to C takes the hub again, and the hub redirects again.
        assertEquals(DataPath.HUB, spokes.sendData(0, spokes.host(0, 5), spokes.host(2, 7), 64));
        lab.driver.runUntilIdle();
        assertEquals(DataPath.DIRECT, spokes.sendData(0, spokes.host(0, 5), spokes.host(2, 7), 64));
    }
}
