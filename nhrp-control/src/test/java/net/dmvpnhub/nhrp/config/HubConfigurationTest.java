package net.dmvpnhub.nhrp.config;

import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubConfigurationTest
{
    @Test
    void thePhase3HubConfigurationGivesProtectionRedirectAuthenticationAndItsRoutes() throws Exception
    {
        final HubSpec hub = HubConfiguration.spec(IosConfigParser.parse(Path.of("..", "examples", "phase3-hub.cfg")));
        assertEquals("Tunnel0", hub.interfaceName());
        assertEquals(parse("198.18.0.1"), hub.hubConfig().hubNbma());
        assertEquals(100, hub.hubConfig().tunnelKey());
        assertTrue(hub.hubConfig().requireEsp());
        assertTrue(hub.hubConfig().redirect());
        assertEquals(parse("10.0.0.1"), hub.hubConfig().hubTunnel(), "ICMP errors come from the tunnel address");
        assertEquals(Transform.AES_256_CBC_HMAC_SHA256, hub.transform());
        assertEquals(parse("10.0.0.1"), hub.nhsConfig().hubTunnel());
        assertEquals(15, hub.nhsConfig().tunnelPrefixLength());
        assertEquals(100, hub.nhsConfig().networkId());
        assertEquals(7200, hub.nhsConfig().holdingTimeS());
        assertArrayEquals("dmvpn".getBytes(StandardCharsets.US_ASCII), hub.nhsConfig().authentication());
        assertEquals(List.of(
            new Route(parse("10.0.0.0"), 15, RouteSource.CONNECTED, 0, Adjacency.ATTACHED),
            new Route(parse("10.0.0.1"), 32, RouteSource.CONNECTED, 0, Adjacency.LOCAL),
            new Route(parse("172.16.0.0"), 16, RouteSource.CONNECTED, 0, Adjacency.LOCAL),
            new Route(parse("10.128.0.0"), 9, RouteSource.STATIC, 1, Adjacency.DISCARD)), hub.routes());
        assertTrue(hub.staticMaps().isEmpty());
    }

    @Test
    void aRouterWithoutAMultipointTunnelIsNotAHub()
    {
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> HubConfiguration.spec(IosConfigParser.parse(Path.of("..", "examples", "phase1-R3.cfg"))));
        assertEquals(List.of("phase1-R3.cfg: a hub needs a 'tunnel mode gre multipoint' interface"), ex.problems());
    }
}
