package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Dir24Fib;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.hub.NhrpServer;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.nhrp.hub.RegistrationListener;
import net.dmvpnhub.trafficgen.lab.LockstepLab;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.nhrp.hub.LanRouteAdvertiser;
import org.agrona.concurrent.CachedNanoClock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A whole simulated DMVPN on the test's thread ({@link LockstepLab}) built from settings rather
 * than configuration files: the hub with the tunnel subnet connected and the LANs of an
 * {@link AddressPlan}'s spokes learned on registration, and those spokes.
 */
final class Lab implements AutoCloseable
{
    static final long SECOND = LockstepLab.SECOND;
    static final byte[] PSK = "cisco123".getBytes(StandardCharsets.US_ASCII);

    final LockstepLab lab;
    final CachedNanoClock clock;
    final SimulatedIke ike = new SimulatedIke(CryptoProvider.OPENSSL, Transform.AES_GCM_128, PSK, false);
    final FrameSlab slab;
    final HubTables tables;
    final Dataplane dataplane;
    final NhrpServer server;
    final LanRouteAdvertiser routing;
    final Spokes spokes;
    final LockstepDriver driver;
    final List<Integer> unregistered = new ArrayList<>();

    /** Options beyond the two configurations. */
    record Sizing(int spokes, int slabSlots, int ringCapacity, long seed, boolean backPressure)
    {
        static Sizing small(final int spokes)
        {
            return new Sizing(spokes, 1024, 256, 42, false);
        }
    }

    Lab(final NhsConfig nhs, final SpokeConfig spokeConfig, final AddressPlan plan, final Sizing sizing)
    {
        lab = new LockstepLab(HubSpec.of(HubConfig.builder(nhs.hubNbma()).tunnelKey(spokeConfig.tunnelKey()).redirect(nhs.redirect())
                .backPressure(sizing.backPressure()).build(), nhs),
            spokeConfig, plan, new LockstepLab.Sizing(sizing.spokes(), sizing.slabSlots(), sizing.ringCapacity(), sizing.seed()), ike,
            new RegistrationListener()
            {
                @Override
                public void unregistered(final int tunnel)
                {
                    unregistered.add(tunnel);
                }
            });
        clock = lab.clock();
        slab = lab.slab();
        tables = lab.tables();
        dataplane = lab.dataplane();
        server = lab.server();
        routing = plan.lans(lab.routing(), sizing.spokes());
        spokes = lab.spokes();
        driver = lab.driver();
        final int subnet = nhs.hubTunnel() & Dir24Fib.mask(nhs.tunnelPrefixLength());
        tables.routes().add(new Route(subnet, nhs.tunnelPrefixLength(), RouteSource.CONNECTED, 0, Adjacency.ATTACHED));
        spokes.addPlanned(sizing.spokes());
    }

    /** Phase 3 hub (redirect) and spokes with the defaults, {@code n} spokes. */
    static Lab phase3(final int n)
    {
        return new Lab(hubConfig(), SpokeConfig.builder().build(), AddressPlan.defaults(), Sizing.small(n));
    }

    /** Phase 2: the hub answers resolutions itself and sends no Traffic Indication. */
    static Lab phase2(final int n)
    {
        return new Lab(hubConfig().withRedirect(false), SpokeConfig.builder().phase(SpokeConfig.Phase.PHASE_2).build(),
            AddressPlan.defaults(), Sizing.small(n));
    }

    static NhsConfig hubConfig()
    {
        final SpokeConfig defaults = SpokeConfig.builder().build();
        return NhsConfig.phase3(defaults.hubNbma(), defaults.hubTunnel(), defaults.tunnelPrefixLength());
    }

    /** Starts every spoke and runs until they are quiet. */
    Lab up()
    {
        spokes.startAll();
        driver.runUntilIdle();
        return this;
    }

    /** Starts every spoke and runs until all of them are registered (at most 30 simulated seconds). */
    Lab registered()
    {
        up();
        for (int i = 0; i < 3000 && spokes.registeredCount() < spokes.count(); i++)
        {
            driver.advance(SECOND / 100);
        }
        org.junit.jupiter.api.Assertions.assertEquals(spokes.count(), spokes.registeredCount(), "every spoke registered");
        return this;
    }

    /** Runs to quiescence, then checks every frame is accounted for and every slot is back. */
    void assertConservedAndNoLeak()
    {
        assertNull(lab.conservationProblem());
    }

    @Override
    public void close()
    {
        lab.close();
    }
}
