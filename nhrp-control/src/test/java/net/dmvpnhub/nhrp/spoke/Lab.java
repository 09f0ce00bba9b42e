package net.dmvpnhub.nhrp.spoke;

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
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.hub.NhrpServer;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.nhrp.hub.RegistrationListener;
import org.agrona.concurrent.CachedNanoClock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole simulated DMVPN on the test's thread: the hub (one dataplane worker and the NHS, with
 * the tunnel subnet connected and spoke LANs learned through {@link LanRouteAdvertiser}) and
 * {@link Spokes} numbered by an {@link AddressPlan}, run by a {@link LockstepDriver} on a manual
 * clock.
 */
final class Lab implements AutoCloseable
{
    static final long SECOND = 1_000_000_000L;
    static final byte[] PSK = "cisco123".getBytes(StandardCharsets.US_ASCII);

    final CachedNanoClock clock = new CachedNanoClock();
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
        clock.update(1_000 * SECOND);
        slab = new FrameSlab(sizing.slabSlots(), FrameSlabDescriptor.DEFAULT_SLOT_SIZE);
        tables = new HubTables(Math.max(256, sizing.spokes() + 16), 4);
        dataplane = new Dataplane(slab, tables,
            new HubConfig(nhs.hubNbma(), spokeConfig.tunnelKey(), true, nhs.redirect(), SECOND, SECOND / 10, sizing.backPressure()),
            Dataplane.ThreadingMode.RUN_TO_COMPLETION, 1, sizing.ringCapacity());
        routing = new LanRouteAdvertiser(tables.routes(), plan.lanPrefixLength(), new RegistrationListener()
        {
            @Override
            public void unregistered(final int tunnel)
            {
                unregistered.add(tunnel);
            }
        }).plan(plan, sizing.spokes());
        server = new NhrpServer(nhs, dataplane, tables, ike, clock, routing);
        final int subnet = nhs.hubTunnel() & Dir24Fib.mask(nhs.tunnelPrefixLength());
        tables.routes().add(new Route(subnet, nhs.tunnelPrefixLength(), RouteSource.CONNECTED, 0, Adjacency.ATTACHED));
        spokes = Spokes.attach(spokeConfig, plan, sizing.spokes(), dataplane, server, ike, clock, sizing.seed());
        spokes.addPlanned(sizing.spokes());
        driver = new LockstepDriver(clock, dataplane, server, spokes);
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

    /** Runs to quiescence, then checks every frame is accounted for and every slot is back. */
    void assertConservedAndNoLeak()
    {
        driver.runUntilIdle();
        assertTrue(dataplane.conserved(), "dataplane conservation");
        assertTrue(spokes.conserved(), "spokes conservation:\n" + spokes.counters().render());
        assertEquals(0, spokes.underlayInFlight());
        assertEquals(slab.slots(), slab.freeSlots(), "hub slab slot leak");
        assertEquals(spokes.underlaySlab().slots(), spokes.underlaySlab().freeSlots(), "underlay slot leak");
    }

    @Override
    public void close()
    {
        spokes.close();
    }
}
