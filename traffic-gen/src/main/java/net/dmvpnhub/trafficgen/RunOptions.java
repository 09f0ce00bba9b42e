package net.dmvpnhub.trafficgen;

import net.dmvpnhub.trafficgen.cli.Arguments;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.nhrp.SaLifetime;
import net.dmvpnhub.dataplane.Dataplane;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The scale run's options ({@code ./dmvpn run --help}), parsed from the command line with one
 * clear sentence for each mistake.
 *
 * @param spokes simulated spokes (1 to 100,000).
 * @param durationS seconds of traffic after the registration storm.
 * @param phase DMVPN phase 1, 2 or 3.
 * @param workers dataplane workers (run-to-completion).
 * @param mode how the dataplane's stages map onto threads.
 * @param mix packet sizes.
 * @param provider ESP crypto provider.
 * @param transform ESP transform.
 * @param spokeToSpoke fraction of flows from a spoke to another spoke's LAN (the rest go to the
 * hub-side LAN).
 * @param peers how many other spokes each spoke talks to (its spoke-to-spoke destinations, drawn
 * once by popularity).
 * @param zipf destination popularity: 0 for uniform, else the Zipf exponent.
 * @param rate offered packets per second in total, or 0 for as fast as possible.
 * @param seed the seed every random choice derives from.
 * @param pcapFrames frames to export each way to a pcap (0: none).
 * @param saLifetimeS the SAs' lifetime in seconds (IOS's 3,600 by default); a short one makes
 * every spoke rekey its SAs with the hub during the traffic phase, at 90% of it.
 * @param out where results go (a new timestamped folder under it).
 * @param capacityS seconds of the capacity phase's measured rounds (the hub forwarding frames
 * encrypted before the clock, as fast as it can), or 0 to leave the phase out.
 * @param profile sample the capacity phase's measured rounds with async-profiler (Java and native
 * frames) and write a flame graph beside the summary.
 */
