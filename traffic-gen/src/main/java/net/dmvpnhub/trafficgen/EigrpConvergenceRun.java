package net.dmvpnhub.trafficgen;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.dataplane.fib.Dir24Fib;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.eigrp.EigrpConfig;
import net.dmvpnhub.nhrp.eigrp.EigrpCounters;
import net.dmvpnhub.nhrp.eigrp.EigrpRouter;
import net.dmvpnhub.nhrp.eigrp.HubEigrp;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.nhrp.hub.NhrpTraffic;
import net.dmvpnhub.nhrp.hub.RegistrationListener;
import net.dmvpnhub.trafficgen.cli.Arguments;
import net.dmvpnhub.trafficgen.lab.LockstepLab;
import net.dmvpnhub.trafficgen.spoke.AddressPlan;
import net.dmvpnhub.trafficgen.spoke.SpokeConfig;
import net.dmvpnhub.trafficgen.spoke.SpokeEigrp;
import net.dmvpnhub.trafficgen.spoke.Spokes;
import net.dmvpnhub.wire.eigrp.Eigrp;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * EIGRP convergence of a Phase 3 DMVPN ({@code ./dmvpn eigrp}): N stub spokes and a summarising
 * hub, everything in one process on one thread ({@link LockstepLab}: the hub's dataplane and NHS,
 * the spokes), the clock simulated. Every spoke starts at once; once all are registered, the run
 * measures how long, in simulated time, until the hub holds every spoke's LAN as a D route and
 * every spoke has the hub's summary, and what that cost in real CPU: the hub's EIGRP on its NHS
 * thread ({@link NhrpTraffic#routingNs()}), the NHS's NHRP, and the whole thread (hub, spokes and
 * their crypto together). Also the EIGRP packets each way and the multicast copies the hub's
 * hellos became, and the lab's conservation once idle. Prints a markdown summary on stdout,
 * progress on stderr; exits 1 when it did not converge within the limit or conservation failed.
 * <p>
 * Simulated time is set by the protocol's timers (hellos spread over 5 s, retransmissions every
 * 200 ms), not by the machine; the CPU figures are the machine's.
 */
