package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Dir24Fib;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a {@link Hub} is built from: the dataplane's tunnel ({@link HubConfig}), the NHS's
 * settings ({@link NhsConfig}), the tunnel's ESP transform, the routes and static NHRP mappings
 * the hub starts with, and how big its parts are ({@link Sizing}). From an IOS configuration
 * ({@code net.dmvpnhub.nhrp.config.HubConfiguration}) or from code ({@link #of}, then the
 * {@code with} methods).
 *
 * @param interfaceName the mGRE tunnel interface, as the show commands name it.
 * @param transform the transform of the tunnel's IPsec profile, or null without protection.
 * @param routes the overlay routes installed before the agents run.
 * @param underlayRoutes static routes via an underlay next hop (a default route to the provider):
 * the underlay's business, not the tunnel's, so not installed; kept to say what the configuration held.
 * @param staticMaps {@code ip nhrp map} entries, given to the NHS before it runs.
 */
public record HubSpec(
    String interfaceName,
    HubConfig hubConfig,
    NhsConfig nhsConfig,
    Transform transform,
    List<Route> routes,
    List<UnderlayRoute> underlayRoutes,
    List<StaticMap> staticMaps,
    Sizing sizing)
{
    /** {@code ip route PREFIX MASK NEXT-HOP} with a next hop in the underlay. */
    public record UnderlayRoute(int prefix, int prefixLength, int nextHop)
    {
    }

    /** {@code ip nhrp map TUNNEL NBMA}. */
    public record StaticMap(int tunnel, int nbma)
    {
    }

    /**
     * How big the hub's parts are.
     *
     * @param peers the peers (spokes) the tables are sized for.
     * @param slabSlots frames in the frame slab.
     * @param ringCapacity entries per dataplane ring.
     * @param mode how the dataplane's stages are spread over threads.
     * @param workers dataplane worker threads (run to completion).
     * @param lanPrefixLength the length of the LAN prefix behind each spoke, as the hub learns it
     * from a registration ({@link LanRouteAdvertiser}).
     */
    public record Sizing(int peers, int slabSlots, int ringCapacity, Dataplane.ThreadingMode mode, int workers, int lanPrefixLength)
    {
        /** A lab's hub: 256 peers, 1,024 frames, rings of 256, one run-to-completion worker, /24 LANs. */
        public static final Sizing SMALL = new Sizing(256, 1024, 256, Dataplane.ThreadingMode.RUN_TO_COMPLETION, 1, 24);

        public Sizing
        {
            if (peers < 1 || slabSlots < 1 || ringCapacity < 1 || workers < 1 || lanPrefixLength < 1 || lanPrefixLength > 32)
            {
                throw new IllegalArgumentException("hub sizing out of range: " + peers + " peers, " + slabSlots + " slots, rings of " +
                    ringCapacity + ", " + workers + " workers, LANs /" + lanPrefixLength);
            }
        }

        public Sizing withPeers(final int count)
        {
            return new Sizing(count, slabSlots, ringCapacity, mode, workers, lanPrefixLength);
        }

        public Sizing withFrames(final int slots, final int ring)
        {
            return new Sizing(peers, slots, ring, mode, workers, lanPrefixLength);
        }

        public Sizing withThreads(final Dataplane.ThreadingMode threading, final int count)
        {
            return new Sizing(peers, slabSlots, ringCapacity, threading, count, lanPrefixLength);
        }

        public Sizing withLanPrefixLength(final int length)
        {
            return new Sizing(peers, slabSlots, ringCapacity, mode, workers, length);
        }

        /** Threads that read the hub's tables: the dataplane's and the NHS's. */
        int readers()
        {
            return (mode == Dataplane.ThreadingMode.PIPELINED ? 2 : workers) + 1;
        }
    }

    public HubSpec
    {
        routes = List.copyOf(routes);
        underlayRoutes = List.copyOf(underlayRoutes);
        staticMaps = List.copyOf(staticMaps);
    }

    /**
     * A hub from code: interface Tunnel0, no ESP transform named, no routes, no static mappings,
     * {@link Sizing#SMALL}.
     */
    public static HubSpec of(final HubConfig hubConfig, final NhsConfig nhsConfig)
    {
        return new HubSpec("Tunnel0", hubConfig, nhsConfig, null, List.of(), List.of(), List.of(), Sizing.SMALL);
    }

    public HubSpec withSizing(final Sizing newSizing)
    {
        return new HubSpec(interfaceName, hubConfig, nhsConfig, transform, routes, underlayRoutes, staticMaps, newSizing);
    }

    public HubSpec withTransform(final Transform newTransform)
    {
        return new HubSpec(interfaceName, hubConfig, nhsConfig, newTransform, routes, underlayRoutes, staticMaps, sizing);
    }

    /** This spec with one more route installed at the start. */
    public HubSpec withRoute(final Route route)
    {
        final List<Route> more = new ArrayList<>(routes);
        more.add(route);
        return new HubSpec(interfaceName, hubConfig, nhsConfig, transform, more, underlayRoutes, staticMaps, sizing);
    }

    /**
     * This spec with the routes IOS derives from the tunnel interface's address: its subnet,
     * attached (spokes are reached through NHRP), and the address itself, the hub's own ("L").
     */
    public HubSpec withTunnelRoutes()
    {
        final int address = nhsConfig.hubTunnel();
        final int length = nhsConfig.tunnelPrefixLength();
        return withRoute(new Route(address & Dir24Fib.mask(length), length, RouteSource.CONNECTED, 0, Adjacency.ATTACHED))
            .withRoute(new Route(address, 32, RouteSource.CONNECTED, 0, Adjacency.LOCAL));
    }

    /** Writes the routes into the hub's tables (the tables' one writer, before the agents run). */
    public void installRoutes(final HubTables tables)
    {
        routes.forEach(tables.routes()::add);
    }

    /** Gives the server the static mappings ({@code ip nhrp map}). */
    public void installStaticMaps(final NhrpServer server)
    {
        for (final StaticMap map : staticMaps)
        {
            server.addStatic(map.tunnel(), map.nbma());
        }
    }
}