public record RunOptions(
    int spokes,
    double durationS,
    int phase,
    int workers,
    Dataplane.ThreadingMode mode,
    PacketMix mix,
    CryptoProvider provider,
    Transform transform,
    double spokeToSpoke,
    int peers,
    double zipf,
    long rate,
    long seed,
    int pcapFrames,
    long saLifetimeS,
    String idle,
    Path out,
    double capacityS,
    boolean profile)
{
    /** {@code --idle auto}: the workers busy-spin where the machine has a processor to spare, else back off. */
    public static final String AUTO_IDLE = "auto";

    public static final int MAX_SPOKES = 100_000;

    public static RunOptions defaults()
    {
        return new RunOptions(10_000, 20, 3, 1, Dataplane.ThreadingMode.RUN_TO_COMPLETION, PacketMix.IMIX,
            CryptoProvider.preferred(), Transform.AES_GCM_128, 0.8, 4, 1.0, 0, 1, 64, SaLifetime.IOS_DEFAULT.seconds(), AUTO_IDLE,
            Path.of("results"), 2, false);
    }

    public static String help()
    {
        final RunOptions d = defaults();
        return String.join("\n",
            "Usage: ./dmvpn run [options]",
            "",
            "Builds a DMVPN of simulated spokes around the hub, registers every spoke at once (a storm),",
            "measures the hub's capacity (frames encrypted before the clock, forwarded as fast as it can,",
            "beside the crypto floor on the same frames), then sends seeded traffic through the hub for a",
            "fixed time, and writes results/<time>/.",
            "",
            "Options:",
            "  --spokes N          simulated spokes, 1 to " + MAX_SPOKES + " (default " + d.spokes() + ")",
            "  --capacity S        seconds of the capacity phase's measured rounds, 0 to 600, 0 leaves it out (default " +
                d.capacityS() + ")",
            "  --duration S        seconds of traffic after the storm (default " + d.durationS() + ")",
            "  --phase 1|2|3       DMVPN phase (default " + d.phase() + "): 1 all through the hub, 2 spokes resolve",
            "                      via the hub, 3 hub redirects and spokes install shortcut (H) routes",
            "  --workers N         dataplane workers, run-to-completion (default " + d.workers() + ")",
            "  --mode rtc|pipelined  run-to-completion or pipelined stages (default rtc)",
            "  --mix M             packet sizes: imix (7:4:1 of 64/576/1500 bytes), or one size in bytes",
            "                      from 64 to 1500 (default imix)",
            "  --provider P        ESP crypto: ipsec-mb, openssl, jdk or bc (default " + d.provider().shortName() +
                ", the first of ipsec-mb, openssl, jdk that loads)",
            "  --transform T       gcm128, gcm192, gcm256 or cbc-sha256 (default gcm128)",
            "  --spoke-to-spoke F  fraction of flows to another spoke's LAN, 0 to 1 (default " + d.spokeToSpoke() + ")",
            "  --peers K           other spokes each spoke sends to, drawn once by popularity (default " + d.peers() + ")",
            "  --zipf S            destination popularity: 0 uniform, else Zipf exponent (default " + d.zipf() + ")",
            "  --rate PPS          offered packets per second, 0 = as fast as possible (default 0)",
            "  --seed N            seed for every random choice (default " + d.seed() + ")",
            "  --pcap N            export the first N frames each way with the esp_sa table (default " + d.pcapFrames() + ")",
            "  --sa-lifetime S     the SAs' lifetime in seconds, 2 to " + SaLifetime.MAX_SECONDS + " (default " + d.saLifetimeS() + "):",
            "                      each spoke rekeys its SAs with the hub, and each pair of spokes their shortcut",
            "                      SAs, at 90% of it; a short one rekeys them all during the traffic",
            "  --idle I            the hub workers' idle strategy: busy, yield, backoff, or auto (default): busy where",
            "                      the machine has a processor beyond the workers and the spokes' thread, else backoff",
            "  --out DIR           results folder (default results)",
            "  --profile           sample the capacity phase's measured rounds with async-profiler (Java and native",
            "                      frames): profile-capacity.html (flame graph), .collapsed, and the hottest frames",
            "                      in profile-capacity.md; ./dmvpn profile runs this",
            "  --help              this text");
    }

    /** The options that take a value, as {@link #help()} lists them. */
    private static final List<String> OPTIONS = List.of("--spokes", "--capacity", "--duration", "--phase", "--workers", "--mode", "--mix",
        "--provider", "--transform", "--spoke-to-spoke", "--peers", "--zipf", "--rate", "--seed", "--pcap", "--sa-lifetime", "--idle", "--out");

    /** {@code --mode}'s choices, here and in the runners that take it. */
    public static final Map<String, Dataplane.ThreadingMode> MODES = Arguments.choices(
        "rtc", Dataplane.ThreadingMode.RUN_TO_COMPLETION, "pipelined", Dataplane.ThreadingMode.PIPELINED);
    private static final Map<String, CryptoProvider> PROVIDERS = Arguments.choices(
        "ipsec-mb", CryptoProvider.IPSEC_MB, "openssl", CryptoProvider.OPENSSL, "jdk", CryptoProvider.JDK, "bc", CryptoProvider.BOUNCY_CASTLE);
    private static final Map<String, Transform> TRANSFORMS = Arguments.choices(
        "gcm128", Transform.AES_GCM_128, "gcm192", Transform.AES_GCM_192, "gcm256", Transform.AES_GCM_256, "cbc-sha256",
        Transform.AES_256_CBC_HMAC_SHA256);

    /**
     * @return the options, or null when {@code --help} was asked for.
     * @throws Arguments.UsageException with one sentence naming the option and the problem.
     */
    public static RunOptions parse(final List<String> args)
    {
        final Arguments a = Arguments.read(args, OPTIONS, List.of("--profile"), 0);
        if (a == null)
        {
            return null;
        }
        final RunOptions d = defaults();
        final Dataplane.ThreadingMode mode = a.choice("--mode", d.mode(), MODES);
        final String idle = a.text("--idle", d.idle());
        if (!idle.equals(AUTO_IDLE) && IdleStrategies.byName(idle) == null)
        {
            throw new Arguments.UsageException("--idle must be " + AUTO_IDLE + ", " + IdleStrategies.NAMES + ", not '" + idle + "'");
        }
        return new RunOptions(
            a.whole("--spokes", d.spokes(), 1, MAX_SPOKES),
            a.decimal("--duration", d.durationS(), 0.1, 86_400),
            a.whole("--phase", d.phase(), 1, 3),
            a.whole("--workers", d.workers(), 1, 64),
            mode,
            a.has("--mix") ? mix(a.text("--mix", null)) : d.mix(),
            available(a.choice("--provider", d.provider(), PROVIDERS)),
            a.choice("--transform", d.transform(), TRANSFORMS),
            a.decimal("--spoke-to-spoke", d.spokeToSpoke(), 0, 1),
            a.whole("--peers", d.peers(), 1, 1000),
            a.decimal("--zipf", d.zipf(), 0, 10),
            a.whole("--rate", d.rate(), 0, 1_000_000_000L),
            a.whole("--seed", d.seed(), Long.MIN_VALUE, Long.MAX_VALUE),
            a.whole("--pcap", d.pcapFrames(), 0, 1_000_000),
            a.whole("--sa-lifetime", d.saLifetimeS(), 2, SaLifetime.MAX_SECONDS),
            idle,
            Path.of(a.text("--out", d.out().toString())),
            a.decimal("--capacity", d.capacityS(), 0, 600),
            a.has("--profile"));
    }

    /** Threads that poll without sleeping when idle strategies are busy: the workers and the spokes' thread. */
    public int busyThreads()
    {
        return (mode == Dataplane.ThreadingMode.PIPELINED ? 2 : workers) + 1;
    }

    /**
     * The workers' idle strategy: {@link #idle} itself, or for {@code auto} {@code busy} when
     * {@code processors} exceed {@link #busyThreads} (one is left for the NHS, the JIT and the
     * kernel) and {@code backoff} otherwise: a worker that spins on a machine without a processor
     * to spare takes CPU from the spokes' thread that feeds it (the README gives the side-by-side
     * runs).
     */
    public String idleFor(final int processors)
    {
        if (!idle.equals(AUTO_IDLE))
        {
            return idle;
        }
        return processors > busyThreads() ? "busy" : "backoff";
    }

    private static CryptoProvider available(final CryptoProvider provider)
    {
        if (!provider.isAvailable())
        {
            throw new Arguments.UsageException("--provider " + provider.shortName() + " cannot be used here: " + provider.unavailableReason());
        }
        return provider;
    }

    private static PacketMix mix(final String value)
    {
        if (value.equalsIgnoreCase("imix"))
        {
            return PacketMix.IMIX;
        }
        try
        {
            final int size = Integer.parseInt(value);
            if (size >= PacketMix.MIN_SIZE && size <= PacketMix.MAX_SIZE)
            {
                return PacketMix.fixed(size);
            }
        }
        catch (final NumberFormatException ignored)
        {
            // falls through to the message below
        }
        throw new Arguments.UsageException("--mix must be imix or a packet size from " + PacketMix.MIN_SIZE + " to " + PacketMix.MAX_SIZE +
            " bytes, not '" + value + "'");
    }
}