public final class EigrpConvergenceRun
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long SECOND = LockstepLab.SECOND;
    private static final int AS = 100;
    private static final String USAGE = "Usage: ./dmvpn eigrp [--spokes N] [--seconds S]\n\n" +
        "Phase 3 with EIGRP: N stub spokes (10 to 100000, default 10000) and a summarising hub on a simulated clock; prints how long\n" +
        "after the registrations every LAN was a D route at the hub and every spoke had the summary, and the CPU it took.\n" +
        "  --seconds S   the simulated time limit, 10 to 3600 (default 120)";

    private EigrpConvergenceRun()
    {
    }

    public static void main(final String[] args)
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try
        {
            final Arguments a = Arguments.read(List.of(args), List.of("--spokes", "--seconds"), List.of(), 0);
            if (a == null)
            {
                System.out.println(USAGE);
                return;
            }
            final int spokes = (int)a.whole("--spokes", 10_000, 10, 100_000);
            final int seconds = (int)a.whole("--seconds", 120, 10, 3600);
            final Result result = run(spokes, seconds, out, System.err);
            if (!result.converged() || result.conservationProblem() != null)
            {
                System.exit(1);
            }
        }
        catch (final Arguments.UsageException ex)
        {
            System.err.println("dmvpn eigrp: " + ex.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    /** What one run measured. */
    /** @param conservationProblem what breaks conservation once the lab is idle (a frame unaccounted for, a slot held), or null. */
    public record Result(int spokes, long registeredAfterNs, long convergedAfterNs, boolean converged, long wallNs, long threadCpuNs,
        long hubEigrpCpuNs, long hubNhrpCpuNs, EigrpCounters hub, long spokeHellos, long spokeUpdates, long multicastPackets,
        long multicastCopies, int hubRoutes, int spokesWithSummary, String conservationProblem)
    {
    }

    public static Result run(final int n, final int seconds, final PrintStream out, final PrintStream progress)
    {
        // The tunnel subnet wide enough for every spoke (/16 up to 65,000 spokes, wider above), as the main job sizes it.
        final SpokeConfig defaults = SpokeConfig.builder().build();
        final SpokeConfig spokeConfig = SpokeConfig.builder().hub(defaults.hubNbma(), defaults.hubTunnel(), ScaleRun.tunnelPrefixLength(n))
            .build();
        final AddressPlan plan = AddressPlan.forSpokes(n);
        final NhsConfig nhs = NhsConfig.phase3(spokeConfig.hubNbma(), spokeConfig.hubTunnel(), spokeConfig.tunnelPrefixLength());
        final SimulatedIke ike = new SimulatedIke(CryptoProvider.preferred(), Transform.AES_GCM_128,
            "cisco123".getBytes(StandardCharsets.US_ASCII), false);
        // The tunnel's subnet attached and the hub's own address local (where the spokes' EIGRP unicast goes), as IOS derives them.
        final HubSpec spec = HubSpec.of(HubConfig.builder(nhs.hubNbma()).tunnelKey(spokeConfig.tunnelKey()).redirect(true)
            .backPressure(false).build(), nhs).withTunnelRoutes();
        try (LockstepLab lab = new LockstepLab(spec, spokeConfig, plan, new LockstepLab.Sizing(n, Math.max(4096, Integer.highestOneBit(2 * n - 1) << 1), 1 << 16, 1), ike,
            RegistrationListener.NONE))
        {
            final int subnet = nhs.hubTunnel() & Dir24Fib.mask(nhs.tunnelPrefixLength());
            final EigrpConfig.Prefix tunnel = new EigrpConfig.Prefix(subnet, nhs.tunnelPrefixLength());
            final EigrpConfig.Prefix summary = new EigrpConfig.Prefix(spokeConfig.summaryPrefix(), spokeConfig.summaryLength());
            final EigrpRouter hub = HubEigrp.attach(EigrpConfig.defaults(AS, nhs.hubTunnel(), List.of(tunnel)).withSummaries(List.of(summary))
                .withInterface(1000, 50_000, 1400), lab.server(), lab.tables());
            final Spokes s = lab.spokes();
            s.addPlanned(n);
            s.summaryByRouting();
            final SpokeEigrp spokeEigrp = new SpokeEigrp(s);
            for (int i = 0; i < n; i++)
            {
                spokeEigrp.add(i, EigrpConfig.defaults(AS, s.tunnel(i), List.of(tunnel, new EigrpConfig.Prefix(s.lan(i), plan.lanPrefixLength())))
                    .withStub(Eigrp.STUB_CONNECTED | Eigrp.STUB_SUMMARY).withInterface(1000, 50_000, 1400));
            }
            s.routing(spokeEigrp);

            final long start = lab.driver().nowNs();
            s.startAll();
            progress.printf(Locale.ROOT, "dmvpn eigrp: %d spokes starting%n", n);
            while (s.registeredCount() < n && lab.driver().nowNs() - start < seconds * SECOND)
            {
                lab.driver().advance(SECOND / 100);
            }
            final long registeredAt = lab.driver().nowNs();
            progress.printf(Locale.ROOT, "dmvpn eigrp: %d of %d registered after %.2f simulated s%n", s.registeredCount(), n,
                (registeredAt - start) / 1e9);
            final NhrpTraffic traffic = lab.server().traffic();
            final long routingBefore = traffic.routingNs();
            final long nhrpBefore = traffic.nhrpNs();
            final long cpuBefore = THREADS.getCurrentThreadCpuTime();
            final long wallBefore = System.nanoTime();
            boolean converged = false;
            while (lab.driver().nowNs() - start < seconds * SECOND)
            {
                lab.driver().advance(SECOND / 100);
                if (hub.routesLearned() == n && spokeEigrp.summariesLearned() == n)
                {
                    converged = true;
                    break;
                }
            }
            final long convergedAt = lab.driver().nowNs();
            final long wall = System.nanoTime() - wallBefore;
            final long cpu = THREADS.getCurrentThreadCpuTime() - cpuBefore;
            long spokeHellos = 0;
            long spokeUpdates = 0;
            for (int i = 0; i < n; i++)
            {
                spokeHellos += spokeEigrp.router(i).counters().hellosSent();
                spokeUpdates += spokeEigrp.router(i).counters().updatesSent();
            }
            final WorkerCounters dataplane = lab.dataplane().totals();
            final Result result = new Result(n, registeredAt - start, convergedAt - registeredAt, converged, wall, cpu,
                traffic.routingNs() - routingBefore, traffic.nhrpNs() - nhrpBefore, hub.counters(), spokeHellos, spokeUpdates,
                dataplane.multicastPackets(), dataplane.copies(), hub.routesLearned(), spokeEigrp.summariesLearned(),
                lab.conservationProblem());
            progress.printf(Locale.ROOT, "dmvpn eigrp: %s after %.2f simulated s more; %.0f ms of CPU, hub EIGRP %.1f ms%n",
                converged ? "converged" : "NOT converged", result.convergedAfterNs() / 1e9, cpu / 1e6, result.hubEigrpCpuNs() / 1e6);
            print(result, out);
            return result;
        }
    }

    private static void print(final Result r, final PrintStream out)
    {
        out.println("## EIGRP convergence, Phase 3, stub spokes, summarising hub (`EigrpConvergenceRun`)");
        out.println();
        out.println("One process, one thread (`LockstepLab`): the hub's dataplane and NHS with its EIGRP, and every spoke with its own " +
            "EIGRP, all on a simulated clock; every packet real (EIGRP in GRE in ESP, hellos replicated by the hub's dataplane). " +
            "Simulated time is the protocol's (hellos spread over 5 s); CPU is this machine's.");
        out.println();
        out.println("| spokes | registered after (simulated s) | converged after registration (simulated s) | hub D routes | spokes with the summary | " +
            "wall (ms) | thread CPU (ms) | hub EIGRP CPU (ms) | hub EIGRP CPU per spoke (us) | NHS NHRP CPU meanwhile (ms) |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        out.printf(Locale.ROOT, "| %d | %.2f | %s | %d | %d | %.1f | %.1f | %.1f | %.2f | %.1f |%n", r.spokes(), r.registeredAfterNs() / 1e9,
            r.converged() ? String.format(Locale.ROOT, "%.2f", r.convergedAfterNs() / 1e9) : "not within the limit", r.hubRoutes(),
            r.spokesWithSummary(), r.wallNs() / 1e6, r.threadCpuNs() / 1e6, r.hubEigrpCpuNs() / 1e6, r.hubEigrpCpuNs() / 1e3 / r.spokes(),
            r.hubNhrpCpuNs() / 1e6);
        out.println();
        out.println("| EIGRP packets | hellos | updates | acks | retransmissions | neighbours up |");
        out.println("|---|---:|---:|---:|---:|---:|");
        out.printf(Locale.ROOT, "| hub sent | %d | %d | %d | %d | %d |%n", r.hub().hellosSent(), r.hub().updatesSent(), r.hub().acksSent(),
            r.hub().retransmissions(), r.hub().neighborsDiscovered() - r.hub().neighborsDropped());
        out.printf(Locale.ROOT, "| hub received | %d | %d | %d | | |%n", r.hub().hellosReceived(), r.hub().updatesReceived(),
            r.hub().acksReceived());
        out.printf(Locale.ROOT, "| spokes sent (all) | %d | %d | | | |%n", r.spokeHellos(), r.spokeUpdates());
        out.println();
        out.printf(Locale.ROOT, "The hub's dataplane replicated %d multicast packets (its hellos) into %d copies.%n", r.multicastPackets(),
            r.multicastCopies());
        out.println();
        out.println("Figures: `hub EIGRP CPU` is the NHS thread's CPU inside the routing process (its packets and timers, " +
            "`NhrpTraffic.routingNs`) from the last registration to convergence; `thread CPU` is everything the one thread did meanwhile " +
            "(hub and spokes, crypto included).");
        out.println();
        out.println(r.conservationProblem() == null ? "Conservation: every frame accounted for at the hub and the spokes, no frame slot held." :
            "**CONSERVATION FAILED**: " + r.conservationProblem());
        if (!r.converged())
        {
            out.println();
            out.println("**Not converged within the simulated limit.**");
        }
    }
}
