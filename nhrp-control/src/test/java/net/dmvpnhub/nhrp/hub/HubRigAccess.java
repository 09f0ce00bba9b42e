package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.nhrp.show.HubShow;
import net.dmvpnhub.wire.nhrp.Nhrp;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link HubRig} for tests in other packages: a hub with raw clients, reduced to the steps they need.
 */
public final class HubRigAccess
{
    private final HubRig rig = new HubRig();

    public void advance(final long ns)
    {
        rig.advance(ns);
    }

    public void staticMap(final String tunnel, final String nbma)
    {
        rig.server.addStatic(parse(tunnel), parse(nbma));
    }

    public void route(final Route route)
    {
        rig.tables.routes().add(route);
    }

    /** IKE, a unique registration and its successful reply. */
    public void registerSpoke(final String tunnel, final String nbma, final int holdingTimeS)
    {
        final HubRig.Client client = rig.client(tunnel, nbma).ike();
        client.register(true, holdingTimeS, null);
        rig.run();
        assertEquals(Nhrp.TYPE_REGISTRATION_REPLY, client.next().type());
    }

    public HubShow show(final String interfaceName)
    {
        rig.run();
        return new HubShow(interfaceName, rig.server, rig.tables.routes(), rig.dataplane);
    }
}
