package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.fib.RoutingTable;
import org.agrona.collections.Int2IntHashMap;

/**
 * The routing protocol over the tunnel, as the hub sees it (EIGRP in the DMVPN reference
 * configurations): once a spoke registers, the hub learns that spoke's LAN as a D route via the
 * spoke's tunnel address; when the registration goes, so does the route. Called on the NHS thread,
 * the one writer of the hub's tables.
 * <p>
 * Which LAN sits behind which tunnel address is configured before the NHS runs and not changed
 * afterwards, so the NHS thread reads it without synchronisation.
 */
public final class LanRouteAdvertiser implements RegistrationListener
{
    private final RoutingTable routes;
    private final int lanPrefixLength;
    private final Int2IntHashMap lanByTunnel = new Int2IntHashMap(0);
    private final RegistrationListener next;
    private long advertised;
    private long withdrawn;

    /**
     * @param next told after this one (a test's own listener), or {@link RegistrationListener#NONE}.
     */
    public LanRouteAdvertiser(final RoutingTable routes, final int lanPrefixLength, final RegistrationListener next)
    {
        this.routes = routes;
        this.lanPrefixLength = lanPrefixLength;
        this.next = next;
    }

    /** Configuration time: the LAN behind a tunnel address. */
    public LanRouteAdvertiser lan(final int tunnel, final int lanPrefix)
    {
        lanByTunnel.put(tunnel, lanPrefix);
        return this;
    }

    @Override
    public void registered(final int tunnel, final int nbma)
    {
        if (lanByTunnel.containsKey(tunnel))
        {
            routes.add(new Route(lanByTunnel.get(tunnel), lanPrefixLength, RouteSource.EIGRP, RouteSource.EIGRP.defaultDistance(),
                Adjacency.tunnel(tunnel)));
            advertised++;
        }
        next.registered(tunnel, nbma);
    }

    @Override
    public void unregistered(final int tunnel)
    {
        if (lanByTunnel.containsKey(tunnel) && routes.remove(lanByTunnel.get(tunnel), lanPrefixLength, RouteSource.EIGRP))
        {
            withdrawn++;
        }
        next.unregistered(tunnel);
    }

    /** @return LAN routes added (a spoke moving to a new NBMA address re-adds its route). */
    public long advertised()
    {
        return advertised;
    }

    public long withdrawn()
    {
        return withdrawn;
    }
}
