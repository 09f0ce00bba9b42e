package net.dmvpnhub.trafficgen.lab;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.hub.Hub;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.nhrp.hub.LanRouteAdvertiser;
import net.dmvpnhub.nhrp.hub.NhrpServer;
import net.dmvpnhub.nhrp.hub.RegistrationListener;
import net.dmvpnhub.trafficgen.spoke.AddressPlan;
import net.dmvpnhub.trafficgen.spoke.LockstepDriver;
import net.dmvpnhub.trafficgen.spoke.SpokeConfig;
import net.dmvpnhub.trafficgen.spoke.Spokes;
import org.agrona.concurrent.CachedNanoClock;

/**
 * A whole simulated DMVPN on the caller's thread: the hub (one run-to-completion dataplane worker
 * and the NHS, with spoke LANs learned through a {@link LanRouteAdvertiser}) and the {@link Spokes},
 * run by a {@link LockstepDriver} on a manual clock that starts at 1,000 s. The parts are wired and
 * nothing more: the caller installs routes, static maps and LAN mappings, adds the spokes and starts
 * them. Tests build one from settings ({@code Lab}); {@link SimulatedNetwork} from IOS
 * configuration files.
 */
public final class LockstepLab implements AutoCloseable
{
    public static final long SECOND = 1_000_000_000L;
    /** Where the manual clock starts: far enough from 0 that nothing special happens there. */
    public static final long START_NS = 1_000 * SECOND;

    /**
     * How big the simulation is.
     *
     * @param spokes spokes the tables are sized for.
     * @param slabSlots frames in the hub's slab.
     * @param ringCapacity entries per dataplane ring.
     * @param seed the spokes' jitter and back-off.
     */
    public record Sizing(int spokes, int slabSlots, int ringCapacity, long seed)
    {
    }

    private final CachedNanoClock clock = new CachedNanoClock();
    private final SimulatedIke ike;
    private final Hub hub;
    private final Spokes spokes;
    private final LockstepDriver driver;

    /**
     * @param hubSpec the hub (its routes and static mappings are installed; its sizing is the lab's:
     * one run-to-completion worker, the slab and rings of {@code sizing}).
     * @param registrations told of every registration and its end after the LAN routes are updated
     * ({@link RegistrationListener#NONE} for nobody).
     */
    public LockstepLab(
        final HubSpec hubSpec,
        final SpokeConfig spokeConfig,
        final AddressPlan plan,
        final Sizing sizing,
        final SimulatedIke ike,
        final RegistrationListener registrations)
    {
        this.ike = ike;
        clock.update(START_NS);
        hub = new Hub(hubSpec.withSizing(hubSpec.sizing().withPeers(Math.max(256, sizing.spokes()))
            .withFrames(sizing.slabSlots(), sizing.ringCapacity())
            .withThreads(Dataplane.ThreadingMode.RUN_TO_COMPLETION, 1)
            .withLanPrefixLength(plan.lanPrefixLength())), ike, clock, registrations);
        spokes = Spokes.attach(spokeConfig, plan, sizing.spokes(), hub.dataplane(), hub.server().ikeRequests(), hub.server().ikeReplies(),
            ike, clock, sizing.seed());
        driver = new LockstepDriver(clock, hub.dataplane(), hub.server(), spokes);
    }

    public Hub hub()
    {
        return hub;
    }

    public CachedNanoClock clock()
    {
        return clock;
    }

    public SimulatedIke ike()
    {
        return ike;
    }

    public FrameSlab slab()
    {
        return hub.slab();
    }

    public HubTables tables()
    {
        return hub.tables();
    }

    public Dataplane dataplane()
    {
        return hub.dataplane();
    }

    public LanRouteAdvertiser routing()
    {
        return hub.routing();
    }

    public NhrpServer server()
    {
        return hub.server();
    }

    public Spokes spokes()
    {
        return spokes;
    }

    public LockstepDriver driver()
    {
        return driver;
    }

    /**
     * Runs to quiescence, then: every frame accounted for at the hub and at the spokes, nothing
     * between spokes, every slot of both slabs back.
     *
     * @return null when all holds, else what does not.
     */
    public String conservationProblem()
    {
        driver.runUntilIdle();
        if (!hub.dataplane().conserved())
        {
            return "dataplane conservation";
        }
        if (!spokes.conserved())
        {
            return "spokes conservation:\n" + spokes.counters().render();
        }
        if (spokes.underlayInFlight() != 0)
        {
            return spokes.underlayInFlight() + " frames still between spokes";
        }
        final FrameSlab slab = hub.slab();
        if (slab.freeSlots() != slab.slots())
        {
            return "hub slab slot leak: " + (slab.slots() - slab.freeSlots()) + " slots held";
        }
        if (spokes.underlaySlab().freeSlots() != spokes.underlaySlab().slots())
        {
            return "underlay slot leak";
        }
        return null;
    }

    @Override
    public void close()
    {
        spokes.close();
    }
}
