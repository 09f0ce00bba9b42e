package net.dmvpnhub.trafficgen;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.hub.NhrpServer;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.nhrp.hub.RegistrationListener;
import net.dmvpnhub.nhrp.show.HubShow;
import net.dmvpnhub.trafficgen.spoke.AddressPlan;
import net.dmvpnhub.nhrp.hub.LanRouteAdvertiser;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

/**
 * The hub of a scale run, built from the run's options: the frame slab, the tables, the
 * dataplane in the chosen threading mode, the NHRP server, and the routing protocol that runs
 * over the tunnel once a spoke is registered ({@link LanRouteAdvertiser}: the hub learns the
 * spoke's LAN as an EIGRP route via the spoke's tunnel address, and forgets it when the
 * registration goes). Starts
 * each part on its own thread and tells how much CPU the NHS used.
 */
public final class HubAssembly implements AutoCloseable
{
    /** The hub-side LAN behind the hub itself (a data centre), delivered locally. */
    public static final String HUB_LAN = "172.16.0.0";
    public static final int HUB_LAN_LENGTH = 16;

    private final FrameSlab slab;
    private final HubTables tables;
    private final Dataplane dataplane;
    private final NhrpServer server;
    private final HubConfig hubConfig;
    private final NhsConfig nhsConfig;
    private AgentRunner nhsRunner;

    /**
     * @param plan the spokes' addresses: which LAN is behind which tunnel address.
     */
    public HubAssembly(
        final RunOptions options,
        final HubConfig hubConfig,
        final NhsConfig nhsConfig,
        final SimulatedIke ike,
        final NanoClock clock,
        final int slabSlots,
        final int ringCapacity,
        final AddressPlan plan)
    {
        this.hubConfig = hubConfig;
        this.nhsConfig = nhsConfig;
        this.slab = new FrameSlab(slabSlots, FrameSlabDescriptor.DEFAULT_SLOT_SIZE);
        final int workers = options.mode() == Dataplane.ThreadingMode.PIPELINED ? 2 : options.workers();
        this.tables = new HubTables(options.spokes() + 16, workers + 1);
        this.dataplane = new Dataplane(slab, tables, hubConfig, options.mode(), options.workers(), ringCapacity);
        final int tunnelSubnet = nhsConfig.hubTunnel() & net.dmvpnhub.dataplane.fib.Dir24Fib.mask(nhsConfig.tunnelPrefixLength());
        tables.routes().add(new Route(tunnelSubnet, nhsConfig.tunnelPrefixLength(), RouteSource.CONNECTED, 0, Adjacency.ATTACHED));
        tables.routes().add(Route.of(HUB_LAN, HUB_LAN_LENGTH, RouteSource.CONNECTED, Adjacency.LOCAL));
        this.server = new NhrpServer(nhsConfig, dataplane, tables, ike, clock,
            plan.lans(new LanRouteAdvertiser(tables.routes(), plan.lanPrefixLength(), RegistrationListener.NONE), options.spokes()));
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

    public NhrpServer server()
    {
        return server;
    }

    public HubConfig hubConfig()
    {
        return hubConfig;
    }

    public NhsConfig nhsConfig()
    {
        return nhsConfig;
    }

    public HubShow show()
    {
        return new HubShow("Tunnel0", server, tables.routes(), dataplane);
    }

    /**
     * Workers busy-spin (a dataplane core is the hub's to burn); the NHS backs off to sleeping
     * when idle, as a control plane should on a shared machine.
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
     * @return CPU time the NHS thread has used so far, in ns (-1 where the JVM cannot tell).
     */
    public long nhsCpuNs()
    {
        final Thread thread = nhsRunner == null ? null : nhsRunner.thread();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return thread == null || !threads.isThreadCpuTimeSupported() ? -1 : threads.getThreadCpuTime(thread.threadId());
    }

    /** Stops the NHS and the workers, and waits for them. */
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
