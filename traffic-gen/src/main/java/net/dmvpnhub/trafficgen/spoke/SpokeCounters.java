package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.nhrp.Nhrp;

import java.util.Arrays;

/**
 * The spokes' counters: totals over every spoke, and the ones marked per spoke also for each
 * spoke (an int each, so 100,000 spokes keep them in a few MiB). NAKs and Error Indications by
 * code, NHRP messages by type, drops by {@link SpokeDrop} reason, decode and ESP failures by
 * their status. Written by the spokes' thread alone; others read a snapshot that may lag.
 */
public final class SpokeCounters
{
    /** What is counted. */
    public enum Counter
    {
        IKE_EXCHANGES(false),
        IKE_TIMEOUTS(false),
        REKEYS(false),
        REGISTRATIONS_SENT(true),
        REGISTRATIONS_OK(true),
        REGISTRATION_NAKS(true),
        REGISTRATION_TIMEOUTS(false),
        REGISTRATION_RETRIES(true),
        REGISTRATIONS_LOST(false),
        RESOLUTIONS_SENT(true),
        RESOLUTION_REPLIES(false),
        RESOLUTION_NAKS(false),
        RESOLUTION_TIMEOUTS(false),
        RESOLUTIONS_ANSWERED(true),
        SHORTCUTS_INSTALLED(true),
        SHORTCUTS_REFRESHED(false),
        SHORTCUT_RENEWALS_SENT(false),
        SHORTCUTS_EXPIRED(true),
        SHORTCUTS_PURGED(true),
        ENTRIES_EXPIRED(false),
        ENTRIES_PURGED(false),
        PURGES_SENT(false),
        PURGE_REPLIES_SENT(false),
        TRAFFIC_INDICATIONS(true),
        ERROR_INDICATIONS(true),
        NBMA_CHANGES(false),
        DATA_SENT_HUB(true),
        DATA_SENT_DIRECT(true),
        DATA_LOCAL(false),
        FRAMES_TO_HUB(true),
        FRAMES_DIRECT(true),
        FRAMES_RECEIVED(true),
        FRAMES_RECEIVED_HUB(false),
        FRAMES_RECEIVED_DIRECT(false),
        DATA_RECEIVED_HUB(true),
        DATA_RECEIVED_DIRECT(true),
        /**
         * Packets to a link-local multicast group (224.0.0.0/24) or the limited broadcast, taken by the
         * spoke itself (its routing protocol's neighbours speak there); not LAN data.
         */
        MULTICAST_RECEIVED(true),
        /** Packets of the spokes' routing protocol ({@link SpokeRouting}) a spoke took, multicast or to its tunnel address. */
        ROUTING_RECEIVED(true),
        NHRP_RECEIVED(true),
        DROPS(true),
        /** IPv4 packets a spoke originated itself (probes, ICMP answers), not LAN data. */
        PACKETS_ORIGINATED(false),
        ECHO_REPLIES_SENT(false),
        TIME_EXCEEDED_SENT(false),
        PORT_UNREACHABLES_SENT(false),
        /** ICMP answers to a spoke's own probes, handed to its {@link IcmpReceiver}. */
        ICMP_RECEIVED(false);

        /** Per-spoke counters per spoke. */
        static final int PER_SPOKE_COUNT;

        static
        {
            int slots = 0;
            for (final Counter counter : values())
            {
                if (counter.perSpoke)
                {
                    counter.slot = slots++;
                }
            }
            PER_SPOKE_COUNT = slots;
        }

        private final boolean perSpoke;
        private int slot = -1;

        Counter(final boolean perSpoke)
        {
            this.perSpoke = perSpoke;
        }

        public boolean perSpoke()
        {
            return perSpoke;
        }
    }

    private static final Counter[] COUNTERS = Counter.values();
    private static final int PER_SPOKE = Counter.PER_SPOKE_COUNT;

    private final long[] totals = new long[COUNTERS.length];
    private int[] perSpoke;
    private final long[] drops = new long[SpokeDrop.values().length];
    private final long[] registrationNaks = new long[256];
    private final long[] resolutionNaks = new long[256];
    private final long[] errorIndications = new long[256];
    private static final int NHRP_TYPES = Nhrp.TYPE_TRAFFIC_INDICATION + 1;
    private final long[] nhrpSent = new long[NHRP_TYPES];
    private final long[] nhrpReceived = new long[NHRP_TYPES];
    /** Per spoke, NHRP packets sent then received per type ({@code show ip nhrp traffic} on a spoke). */
    private int[] nhrpBySpoke;
    private final long[] decodeFailures = new long[DecodeStatus.values().length];
    private final long[] espFailures = new long[EspStatus.values().length];

    SpokeCounters(final int capacity)
    {
        perSpoke = new int[capacity * PER_SPOKE];
        nhrpBySpoke = new int[capacity * 2 * NHRP_TYPES];
    }

    void grow(final int capacity)
    {
        perSpoke = Arrays.copyOf(perSpoke, capacity * PER_SPOKE);
        nhrpBySpoke = Arrays.copyOf(nhrpBySpoke, capacity * 2 * NHRP_TYPES);
    }

