package net.dmvpnhub.trafficgen;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.Dataplane;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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
 * @param out where results go (a new timestamped folder under it).
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
    String idle,
    Path out)
{
    /** {@code --idle auto}: the workers busy-spin where the machine has a processor to spare, else back off. */
    public static final String AUTO_IDLE = "auto";

    public static final int MAX_SPOKES = 100_000;

    /** Thrown for a bad command line; its message is the one sentence to print. */
    public static final class UsageException extends Exception
    {
        public UsageException(final String message)
        {
            super(message);
        }
    }

    public static RunOptions defaults()
    {
        return new RunOptions(10_000, 20, 3, 1, Dataplane.ThreadingMode.RUN_TO_COMPLETION, PacketMix.IMIX,
            CryptoProvider.preferred(), Transform.AES_GCM_128, 0.8, 4, 1.0, 0, 1, 64, AUTO_IDLE, Path.of("results"));
    }

    public static String help()
    {
        final RunOptions d = defaults();
        return String.join("\n",
            "Usage: ./dmvpn run [options]",
            "",
            "Builds a DMVPN of simulated spokes around the hub, registers every spoke at once (a storm),",
            "then sends seeded traffic through the hub for a fixed time, and writes results/<time>/.",
            "",
            "Options:",
            "  --spokes N          simulated spokes, 1 to " + MAX_SPOKES + " (default " + d.spokes() + ")",
            "  --duration S        seconds of traffic after the storm (default " + d.durationS() + ")",
            "  --phase 1|2|3       DMVPN phase (default " + d.phase() + "): 1 all through the hub, 2 spokes resolve",
            "                      via the hub, 3 hub redirects and spokes install shortcut (H) routes",
            "  --workers N         dataplane workers, run-to-completion (default " + d.workers() + ")",
            "  --mode rtc|pipelined  run-to-completion or pipelined stages (default rtc)",
            "  --mix M             packet sizes: imix (7:4:1 of 64/576/1500 bytes), or one size in bytes",
            "                      from 64 to 1500 (default imix)",
            "  --provider P        ESP crypto: ipsec-mb, openssl, jdk or bc (default " + d.provider().shortName() +
                ", the first of ipsec-mb, openssl, jdk that loads)",
            "  --transform T       gcm128, gcm256 or cbc-sha256 (default gcm128)",
            "  --spoke-to-spoke F  fraction of flows to another spoke's LAN, 0 to 1 (default " + d.spokeToSpoke() + ")",
            "  --peers K           other spokes each spoke sends to, drawn once by popularity (default " + d.peers() + ")",
            "  --zipf S            destination popularity: 0 uniform, else Zipf exponent (default " + d.zipf() + ")",
            "  --rate PPS          offered packets per second, 0 = as fast as possible (default 0)",
            "  --seed N            seed for every random choice (default " + d.seed() + ")",
            "  --pcap N            export the first N frames each way with the esp_sa table (default " + d.pcapFrames() + ")",
            "  --idle I            the hub workers' idle strategy: busy, yield, backoff, or auto (default): busy where",
            "                      the machine has a processor beyond the workers and the spokes' thread, else backoff",
            "  --out DIR           results folder (default results)",
            "  --help              this text");
    }

    /**
     * @return the options, or null when {@code --help} was asked for.
     */
    public static RunOptions parse(final List<String> args) throws UsageException
    {
        final RunOptions d = defaults();
        int spokes = d.spokes();
        double durationS = d.durationS();
        int phase = d.phase();
        int workers = d.workers();
        Dataplane.ThreadingMode mode = d.mode();
        PacketMix mix = d.mix();
        CryptoProvider provider = d.provider();
        Transform transform = d.transform();
        double spokeToSpoke = d.spokeToSpoke();
        int peers = d.peers();
        double zipf = d.zipf();
        long rate = d.rate();
        long seed = d.seed();
        int pcapFrames = d.pcapFrames();
        String idle = d.idle();
        Path out = d.out();
        for (int i = 0; i < args.size(); i++)
        {
            final String option = args.get(i);
            if (option.equals("--help") || option.equals("-h"))
            {
                return null;
            }
            if (!option.startsWith("--"))
            {
                throw new UsageException("unexpected argument '" + option + "': options start with --, see --help");
            }
            if (i + 1 >= args.size())
            {
                throw new UsageException(option + " needs a value, see --help");
            }
            final String value = args.get(++i);
            switch (option)
            {
                case "--spokes" -> spokes = (int)integer(option, value, 1, MAX_SPOKES);
                case "--duration" -> durationS = decimal(option, value, 0.1, 86_400);
                case "--phase" -> phase = (int)integer(option, value, 1, 3);
                case "--workers" -> workers = (int)integer(option, value, 1, 64);
                case "--mode" -> mode = switch (value)
                {
                    case "rtc", "run-to-completion" -> Dataplane.ThreadingMode.RUN_TO_COMPLETION;
                    case "pipelined" -> Dataplane.ThreadingMode.PIPELINED;
                    default -> throw new UsageException("--mode must be rtc or pipelined, not '" + value + "'");
                };
                case "--mix" -> mix = mix(value);
                case "--provider" -> provider = switch (value)
                {
                    case "ipsec-mb" -> available(CryptoProvider.IPSEC_MB);
                    case "openssl" -> available(CryptoProvider.OPENSSL);
                    case "jdk" -> CryptoProvider.JDK;
                    case "bc" -> CryptoProvider.BOUNCY_CASTLE;
                    default -> throw new UsageException("--provider must be ipsec-mb, openssl, jdk or bc, not '" + value + "'");
                };
                case "--transform" -> transform = switch (value)
                {
                    case "gcm128" -> Transform.AES_GCM_128;
                    case "gcm256" -> Transform.AES_GCM_256;
                    case "cbc-sha256" -> Transform.AES_256_CBC_HMAC_SHA256;
                    default -> throw new UsageException("--transform must be gcm128, gcm256 or cbc-sha256, not '" + value + "'");
                };
                case "--spoke-to-spoke" -> spokeToSpoke = decimal(option, value, 0, 1);
                case "--peers" -> peers = (int)integer(option, value, 1, 1000);
                case "--zipf" -> zipf = decimal(option, value, 0, 10);
                case "--rate" -> rate = integer(option, value, 0, 1_000_000_000L);
                case "--seed" -> seed = integer(option, value, Long.MIN_VALUE, Long.MAX_VALUE);
                case "--pcap" -> pcapFrames = (int)integer(option, value, 0, 1_000_000);
                case "--idle" ->
                {
                    if (!value.equals(AUTO_IDLE) && IdleStrategies.byName(value) == null)
                    {
                        throw new UsageException("--idle must be " + AUTO_IDLE + ", " + IdleStrategies.NAMES + ", not '" + value + "'");
                    }
                    idle = value;
                }
                case "--out" -> out = Path.of(value);
                default -> throw new UsageException("unknown option " + option + ", see --help");
            }
        }
        return new RunOptions(spokes, durationS, phase, workers, mode, mix, provider, transform, spokeToSpoke, peers, zipf, rate, seed,
            pcapFrames, idle, out);
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

    private static CryptoProvider available(final CryptoProvider provider) throws UsageException
    {
        if (!provider.isAvailable())
        {
            throw new UsageException("--provider " + provider.shortName() + " cannot be used here: " + provider.unavailableReason());
        }
        return provider;
    }

    private static long integer(final String option, final String value, final long min, final long max) throws UsageException
    {
        final long n;
        try
        {
            n = Long.parseLong(value.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException(option + " must be a whole number, not '" + value + "'");
        }
        if (n < min || n > max)
        {
            throw new UsageException(option + " must be from " + min + " to " + max + ", not " + n);
        }
        return n;
    }

    private static double decimal(final String option, final String value, final double min, final double max) throws UsageException
    {
        final double n;
        try
        {
            n = Double.parseDouble(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException(option + " must be a number, not '" + value + "'");
        }
        if (!(n >= min && n <= max))
        {
            throw new UsageException(option + " must be from " + min + " to " + max + ", not " + value);
        }
        return n;
    }

    private static PacketMix mix(final String value) throws UsageException
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
        throw new UsageException("--mix must be imix or a packet size from " + PacketMix.MIN_SIZE + " to " + PacketMix.MAX_SIZE +
            " bytes, not '" + value + "'");
    }
}
