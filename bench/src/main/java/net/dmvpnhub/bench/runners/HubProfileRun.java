package net.dmvpnhub.bench.runners;

import net.dmvpnhub.bench.jmh.HubForwardingBenchmark;
import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.trafficgen.CpuProfile;
import net.dmvpnhub.trafficgen.cli.Arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./dmvpn profile --hub}: profiles the hub where it works hard, the forwarding path alone at
 * full speed (the state of {@link HubForwardingBenchmark#hub()}: 10,000 spokes' SAs, routes and
 * peer entries, hairpin frames copied in as a NIC would deliver them), with async-profiler in
 * this JVM: CPU samples with mixed Java and native stacks, so time inside the crypto library
 * shows as the library's own functions under the Java frame that called it.
 * <p>
 * Writes, under {@code results/}: {@code profile-hub-<time>.html}, async-profiler's interactive
 * flame graph (one file, opens offline); {@code .collapsed}, the folded stacks for other tools;
 * {@code .md}, the command, commit, machine, the rate the hub ran at while sampled and the
 * flat profile (self samples per frame). The warm-up (JIT) is not sampled; the hub's own checks
 * run at the end (every frame forwarded, no slot leaked).
 */
public final class HubProfileRun
{
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public record Options(int seconds, int warmupSeconds, String size, int spokes, CryptoProvider provider, Path out)
    {
        public static final String USAGE = """
            Usage: ./dmvpn profile --hub [options]
              --seconds N       seconds sampled (default 10)
              --warmup N        seconds run before sampling starts, for the JIT (default 5)
              --size S          inner packet size: bytes (28 to 1500) or IMIX (default IMIX)
              --spokes N        spokes, each with its SAs, routes and peer entry (100 to 100000, default 10000)
              --provider P      crypto provider: ipsec-mb, openssl, jdk or bc (default: the default provider)
              --out DIR         where the files go (default results)
            """;

        public Options
        {
            PairedRatioRun.Options.checkSize("--size", size);
            if (!provider.isAvailable())
            {
                throw new Arguments.UsageException("--provider " + provider.shortName() + " cannot be used here: " + provider.unavailableReason());
            }
        }

        /** @return the options, or null for {@code --help}. */
        static Options parse(final List<String> args)
        {
            final Arguments a = Arguments.read(args, List.of("--seconds", "--warmup", "--size", "--spokes", "--provider", "--out"),
                List.of(), 0);
            if (a == null)
            {
                return null;
            }
            final CryptoProvider provider;
            try
            {
                provider = a.has("--provider") ? CryptoProvider.fromName(a.text("--provider", null)) : CryptoProvider.preferred();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new Arguments.UsageException("--provider: " + ex.getMessage());
            }
            return new Options((int)a.whole("--seconds", 10, 1, 600), (int)a.whole("--warmup", 5, 0, 600), a.text("--size", "IMIX"),
                (int)a.whole("--spokes", 10_000, 100, 100_000), provider, Path.of(a.text("--out", "results")));
        }
    }

    /** What one profile wrote, and the rate the hub ran at while it was sampled. */
    record Result(Path html, Path collapsed, Path report, long frames, double seconds)
    {
        double framesPerSecond()
        {
            return frames / seconds;
        }
    }

    private HubProfileRun()
    {
    }

    static Result profile(final Options options, final String command) throws IOException
    {
        Files.createDirectories(options.out());
        final String stamp = STAMP.format(Instant.now());
        final Path html = options.out().resolve("profile-hub-" + stamp + ".html");
        final Path collapsed = options.out().resolve("profile-hub-" + stamp + ".collapsed");
        final Path report = options.out().resolve("profile-hub-" + stamp + ".md");
        final HubForwardingBenchmark hub = new HubForwardingBenchmark();
        hub.size = options.size();
        hub.spokes = options.spokes();
        hub.provider = options.provider().shortName();
        hub.setUp();
        long sink = 0;
        final long warmupEnd = System.nanoTime() + options.warmupSeconds() * 1_000_000_000L;
        while (System.nanoTime() - warmupEnd < 0)
        {
            sink += hub.hub();
        }
        final StringBuilder why = new StringBuilder();
        final CpuProfile profiler = CpuProfile.load(false, why);
        if (profiler == null)
        {
            throw new IOException(why.toString());
        }
        final String title = "hub forwarding, " + options.spokes() + " spokes, " + options.size() + ", " + options.provider().shortName();
        profiler.resume();
        long calls = 0;
        final long start = System.nanoTime();
        final long end = start + options.seconds() * 1_000_000_000L;
        while (System.nanoTime() - end < 0)
        {
            sink += hub.hub();
            calls++;
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        profiler.pause();
        if (profiler.failure() != null)
        {
            throw new IOException(profiler.failure());
        }
        final String flat = profiler.write(html, collapsed, title);
        hub.tearDown();
        final long frames = calls * HubForwardingBenchmark.BATCH;
        final Result result = new Result(html, collapsed, report, frames, seconds);
        Files.writeString(report, markdown(options, command, result, flat, sink));
        return result;
    }

    private static String markdown(final Options options, final String command, final Result result, final String flat, final long sink)
    {
        final StringBuilder out = new StringBuilder();
        out.append("# Profile of the hub's forwarding path (").append(result.report().getFileName().toString().replace(".md", ""))
            .append(")\n\n");
        out.append("Written by `HubProfileRun` from async-profiler's own output (CPU samples every 1 ms, Java and native frames); ")
            .append("no figure typed in. The flame graph: [").append(result.html().getFileName()).append("](")
            .append(result.html().getFileName()).append("); folded stacks: `").append(result.collapsed().getFileName()).append("`.\n\n");
        out.append("## Command\n\n```\n").append(command).append("\n```\n\n");
        out.append("at commit ").append(System.getProperty("dmvpn.commit", "unknown")).append(".\n\n");
        out.append(String.format(Locale.ROOT, "Machine: %d processors, %s %s. Workload: `HubForwardingBenchmark.hub` state, %d spokes, " +
                "%s, provider %s (%s); %d s of warm-up, then %.1f s sampled, during which the hub forwarded %,d frames (%.3f Mpps on " +
                "this thread, under the profiler).%n%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
            System.getProperty("java.runtime.version"), options.spokes(), options.size(), options.provider().shortName(),
            CryptoProvider.selectionLine(options.provider()), options.warmupSeconds(), result.seconds(), result.frames(), result.framesPerSecond() / 1e6));
        out.append("## Flat profile (self samples per frame)\n\n```\n").append(flat.strip()).append("\n```\n\n");
        out.append("Checksum of the run (keeps the work from being optimised away): ").append(sink).append(".\n");
        return out.toString();
    }

    public static void main(final String[] args) throws IOException
    {
        final Options options = Arguments.parseOrExit("profile --hub", Options.USAGE, args, Options::parse);
        if (options == null)
        {
            return;
        }
        final String command = System.getProperty("dmvpn.command", "./dmvpn profile --hub");
        final Result result;
        try
        {
            result = profile(options, command);
        }
        catch (final IOException ex)
        {
            // async-profiler cannot load or sample here, or a file could not be written: one sentence, not a stack trace.
            System.err.println("dmvpn profile: no profile: " + ex.getMessage());
            System.exit(1);
            return;
        }
        System.out.printf(Locale.ROOT, "dmvpn profile: the hub forwarded %.3f Mpps while sampled; flame graph %s, folded stacks %s, report %s%n",
            result.framesPerSecond() / 1e6, result.html(), result.collapsed(), result.report());
    }
}
