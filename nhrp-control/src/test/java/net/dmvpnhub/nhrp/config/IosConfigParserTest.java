package net.dmvpnhub.nhrp.config;

import net.dmvpnhub.crypto.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IosConfigParserTest
{
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void thePhase1HubReadsAsTheLabDescribesIt() throws Exception
    {
        final RouterConfig r1 = IosConfigParser.parse(EXAMPLES.resolve("phase1-R1.cfg"));
        assertEquals("R1", r1.hostname());
        final RouterConfig.Interface tunnel = r1.interfaces().get("Tunnel999");
        assertEquals(parse("192.168.1.1"), tunnel.address());
        assertEquals(24, tunnel.prefixLength());
        assertTrue(tunnel.tunnel().multipoint());
        assertEquals("Ethernet0/0", tunnel.tunnel().source());
        assertEquals(-1, tunnel.tunnel().key());
        assertNull(tunnel.tunnel().protectionProfile());
        assertEquals(1, tunnel.nhrp().networkId());
        assertEquals(List.of(new RouterConfig.NhrpMap(parse("192.168.1.2"), parse("3.3.3.2"), 13),
            new RouterConfig.NhrpMap(parse("192.168.1.3"), parse("4.4.4.2"), 14)), tunnel.nhrp().maps());
        assertEquals(3, r1.routes().size());
        assertEquals(0, r1.routes().get(0).prefixLength(), "the default route");
        assertEquals(parse("1.1.1.254"), r1.routes().get(0).nextHop());
    }

    @Test
    void thePhase1SpokesArePointToPointToTheHub() throws Exception
    {
        for (final String name : List.of("phase1-R3.cfg", "phase1-R4.cfg"))
        {
            final RouterConfig spoke = IosConfigParser.parse(EXAMPLES.resolve(name));
            final RouterConfig.Interface tunnel = spoke.interfaces().get("Tunnel999");
            assertFalse(tunnel.tunnel().multipoint(), name);
            assertEquals(parse("1.1.1.1"), tunnel.tunnel().destination(), name);
            assertEquals(parse("192.168.1.1"), tunnel.nhrp().servers().get(0).tunnel(), name);
        }
    }

    @Test
    void theSaLifetimeIsIossDefaultUnlessConfigured() throws Exception
    {
        assertEquals(net.dmvpnhub.nhrp.SaLifetime.IOS_DEFAULT, IosConfigParser.parse("t.cfg", List.of("hostname T")).saLifetime());
        final RouterConfig set = IosConfigParser.parse("t.cfg", List.of("crypto ipsec security-association lifetime seconds 900",
            "crypto ipsec security-association lifetime kilobytes 102400"));
        assertEquals(new net.dmvpnhub.nhrp.SaLifetime(900, 102_400), set.saLifetime());
    }

    @Test
    void everyEspTransformIosNamesIsReachable() throws Exception
    {
        final Map<String, Transform> expected = Map.of("esp-gcm", Transform.AES_GCM_128, "esp-gcm 128", Transform.AES_GCM_128,
            "esp-gcm 192", Transform.AES_GCM_192, "esp-gcm 256", Transform.AES_GCM_256, "esp-aes 256 esp-sha256-hmac",
            Transform.AES_256_CBC_HMAC_SHA256);
        for (final Map.Entry<String, Transform> e : expected.entrySet())
        {
            final RouterConfig router = IosConfigParser.parse("t.cfg", List.of("crypto ipsec transform-set T " + e.getKey(), " mode transport"));
            assertEquals(e.getValue(), router.transformSets().get("T").transform(), e.getKey());
        }
        final java.util.Set<Transform> reached = new java.util.HashSet<>(expected.values());
        assertEquals(java.util.EnumSet.allOf(Transform.class), java.util.EnumSet.copyOf(reached), "every transform has its IOS name");
    }

    @Test
    void thePhase3PairHasTheirIpsecProfileAndRedirectOrShortcut() throws Exception
    {
        final RouterConfig hub = IosConfigParser.parse(EXAMPLES.resolve("phase3-hub.cfg"));
        final RouterConfig spoke = IosConfigParser.parse(EXAMPLES.resolve("phase3-spoke.cfg"));
        for (final RouterConfig router : List.of(hub, spoke))
        {
            final RouterConfig.Interface tunnel = router.interfaces().get("Tunnel0");
            assertEquals("DMVPN-PROFILE", tunnel.tunnel().protectionProfile());
            assertEquals(100, tunnel.tunnel().key());
            assertEquals("dmvpn", tunnel.nhrp().authentication());
            final RouterConfig.TransformSet set = router.transformSets().get(router.ipsecProfiles().get("DMVPN-PROFILE").transformSet());
            assertEquals(Transform.AES_256_CBC_HMAC_SHA256, set.transform());
            assertTrue(set.transportMode());
            assertEquals(1, router.isakmpKeys().size());
            assertEquals(0, router.isakmpKeys().get(0).prefixLength(), "the wildcard key");
        }
        assertTrue(hub.interfaces().get("Tunnel0").nhrp().redirect());
        assertFalse(hub.interfaces().get("Tunnel0").nhrp().shortcut());
        assertTrue(spoke.interfaces().get("Tunnel0").nhrp().shortcut());
        assertEquals(List.of("dynamic"), hub.interfaces().get("Tunnel0").nhrp().multicastMaps());
        assertEquals("Null0", hub.routes().get(0).outInterface());
    }

    @Test
    void manualSessionKeysGiveBothDirectionsOfAnSa() throws Exception
    {
        final String key = "00112233445566778899aabbccddeeff" + "01020304";
        final RouterConfig config = IosConfigParser.parse("manual.cfg", List.of(
            "crypto ipsec transform-set GCM esp-gcm 128",
            " mode transport",
            "crypto map MANUAL 10 ipsec-manual",
            " set peer 198.18.0.2",
            " set transform-set GCM",
            " set session-key inbound esp 4096 cipher " + key,
            " set session-key outbound esp 8192 cipher " + key.replace('0', '7')));
        final RouterConfig.ManualSa sa = config.manualSas().get(0);
        assertEquals(parse("198.18.0.2"), sa.peer());
        assertEquals(4096, sa.inboundSpi());
        assertEquals(8192, sa.outboundSpi());
        assertEquals(20, sa.inboundKey().length);
        assertArrayEquals(java.util.HexFormat.of().parseHex(key), sa.inboundKey());
    }

    /** Each kind of bad line, alone after a valid hub configuration, and the one message it gets. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", ignoreLeadingAndTrailingWhitespace = false, value = {
        "frobnicate now => bad.cfg:LINE: unknown command 'frobnicate now'",
        " ip address 10.0.0.1 255.0.0.0 => bad.cfg:LINE: indented line 'ip address 10.0.0.1 255.0.0.0' outside any interface or crypto section",
        "ip route 10.0.0.1 255.255.255.0 192.168.1.2 => bad.cfg:LINE: '10.0.0.1 255.255.255.0' has host bits set",
        "ip route 10.0.0.0 255.0.255.0 192.168.1.2 => bad.cfg:LINE: '255.0.255.0' is not a contiguous netmask",
        "ip route 10.0.0.0 255.0.0.0 192.168.1.300 => bad.cfg:LINE: '192.168.1.300' is not an IPv4 address",
        "ip route 10.0.0.0 255.0.0.0 192.168.1.2 300 => bad.cfg:LINE: administrative distance 300 outside 1..255",
        "ip route 10.0.0.0 255.0.0.0 Serial9 => bad.cfg:LINE: route out of Serial9, which is not an interface of this router",
        "crypto ipsec security-association lifetime seconds 100 => bad.cfg:LINE: SA lifetime seconds 100 outside 120..2592000",
        "crypto ipsec security-association lifetime kilobytes 2000 => bad.cfg:LINE: SA lifetime kilobytes 2000 outside 2560..4294967295",
        "crypto ipsec security-association lifetime days 2 => bad.cfg:LINE: expected 'crypto ipsec security-association lifetime seconds N' or '... lifetime kilobytes N'",
        "crypto ipsec transform-set X esp-3des => bad.cfg:LINE: unsupported transform 'esp-3des' (supported: esp-gcm 128, esp-gcm 192, esp-gcm 256, esp-aes 256 esp-sha256-hmac)",
        "interface Ethernet1\\n ip nhrp map 192.168.1.9 9.9.9.9 => bad.cfg:LINE: 'ip nhrp map 192.168.1.9 9.9.9.9' on Ethernet1, which is not a tunnel interface",
        "interface Tunnel999\\n ip nhrp authentication toolongpassword => bad.cfg:LINE: NHRP authentication string 'toolongpassword' is longer than 8 characters",
        "interface Tunnel999\\n ip nhrp holdtime 0 => bad.cfg:LINE: holding time 0 outside 1..65535",
        "interface Tunnel999\\n tunnel key seven => bad.cfg:LINE: tunnel key 'seven' is not a number",
        "interface Tunnel999\\n tunnel mode ipip => bad.cfg:LINE: unsupported 'tunnel mode ipip' (expected 'tunnel mode gre multipoint' or 'tunnel mode gre ip')",
        "interface Tunnel999\\n tunnel protection ipsec profile NOPE => bad.cfg:LINE: ipsec profile NOPE is not defined",
        "interface Tunnel999\\n ip nhrp map 192.168.1.9 => bad.cfg:LINE: expected 'ip nhrp map TUNNEL-ADDRESS NBMA-ADDRESS' or 'ip nhrp map multicast dynamic|NBMA-ADDRESS'",
        "interface Tunnel999\\n bandwidth 0 => bad.cfg:LINE: bandwidth (kbit/s) 0 outside 1..10000000",
        "interface Tunnel999\\n delay -1 => bad.cfg:LINE: delay (tens of microseconds) -1 outside 1..16777215",
        "router ospf 1 => bad.cfg:LINE: unknown command 'router ospf 1' (of the routing protocols only 'router eigrp AS' is accepted)",
        "router eigrp 0 => bad.cfg:LINE: EIGRP autonomous system 0 outside 1..65535",
        "router eigrp 100 => bad.cfg:LINE: router eigrp 100 has no 'network' statement: it would run on no interface",
        "router eigrp 100\\n network 192.168.1.0\\n network 10.0.0.0 0.255.0.255 => bad.cfg:LINE: '0.255.0.255' is not a contiguous wildcard mask",
        "router eigrp 100\\n network 192.168.1.0\\n eigrp stub weird => bad.cfg:LINE: unknown 'eigrp stub' option 'weird' (connected, summary, static, redistributed, receive-only)",
        "router eigrp 100\\n network 192.168.1.0\\n timers active-time 3 => bad.cfg:LINE: unknown EIGRP command 'timers active-time 3' (accepted: network, eigrp stub, eigrp router-id, no auto-summary)",
        "interface Tunnel999\\n ip hello-interval eigrp 7 5 => bad.cfg:LINE: EIGRP 7 on Tunnel999, but there is no 'router eigrp 7'",
        "router eigrp 100\\n network 192.168.1.0\\ninterface Tunnel999\\n ip hold-time eigrp 100 0 => bad.cfg:LINE: EIGRP hold time 0 outside 1..65535",
        "router eigrp 100\\n network 192.168.1.0\\ninterface Tunnel999\\n ip summary-address eigrp 100 10.1.0.0 255.0.0.0 => bad.cfg:LINE: '10.1.0.0 255.0.0.0' has host bits set",
        "interface Tunnel999\\n no ip split-horizon eigrp x => bad.cfg:LINE: EIGRP autonomous system 'x' is not a number",
        "crypto ipsec profile P\\n set transform-set MISSING => bad.cfg:LINE: transform-set MISSING is not defined",
        "crypto ipsec transform-set T esp-gcm 128\\n mode pfs => bad.cfg:LINE: unknown transform-set setting 'mode pfs' (expected 'mode transport' or 'mode tunnel')"})
    void aBadLineGetsItsFileLineAndReason(final String bad, final String message) throws Exception
    {
        final List<String> lines = new ArrayList<>(Files.readAllLines(EXAMPLES.resolve("phase1-R1.cfg")));
        lines.remove(lines.size() - 1);
        final List<String> badLines = List.of(bad.replace("\\n", "\n").split("\n"));
        final int at = lines.size() + badLines.size();
        lines.addAll(badLines);
        final ConfigException ex = assertThrows(ConfigException.class, () -> IosConfigParser.parse("bad.cfg", lines));
        assertEquals(List.of(message.replace("LINE", Integer.toString(at))), ex.problems());
    }

    /** The Phase 3 pair with EIGRP: the hub summarises, the spokes are stubs; what EigrpConfiguration makes of them. */
    @Test
    void thePhase3EigrpHubSummarisesAndItsSpokesAreStubs() throws Exception
    {
        final RouterConfig hub = IosConfigParser.parse(EXAMPLES.resolve("phase3-eigrp-hub.cfg"));
        assertEquals(100, hub.eigrp().autonomousSystem());
        assertEquals(0, hub.eigrp().stubFlags());
        final net.dmvpnhub.nhrp.eigrp.EigrpConfig h = EigrpConfiguration.of(hub);
        assertEquals(parse("10.0.0.1"), h.routerAddress());
        assertEquals(List.of(new net.dmvpnhub.nhrp.eigrp.EigrpConfig.Prefix(parse("172.16.0.0"), 16),
            new net.dmvpnhub.nhrp.eigrp.EigrpConfig.Prefix(parse("10.0.0.0"), 15)), h.connected(), "Loopback0 and the tunnel, as the network statements cover them");
        assertEquals(List.of(new net.dmvpnhub.nhrp.eigrp.EigrpConfig.Prefix(parse("10.128.0.0"), 9)), h.summaries());
        assertEquals(List.of(5, 15, 1000L, 50_000L, 1400), List.of(h.helloIntervalS(), h.holdTimeS(), h.bandwidthKbps(), h.delayMicros(), h.mtu()));
        assertTrue(h.splitHorizon() && h.nextHopSelf());

        final net.dmvpnhub.nhrp.eigrp.EigrpConfig spoke = EigrpConfiguration.of(IosConfigParser.parse(EXAMPLES.resolve("phase3-eigrp-spoke.cfg")));
        assertEquals(net.dmvpnhub.wire.eigrp.Eigrp.STUB_CONNECTED | net.dmvpnhub.wire.eigrp.Eigrp.STUB_SUMMARY, spoke.stubFlags());
        assertTrue(spoke.connected().contains(new net.dmvpnhub.nhrp.eigrp.EigrpConfig.Prefix(parse("10.128.0.0"), 24)));

        final List<String> phase2 = new ArrayList<>(Files.readAllLines(EXAMPLES.resolve("phase3-eigrp-hub.cfg")));
        phase2.replaceAll(line -> line.startsWith(" ip summary-address eigrp") ? " no ip split-horizon eigrp 100\n no ip next-hop-self eigrp 100" : line);
        final net.dmvpnhub.nhrp.eigrp.EigrpConfig p2 = EigrpConfiguration.of(IosConfigParser.parse("p2.cfg",
            phase2.stream().flatMap(line -> java.util.Arrays.stream(line.split("\n"))).toList()));
        assertFalse(p2.splitHorizon() || p2.nextHopSelf());
        assertTrue(p2.summaries().isEmpty());

        final List<String> noTunnel = new ArrayList<>(Files.readAllLines(EXAMPLES.resolve("phase3-eigrp-hub.cfg")));
        noTunnel.remove(" network 10.0.0.0 0.1.255.255");
        final ConfigException ex = assertThrows(ConfigException.class, () -> EigrpConfiguration.of(IosConfigParser.parse("n.cfg", noTunnel)));
        assertTrue(ex.problems().get(0).contains("no 'network' statement of router eigrp 100 covers Tunnel0's address 10.0.0.1"), ex.problems().toString());
    }

    @Test
    void everyProblemIsReportedInLineOrderAndNothingIsReturned()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> IosConfigParser.parse("two.cfg", List.of(
            "interface Tunnel1",
            " ip nhrp network-id 1",
            " tunnel mode gre multipoint",
            "hostname",
            "ip route 10.0.0.0 255.0.0.0 10.0.0.1.1")));
        assertEquals(List.of(
            "two.cfg:1: Tunnel1 has no 'tunnel source'",
            "two.cfg:1: Tunnel1 has no 'ip address'",
            "two.cfg:4: expected 'hostname NAME', not 'hostname'",
            "two.cfg:5: '10.0.0.1.1' is not an IPv4 address"), ex.problems());
    }

    @Test
    void everyShippedExampleParses()
    {
        try (Stream<Path> files = Files.list(EXAMPLES))
        {
            final List<Path> configs = files.filter(p -> p.toString().endsWith(".cfg")).toList();
            assertEquals(9, configs.size());
            for (final Path config : configs)
            {
                IosConfigParser.parse(config);
            }
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }
}
