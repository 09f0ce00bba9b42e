package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.nhrp.SimulatedIke;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

/**
 * A DMVPN hub, assembled in the one way every user of a hub builds it (the main job, the lab,
 * replay, the storm runner, the benchmarks): the frame slab, the tables, the dataplane in the
 * spec's threading mode, the hub learning spokes' LANs from their registrations
 * ({@link LanRouteAdvertiser}), the NHRP server, then the spec's routes and static mappings.
 * Nothing runs until {@link #start}; a caller that drives the parts itself (a lockstep lab, a
 * replay) never starts it.
 */
public final class Hub implements AutoCloseable
{
    private final HubSpec spec;
    private final FrameSlab slab;
    private final HubTables tables;
    private final Dataplane dataplane;
    private final LanRouteAdvertiser routing;
    private final NhrpServer server;
    private AgentRunner nhsRunner;

    /**
     * A hub with tables of its own, sized by the spec.
     *
     * @param registrations told of every registration and its end after the LAN routes are updated
     * ({@link RegistrationListener#NONE} for nobody).
     */
    public Hub(final HubSpec spec, final SimulatedIke ike, final NanoClock clock, final RegistrationListener registrations)
    {
        this(spec, new HubTables(spec.sizing().peers() + 16, spec.sizing().readers()), ike, clock, registrations);
    }

    /**
     * A hub on tables made and filled elsewhere (a benchmark's fixture that provisions thousands of
     * spokes' SAs, peers and routes directly), sized for {@code spec.sizing().readers()} readers or more.
     */
    public Hub(
        final HubSpec spec, final HubTables tables, final SimulatedIke ike, final NanoClock clock, final RegistrationListener registrations)
    {
        this.spec = spec;
        final HubSpec.Sizing sizing = spec.sizing();
        this.slab = new FrameSlab(sizing.slabSlots(), FrameSlabDescriptor.DEFAULT_SLOT_SIZE);
        this.tables = tables;
        this.dataplane = new Dataplane(slab, tables, spec.hubConfig(), sizing.mode(), sizing.workers(), sizing.ringCapacity());
        this.routing = new LanRouteAdvertiser(tables.routes(), sizing.lanPrefixLength(), registrations);
        this.server = new NhrpServer(spec.nhsConfig(), dataplane, tables, ike, clock, routing);
        spec.installRoutes(tables);
        spec.installStaticMaps(server);
    }

    public HubSpec spec()
    {
        return spec;
    }

    public FrameSlab slab()
    {
        return slab;
    }

    public HubTables tables()
    {
        return tables;
    }

    public Dataplane dataplane()
    {
        return dataplane;
    }

    /** Where the LAN behind each spoke's tunnel address is configured, before the hub runs. */
    public LanRouteAdvertiser routing()
    {
        return routing;
    }

    public NhrpServer server()
    {
        return server;
    }

    /**
     * Starts the workers (busy-spinning: a dataplane core is the hub's to burn) and the NHS, which
     * backs off to sleeping when idle, each on its own thread.
     */
    public void start(final NanoClock clock)
    {
        start(clock, BusySpinIdleStrategy::new);
    }

    /**
     * @param workerIdle the workers' idle strategies (one each); the NHS backs off to sleeping when idle.
     */
    public void start(final NanoClock clock, final Supplier<IdleStrategy> workerIdle)
    {
        dataplane.start(workerIdle, clock);
        nhsRunner = new AgentRunner(NhrpServer.newIdleStrategy(), Throwable::printStackTrace, null, server);
        AgentRunner.startOnThread(nhsRunner);
    }

    /**
     * @return CPU time the NHS thread has used so far, in ns (-1 before {@link #start} or where the JVM cannot tell).
     */
    public long nhsCpuNs()
    {
        final Thread thread = nhsRunner == null ? null : nhsRunner.thread();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return thread == null || !threads.isThreadCpuTimeSupported() ? -1 : threads.getThreadCpuTime(thread.threadId());
    }

    /** Stops the NHS and the workers (when started) and waits for them. */
    @Override
    public void close()
    {
        if (nhsRunner != null)
        {
            nhsRunner.close();
            nhsRunner = null;
        }
        dataplane.close();
    }
}
