package net.dmvpnhub.nhrp.spoke;

import net.dmvpnhub.nhrp.hub.NhrpBinding;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.nhrp.spoke.SpokeCounters.Counter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Phase 1 reference lab: hub R1 (tunnel 999, 192.168.1.1/24, NBMA 1.1.1.1) with static maps
 * for R3 (192.168.1.2, NBMA 3.3.3.2) and R4 (192.168.1.3, NBMA 4.4.4.2); the spokes are
 * point-to-point GRE to the hub and do not register. The hub's NHRP cache holds exactly the two
 * static entries, and R4's traffic to R3 crosses the hub: two tunnel hops.
 */
class Phase1LabTest extends LabTest
{
    private static final int R1_NBMA = parse("1.1.1.1");
    private static final int R1_TUNNEL = parse("192.168.1.1");

    @Test
    void spokeToSpokeTrafficCrossesTheHubOverStaticMaps()
    {
        final NhsConfig hub = new NhsConfig(R1_NBMA, R1_TUNNEL, 24, 1, 7200, null, false, 10_000_000_000L, 768, 1400);
        final SpokeConfig spokes = SpokeConfig.builder()
            .phase(SpokeConfig.Phase.PHASE_1)
            .hub(R1_NBMA, R1_TUNNEL, 24)
            .tunnelKey(999)
            .build();
        final AddressPlan none = new AddressPlan(parse("192.168.1.2"), parse("3.3.3.2"), parse("172.16.0.0"), 24);
        lab = new Lab(hub, spokes, none, new Lab.Sizing(0, 256, 64, 1, false));
        lab.server.addStatic(parse("192.168.1.2"), parse("3.3.3.2"));
        lab.server.addStatic(parse("192.168.1.3"), parse("4.4.4.2"));
        final int r3 = lab.spokes.addSpoke(parse("192.168.1.2"), parse("3.3.3.2"), parse("172.16.3.0"));
        final int r4 = lab.spokes.addSpoke(parse("192.168.1.3"), parse("4.4.4.2"), parse("172.16.4.0"));
        lab.up();

        assertEquals(SpokeState.STATIC, lab.spokes.state(r3));
        assertEquals(SpokeState.STATIC, lab.spokes.state(r4));
        final List<NhrpBinding> cache = lab.server.cache();
        assertEquals(2, cache.size(), cache::toString);
        assertTrue(cache.stream().allMatch(NhrpBinding::isStatic));
        assertEquals(0, lab.spokes.counters().get(Counter.REGISTRATIONS_SENT));

        final List<Integer> ttls = new ArrayList<>();
        lab.spokes.dataReceiver((spoke, direct, buffer, offset, length) -> ttls.add(buffer.getByte(offset + 8) & 0xFF));
        assertEquals(DataPath.HUB, lab.spokes.sendData(r4, parse("192.168.1.3"), parse("192.168.1.2"), 56));
        lab.driver.runUntilIdle();
        assertEquals(1, lab.spokes.counters().get(r3, Counter.DATA_RECEIVED_HUB));
        assertEquals(List.of(63), ttls, "one router (the hub) between the two tunnel hops");
        assertEquals(0, lab.spokes.counters().get(Counter.RESOLUTIONS_SENT), "Phase 1 never resolves");
        assertEquals(0, lab.server.traffic().totalReceived(), "no NHRP at all");
    }
}
