package net.dmvpnhub.nhrp.eigrp;

import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.nhrp.eigrp.EigrpConfig.Prefix;
import net.dmvpnhub.nhrp.hub.NhrpServer;
import net.dmvpnhub.wire.eigrp.Eigrp;

/**
 * EIGRP at the hub: an {@link EigrpRouter} run on the NHS thread ({@link NhrpServer#routingProcess}),
 * whose hellos leave as multicast replicated to every spoke of the multicast list
 * ({@link NhrpServer#sendMulticast}), whose unicast (acknowledgements, updates, replies) is routed
 * and injected as any packet the hub originates ({@link NhrpServer#originate}), and whose routes
 * go into the hub's routing table, the NHS thread being its one writer: a learned route as
 * {@code D} (distance 90) via the spoke's tunnel address, a summary as its discard route to Null0
 * (distance 5).
 */
public final class HubEigrp
{
    private HubEigrp()
    {
    }

    /** Builds the hub's EIGRP and hands it to {@code server}, before the server runs. */
    public static EigrpRouter attach(final EigrpConfig config, final NhrpServer server, final HubTables tables)
    {
        final EigrpRouter router = new EigrpRouter(config,
            (destination, packet, offset, length) -> destination == Eigrp.ALL_ROUTERS ? server.sendMulticast(packet, offset, length) :
                server.originate(packet, offset, length),
            new EigrpRouter.Rib()
            {
                @Override
                public void route(final Prefix prefix, final int nextHop, final long metric)
                {
                    tables.routes().add(new Route(prefix.prefix(), prefix.length(), RouteSource.EIGRP, Eigrp.DISTANCE_INTERNAL,
                        Adjacency.tunnel(nextHop)));
                }

                @Override
                public void noRoute(final Prefix prefix)
                {
                    tables.routes().remove(prefix.prefix(), prefix.length(), RouteSource.EIGRP);
                }

                @Override
                public void summary(final Prefix prefix, final long metric)
                {
                    tables.routes().add(new Route(prefix.prefix(), prefix.length(), RouteSource.EIGRP, Eigrp.DISTANCE_SUMMARY,
                        Adjacency.DISCARD));
                }

                @Override
                public void noSummary(final Prefix prefix)
                {
                    tables.routes().remove(prefix.prefix(), prefix.length(), RouteSource.EIGRP);
                }
            });
        server.routingProcess(router);
        return router;
    }
}
