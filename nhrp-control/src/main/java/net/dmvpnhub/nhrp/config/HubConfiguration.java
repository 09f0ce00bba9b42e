package net.dmvpnhub.nhrp.config;

import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Dir24Fib;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.wire.Ipv4Address;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a hub router's configuration means for the simulated hub, as a {@link HubSpec}: the
 * dataplane's tunnel ({@link HubConfig}), the NHS's settings ({@link NhsConfig}), the ESP
 * transform, the routes and the static NHRP mappings.
 * <p>
 * The routes: connected subnets (the tunnel's, attached, and its own address, local; the router's
 * other interfaces, local), and static routes via a tunnel next hop or to Null0. Static routes via
 * an underlay next hop (a default route to the provider) are the underlay's business, not the
 * tunnel's: they are listed in {@link HubSpec#underlayRoutes()} and not installed.
 */
public final class HubConfiguration
{
    private HubConfiguration()
    {
    }

    /**
     * @throws ConfigException when the configuration has no multipoint tunnel, or its tunnel source
     * has no address.
     */
    public static HubSpec spec(final RouterConfig config) throws ConfigException
    {
        final RouterConfig.Interface tunnel = config.tunnels().stream()
            .filter(t -> t.tunnel().multipoint())
            .findFirst()
            .orElseThrow(() -> new ConfigException(List.of(config.source() + ": a hub needs a 'tunnel mode gre multipoint' interface")));
        final String source = tunnel.tunnel().source();
        final int nbma;
        if (Character.isDigit(source.charAt(0)))
        {
            nbma = Ipv4Address.parse(source);
        }
        else
        {
            final RouterConfig.Interface underlay = config.interfaces().get(source);
            if (underlay == null || underlay.address() == 0)
            {
                throw new ConfigException(List.of(config.source() + ":" + tunnel.line() + ": tunnel source " + source + " has no address"));
            }
            nbma = underlay.address();
        }
        final RouterConfig.Nhrp nhrp = tunnel.nhrp();
        Transform transform = null;
        if (tunnel.tunnel().protectionProfile() != null)
        {
            final RouterConfig.IpsecProfile profile = config.ipsecProfiles().get(tunnel.tunnel().protectionProfile());
            transform = config.transformSets().get(profile.transformSet()).transform();
        }
        final HubConfig hubConfig = HubConfig.builder(nbma).tunnelKey(tunnel.tunnel().key()).requireEsp(transform != null)
            .redirect(nhrp.redirect()).hubTunnel(tunnel.address()).build();
        final NhsConfig defaults = NhsConfig.phase3(nbma, tunnel.address(), tunnel.prefixLength());
        final NhsConfig nhsConfig = new NhsConfig(nbma, tunnel.address(), tunnel.prefixLength(), nhrp.networkId(), nhrp.holdtimeS(),
            nhrp.authentication() == null ? null : nhrp.authentication().getBytes(StandardCharsets.US_ASCII), nhrp.redirect(),
            defaults.trafficIndicationIntervalNs(), defaults.admissionBound(), defaults.mtu(), nhrp.multicastMaps().contains("dynamic"),
            nhrp.multicastMaps().stream().filter(m -> !m.equals("dynamic")).map(Ipv4Address::parse).toList());

        final List<Route> routes = new ArrayList<>();
        final List<HubSpec.UnderlayRoute> underlay = new ArrayList<>();
        final int tunnelMask = Dir24Fib.mask(tunnel.prefixLength());
        routes.add(new Route(tunnel.address() & tunnelMask, tunnel.prefixLength(), RouteSource.CONNECTED, 0, Adjacency.ATTACHED));
        // IOS's "L" route: the tunnel address itself is the hub's (pings and traceroutes to it, answers to its own probes).
        routes.add(new Route(tunnel.address(), 32, RouteSource.CONNECTED, 0, Adjacency.LOCAL));
        for (final RouterConfig.Interface other : config.interfaces().values())
        {
            if (other != tunnel && !other.isTunnel() && other.address() != 0 && !other.name().equals(source))
            {
                routes.add(new Route(other.address() & Dir24Fib.mask(other.prefixLength()), other.prefixLength(), RouteSource.CONNECTED, 0,
                    Adjacency.LOCAL));
            }
        }
        for (final RouterConfig.StaticRoute route : config.routes())
        {
            if ("Null0".equals(route.outInterface()))
            {
                routes.add(new Route(route.prefix(), route.prefixLength(), RouteSource.STATIC, route.distance(), Adjacency.DISCARD));
            }
            else if (route.outInterface() == null && (route.nextHop() & tunnelMask) == (tunnel.address() & tunnelMask))
            {
                routes.add(new Route(route.prefix(), route.prefixLength(), RouteSource.STATIC, route.distance(),
                    Adjacency.tunnel(route.nextHop())));
            }
            else
            {
                underlay.add(new HubSpec.UnderlayRoute(route.prefix(), route.prefixLength(), route.nextHop()));
            }
        }
        final List<HubSpec.StaticMap> maps = nhrp.maps().stream().map(m -> new HubSpec.StaticMap(m.tunnel(), m.nbma())).toList();
        return new HubSpec(tunnel.name(), hubConfig, nhsConfig, transform, routes, underlay, maps, HubSpec.Sizing.SMALL);
    }
}
