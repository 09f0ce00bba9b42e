package net.dmvpnhub.dataplane.fib;

import org.junit.jupiter.api.Test;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The H-route cases of a Phase 3 spoke: the hub's summary, a shortcut that overrides it, its
 * removal, and administrative distance between sources of the same prefix.
 */
class RoutingTableTest
{
    private static final int HUB = parse("10.0.0.1");
    private static final int SPOKE_B = parse("10.0.0.12");

    private final RoutingTable table = new RoutingTable();

    private Adjacency resolve(final String destination)
    {
        final int id = table.lookup(parse(destination));
        return id == Dir24Fib.MISS ? null : table.adjacency(id);
    }

    @Test
    void shortcutOverridesTheSummaryAndItsRemovalFallsBack()
    {
        table.add(Route.of("10.0.0.0", 24, RouteSource.CONNECTED, Adjacency.ATTACHED));
        table.add(Route.of("10.0.0.0", 8, RouteSource.EIGRP, Adjacency.tunnel(HUB)));
        table.add(Route.of("0.0.0.0", 0, RouteSource.STATIC, Adjacency.tunnel(HUB)));
        assertEquals(Adjacency.tunnel(HUB), resolve("10.12.0.5"));
        assertEquals(Adjacency.ATTACHED, resolve("10.0.0.12"));

        assertTrue(table.add(Route.of("10.12.0.0", 24, RouteSource.NHRP, Adjacency.tunnel(SPOKE_B))));
        assertEquals(Adjacency.tunnel(SPOKE_B), resolve("10.12.0.5"));
        assertEquals(Adjacency.tunnel(HUB), resolve("10.13.0.5"));
        final int id = table.lookup(parse("10.12.0.5"));
        assertEquals(Adjacency.Kind.TUNNEL.ordinal(), table.adjacencyKind(id));
        assertEquals(SPOKE_B, table.adjacencyNextHop(id));

        // A /32 shortcut for the spoke's own tunnel address, as a resolution for a host gives.
        table.add(Route.of("10.0.0.12", 32, RouteSource.NHRP, Adjacency.tunnel(SPOKE_B)));
        assertEquals(Adjacency.tunnel(SPOKE_B), resolve("10.0.0.12"));

        assertTrue(table.remove(parse("10.12.0.0"), 24, RouteSource.NHRP));
        assertEquals(Adjacency.tunnel(HUB), resolve("10.12.0.5"));
        assertTrue(table.remove(parse("10.0.0.12"), 32, RouteSource.NHRP));
        assertEquals(Adjacency.ATTACHED, resolve("10.0.0.12"));
        assertFalse(table.remove(parse("10.12.0.0"), 24, RouteSource.NHRP));
    }

    @Test
    void equalPrefixFromTwoSourcesPicksTheLowerDistance()
    {
        final int other = parse("10.0.0.99");
        table.add(Route.of("192.168.12.0", 24, RouteSource.NHRP, Adjacency.tunnel(SPOKE_B)));
        assertTrue(table.add(Route.of("192.168.12.0", 24, RouteSource.EIGRP, Adjacency.tunnel(HUB))));
        assertEquals(Adjacency.tunnel(HUB), resolve("192.168.12.1"), "D (90) beats H (250)");
        assertFalse(table.add(Route.of("192.168.12.0", 24, RouteSource.OSPF, Adjacency.tunnel(other))), "O (110) does not beat D");
        assertEquals(Adjacency.tunnel(HUB), resolve("192.168.12.1"));
        assertTrue(table.add(Route.of("192.168.12.0", 24, RouteSource.STATIC, Adjacency.DISCARD)));
        assertEquals(Adjacency.DISCARD, resolve("192.168.12.1"));
        assertEquals(4, table.routes(parse("192.168.12.0"), 24).size());
        assertEquals(RouteSource.STATIC, table.routes(parse("192.168.12.0"), 24).get(0).source());

        table.remove(parse("192.168.12.0"), 24, RouteSource.STATIC);
        assertEquals(Adjacency.tunnel(HUB), resolve("192.168.12.1"));
        table.remove(parse("192.168.12.0"), 24, RouteSource.EIGRP);
        assertEquals(Adjacency.tunnel(other), resolve("192.168.12.1"));
        table.remove(parse("192.168.12.0"), 24, RouteSource.OSPF);
        assertEquals(Adjacency.tunnel(SPOKE_B), resolve("192.168.12.1"));
        table.remove(parse("192.168.12.0"), 24, RouteSource.NHRP);
        assertNull(resolve("192.168.12.1"));
        assertEquals(0, table.size());
    }

    @Test
    void adjacenciesAreSharedAndReused()
    {
        for (int spoke = 0; spoke < 1000; spoke++)
        {
            table.add(new Route(parse("192.168.0.0") + (spoke << 8), 24, RouteSource.NHRP, 250, Adjacency.tunnel(HUB)));
        }
        final int id = table.lookup(parse("192.168.5.1"));
        assertEquals(id, table.lookup(parse("192.168.250.1")), "one adjacency for every route via the hub");
        for (int spoke = 0; spoke < 1000; spoke++)
        {
            table.remove(parse("192.168.0.0") + (spoke << 8), 24, RouteSource.NHRP);
        }
        table.add(Route.of("10.0.0.0", 8, RouteSource.STATIC, Adjacency.tunnel(SPOKE_B)));
        assertEquals(SPOKE_B, table.adjacencyNextHop(table.lookup(parse("10.1.1.1"))));
    }
}