    void add(final int spoke, final Counter counter)
    {
        totals[counter.ordinal()]++;
        if (counter.perSpoke && spoke >= 0)
        {
            perSpoke[spoke * PER_SPOKE + counter.slot]++;
        }
    }

    void add(final Counter counter, final long n)
    {
        totals[counter.ordinal()] += n;
    }

    void drop(final int spoke, final SpokeDrop reason)
    {
        drops[reason.ordinal()]++;
        add(spoke, Counter.DROPS);
    }

    void registrationNak(final int code)
    {
        registrationNaks[code & 0xFF]++;
    }

    void resolutionNak(final int code)
    {
        resolutionNaks[code & 0xFF]++;
    }

    void errorIndication(final int code)
    {
        errorIndications[code & 0xFF]++;
    }

    void countNhrpSent(final int spoke, final int type)
    {
        nhrpSent[type]++;
        nhrpBySpoke[spoke * 2 * NHRP_TYPES + type]++;
    }

    void countNhrpReceived(final int spoke, final int type)
    {
        nhrpReceived[type]++;
        nhrpBySpoke[(spoke * 2 + 1) * NHRP_TYPES + type]++;
    }

    void decodeFailure(final DecodeStatus status)
    {
        decodeFailures[status.ordinal()]++;
    }

    void espFailure(final EspStatus status)
    {
        espFailures[status.ordinal()]++;
    }

    /** @return the total over every spoke. */
    public long get(final Counter counter)
    {
        return totals[counter.ordinal()];
    }

    /** @return one spoke's count of a {@link Counter#perSpoke()} counter. */
    public long get(final int spoke, final Counter counter)
    {
        if (!counter.perSpoke)
        {
            throw new IllegalArgumentException(counter + " is counted only in total");
        }
        return perSpoke[spoke * PER_SPOKE + counter.slot];
    }

    public long drops(final SpokeDrop reason)
    {
        return drops[reason.ordinal()];
    }

    /** @return drops of every reason at one stage. */
    public long drops(final SpokeDrop.Stage stage)
    {
        long n = 0;
        for (final SpokeDrop reason : SpokeDrop.values())
        {
            if (reason.stage() == stage)
            {
                n += drops[reason.ordinal()];
            }
        }
        return n;
    }

    /** @return Registration Replies received with this CIE code other than success. */
    public long registrationNaks(final int code)
    {
        return registrationNaks[code];
    }

    /** @return Resolution Replies received with this CIE code other than success. */
    public long resolutionNaks(final int code)
    {
        return resolutionNaks[code];
    }

    /** @return Error Indications received with this error code. */
    public long errorIndications(final int code)
    {
        return errorIndications[code];
    }

    public long nhrpSent(final int type)
    {
        return nhrpSent[type];
    }

    public long nhrpReceived(final int type)
    {
        return nhrpReceived[type];
    }

    /** @return NHRP packets of {@code type} (1 to 8) spoke {@code spoke} sent. */
    public long nhrpSent(final int spoke, final int type)
    {
        return Integer.toUnsignedLong(nhrpBySpoke[spoke * 2 * NHRP_TYPES + type]);
    }

    /** @return NHRP packets of {@code type} (1 to 8) spoke {@code spoke} received (and authenticated). */
    public long nhrpReceived(final int spoke, final int type)
    {
        return Integer.toUnsignedLong(nhrpBySpoke[(spoke * 2 + 1) * NHRP_TYPES + type]);
    }

    public long decodeFailures(final DecodeStatus status)
    {
        return decodeFailures[status.ordinal()];
    }

    public long espFailures(final EspStatus status)
    {
        return espFailures[status.ordinal()];
    }

    /** @return bytes the per-spoke counters take. */
    long perSpokeBytes()
    {
        return ((long)perSpoke.length + nhrpBySpoke.length) * Integer.BYTES;
    }

    /**
     * @return the non-zero totals and drops, one per line, for logs and reports.
     */
    public String render()
    {
        final StringBuilder out = new StringBuilder();
        for (final Counter counter : COUNTERS)
        {
            if (totals[counter.ordinal()] != 0)
            {
                out.append(String.format("%-26s %,d%n", counter.name().toLowerCase().replace('_', '-'), totals[counter.ordinal()]));
            }
        }
        for (int code = 0; code < registrationNaks.length; code++)
        {
            if (registrationNaks[code] != 0)
            {
                out.append(String.format("registration-nak-%-9d %,d%n", code, registrationNaks[code]));
            }
        }
        for (int code = 0; code < errorIndications.length; code++)
        {
            if (errorIndications[code] != 0)
            {
                out.append(String.format("error-indication-%-9d %,d%n", code, errorIndications[code]));
            }
        }
        for (final SpokeDrop reason : SpokeDrop.values())
        {
            if (drops[reason.ordinal()] != 0)
            {
                out.append(String.format("drop %-21s %,d  (%s)%n", reason.name().toLowerCase().replace('_', '-'),
                    drops[reason.ordinal()], reason.description()));
            }
        }
        return out.toString();
    }
}
