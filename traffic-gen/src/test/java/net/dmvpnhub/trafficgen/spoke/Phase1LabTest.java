package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.nhrp.config.HubConfiguration;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.nhrp.config.IosConfigParser;
import net.dmvpnhub.nhrp.hub.NhrpBinding;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.nhrp.show.HubShow;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
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
        final NhsConfig hub = new NhsConfig(R1_NBMA, R1_TUNNEL, 24, 1, 7200, null, false, 10_000_000_000L, 768, 1400, true,
            java.util.List.of());
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

    /**
     * The same lab with the hub built from its configuration file, examples/phase1-R1.cfg, and
     * R1's {@code show ip nhrp} after 44 minutes 20 seconds, R4 having just sent to R3: the golden
     * output, in IOS's layout.
     */
    @Test
    void showIpNhrpOnTheHubBuiltFromItsConfigurationMatchesIos() throws Exception
    {
        final HubSpec r1 = HubConfiguration.spec(IosConfigParser.parse(Path.of("..", "examples", "phase1-R1.cfg")));
        assertEquals("Tunnel999", r1.interfaceName());
        assertEquals(parse("1.1.1.1"), r1.hubConfig().hubNbma());
        assertEquals(List.of("0.0.0.0/0 via 1.1.1.254"), r1.underlayRoutes().stream()
            .map(r -> Ipv4Address.toString(r.prefix()) + "/" + r.prefixLength() + " via " + Ipv4Address.toString(r.nextHop())).toList());
        final SpokeConfig spokes = SpokeConfig.builder()
            .phase(SpokeConfig.Phase.PHASE_1)
            .hub(r1.nhsConfig().hubNbma(), r1.nhsConfig().hubTunnel(), r1.nhsConfig().tunnelPrefixLength())
            .tunnelKey(r1.hubConfig().tunnelKey())
            .build();
        final AddressPlan none = new AddressPlan(parse("192.168.1.2"), parse("3.3.3.2"), parse("172.16.0.0"), 24);
        lab = new Lab(r1.nhsConfig(), spokes, none, new Lab.Sizing(0, 256, 64, 1, false));
        r1.installStaticMaps(lab.server);
        final int r3 = lab.spokes.addSpoke(parse("192.168.1.2"), parse("3.3.3.2"), parse("10.3.3.0"));
        final int r4 = lab.spokes.addSpoke(parse("192.168.1.3"), parse("4.4.4.2"), parse("10.4.4.0"));
        lab.up();
        lab.driver.advance(44 * 60 * Lab.SECOND + 19 * Lab.SECOND, Lab.SECOND);
        assertEquals(DataPath.HUB, lab.spokes.sendData(r4, parse("10.4.4.4"), parse("192.168.1.2"), 56));
        lab.driver.advance(Lab.SECOND, Lab.SECOND / 10);
        assertEquals(1, lab.spokes.counters().get(r3, Counter.DATA_RECEIVED_HUB));

        final HubShow show = new HubShow(r1.interfaceName(), lab.server, lab.tables.routes(), lab.dataplane);
        assertEquals("""
            192.168.1.2/32 via 192.168.1.2
               Tunnel999 created 00:44:20, never expire
               Type: static, Flags: used
               NBMA address: 3.3.3.2
            192.168.1.3/32 via 192.168.1.3
               Tunnel999 created 00:44:20, never expire
               Type: static, Flags:\s
               NBMA address: 4.4.4.2
            """, show.ipNhrp(false));
    }
}
