package net.dmvpnhub.trafficgen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code ./dmvpn profile}'s second step: turns the Flight Recorder file of a scale run into
 * {@code results/profile-<time>.md} (the hot methods of the hub's worker threads, of its NHS, and
 * of the simulated spokes, each ranked by self samples) and {@code .folded} stacks beside it for
 * a flame graph ({@code flamegraph.pl profile-<time>.folded > profile.svg}, or speedscope).
 */
public final class ProfileReport
{
    private ProfileReport()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 3)
        {
            System.err.println("usage: ProfileReport RECORDING.jfr REPORT.md COMMAND");
            System.exit(2);
        }
        final Path recording = Path.of(args[0]);
        final Path report = Path.of(args[1]);
        if (!Files.isRegularFile(recording))
        {
            System.err.println("dmvpn profile: no recording at " + recording + " (did the run start?)");
            System.exit(1);
        }
        final JfrHotMethods workers = JfrHotMethods.read(recording, name -> name.startsWith("hub-worker-"));
        final JfrHotMethods nhs = JfrHotMethods.read(recording, name -> name.equals("nhrp-server"));
        final JfrHotMethods spokes = JfrHotMethods.read(recording, name -> name.equals("spokes-and-traffic"));
        final JfrHotMethods all = JfrHotMethods.read(recording, name -> true);
        final String folded = report.getFileName().toString().replaceFirst("\\.md$", ".folded");
        Files.writeString(report.resolveSibling(folded), all.foldedStacks());
        final StringBuilder out = new StringBuilder();
        out.append("# Profile of a scale run (").append(Instant.now()).append(")\n\n");
        out.append("Written by `ProfileReport` from the JDK Flight Recorder file of the run (settings=profile: Java execution ")
            .append("samples every 10-20 ms per thread, and native method samples). No figure typed in.\n\n");
        out.append("## Command\n\n```\n").append(args[2]).append("\n```\n\n");
        out.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ")
            .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version")).append(".\n\n");
        out.append("Recording: `").append(recording).append("` (kept under results/tmp/, not committed); folded stacks: `")
            .append(folded).append("`.\n\n");
        out.append("## Hub dataplane workers (hub-worker-*)\n\n").append(workers.markdown(25)).append('\n');
        out.append("## NHRP server (nhrp-server)\n\n").append(nhs.markdown(15)).append('\n');
        out.append("## Simulated spokes and traffic generator (spokes-and-traffic)\n\n").append(spokes.markdown(15)).append('\n');
        Files.writeString(report, out.toString());
        System.out.println("dmvpn profile: " + report + " and " + folded);
    }
}
