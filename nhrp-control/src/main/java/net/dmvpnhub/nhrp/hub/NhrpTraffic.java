package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.wire.nhrp.Nhrp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * What {@code show ip nhrp traffic} shows: NHRP packets sent and received per type, plus every
 * packet the server did not act on, by named reason, and Error Indications and NAKs by code.
 * Written by the NHS thread alone; other threads read a snapshot that may lag.
 */
public final class NhrpTraffic
{
    private static final VarHandle REDIRECT_NS;
    private static final VarHandle HARVEST_NS;

    static
    {
        try
        {
            REDIRECT_NS = MethodHandles.lookup().findVarHandle(NhrpTraffic.class, "redirectNs", long.class);
            HARVEST_NS = MethodHandles.lookup().findVarHandle(NhrpTraffic.class, "harvestNs", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Why a received NHRP packet changed nothing and got no answer. */
    public enum Ignored
    {
        NO_SA_FOR_SENDER("no IPsec SA with the sender's NBMA address"),
        ERROR_INDICATION_RECEIVED("an Error Indication (never answered)"),
        UNEXPECTED_TYPE("a reply or indication the hub never asked for"),
        PURGE_NOT_OWNER("a purge for an address the sender did not register"),
        SLAB_EXHAUSTED("no free frame slot to build the answer"),
        INJECT_RING_FULL("the dataplane's injection ring was full"),
        NO_BINDING_FOR_RECEIVER("the packet's receiver has no NHRP binding or SA");

        private final String description;

        Ignored(final String description)
        {
            this.description = description;
        }

        public String description()
        {
            return description;
        }
    }

    final long[] sent = new long[Nhrp.TYPE_TRAFFIC_INDICATION + 1];
    final long[] received = new long[Nhrp.TYPE_TRAFFIC_INDICATION + 1];
    final long[] errorsSent = new long[32];
    final long[] naksSent = new long[32];
    final long[] ignored = new long[Ignored.values().length];
    long registrationsAccepted;
    long registrationsRefreshed;
    long registrationsExpired;
    long resolutionsAnswered;
    long resolutionsForwarded;
    long trafficIndicationsSuppressed;
    long injectPacedCycles;
    long purgesSent;
    long admissionNaks;
    long resolutionTriggersUnbound;
    long localPacketsDelivered;
    long multicastSent;
    long multicastNotSent;
    long multicastListsPublished;
    /** CPU of the routing process on this thread ({@link NhrpServer#routingProcess}), its packets and its timers. */
    long routingNs;
    long ikeExchanges;
    long ikeNs;
    long nhrpNs;
    /** Written with {@link #REDIRECT_NS} (opaque) so that a benchmark can read it while the server runs. */
    long redirectNs;
    /** Written with {@link #HARVEST_NS} (opaque), as {@link #redirectNs}. */
    long harvestNs;

    public long sent(final int type)
    {
        return sent[type];
    }

    public long received(final int type)
    {
        return received[type];
    }

    public long errorsSent(final int code)
    {
        return errorsSent[code];
    }

    public long naksSent(final int code)
    {
        return naksSent[code];
    }

    public long ignored(final Ignored reason)
    {
        return ignored[reason.ordinal()];
    }

    public long totalSent()
    {
        return Arrays.stream(sent).sum();
    }

    public long totalReceived()
    {
        return Arrays.stream(received).sum();
    }

    public long registrationsAccepted()
    {
        return registrationsAccepted;
    }

    public long registrationsRefreshed()
    {
        return registrationsRefreshed;
    }

    public long registrationsExpired()
    {
        return registrationsExpired;
    }

    public long resolutionsAnswered()
    {
        return resolutionsAnswered;
    }

    public long resolutionsForwarded()
    {
        return resolutionsForwarded;
    }

    public long trafficIndicationsSuppressed()
    {
        return trafficIndicationsSuppressed;
    }

    /**
     * Duty cycles in which the NHS left NHRP packets in the punt rings because the workers'
     * injection rings had too little room for the answers (a small {@code injectWeight} while
     * the workers forward): the packets wait, nothing is lost.
     */
    public long injectPacedCycles()
    {
        return injectPacedCycles;
    }

    public long purgesSent()
    {
        return purgesSent;
    }

    /** @return requests answered NAK 5 because the backlog was over the admission bound. */
    public long admissionNaks()
    {
        return admissionNaks;
    }

    /** @return dataplane resolution triggers for a next hop nobody registered (nothing to ask). */
    public long resolutionTriggersUnbound()
    {
        return resolutionTriggersUnbound;
    }

    /** @return multicast packets the hub originated and handed to the dataplane to replicate ({@link NhrpServer#sendMulticast}). */
    public long multicastSent()
    {
        return multicastSent;
    }

    /** @return multicast packets the hub originated but could not send: an empty multicast list, no free slot, a full ring. */
    public long multicastNotSent()
    {
        return multicastNotSent;
    }

    /** @return times the multicast list was published to the dataplane (once per change seen when a packet was sent). */
    public long multicastListsPublished()
    {
        return multicastListsPublished;
    }

    /** @return CPU time the routing process (EIGRP) took on the server's thread: its packets and its timers. */
    public long routingNs()
    {
        return routingNs;
    }

    /** @return packets routed to the hub itself, consumed by its host stack. */
    public long localPacketsDelivered()
    {
        return localPacketsDelivered;
    }

    public long ikeExchanges()
    {
        return ikeExchanges;
    }

    /** @return CPU time the server's thread spent on simulated IKE exchanges (building SAs). */
    public long ikeNs()
    {
        return ikeNs;
    }

    /**
     * @return CPU time the server's thread spent on the dataplane's redirect signals (rate limit,
     * Traffic Indications built and queued); readable while the server runs.
     */
    public long redirectNs()
    {
        return (long)REDIRECT_NS.getOpaque(this);
    }

    void addRedirectNs(final long ns)
    {
        REDIRECT_NS.setOpaque(this, redirectNs + ns);
    }

    /**
     * @return CPU time the server's thread spent collecting the dataplane's used marks into the
     * cache (once a second, over every entry); readable while the server runs.
     */
    public long harvestNs()
    {
        return (long)HARVEST_NS.getOpaque(this);
    }

    void addHarvestNs(final long ns)
    {
        HARVEST_NS.setOpaque(this, harvestNs + ns);
    }

    /** @return CPU time the server's thread spent handling NHRP packets (decode, cache, tables, answers). */
    public long nhrpNs()
    {
        return nhrpNs;
    }

    /**
     * @return the counters in {@code show ip nhrp traffic}'s layout.
     */
    public String render(final String interfaceName)
    {
        return render(interfaceName, type -> sent[type], type -> received[type]);
    }

    /**
     * {@code show ip nhrp traffic}'s layout for any router's counters (the hub's, or a simulated
     * spoke's): packets sent and received per NHRP type (1 to 8).
     */
    public static String render(final String interfaceName, final IntToLongFunction sent, final IntToLongFunction received)
    {
        final StringBuilder out = new StringBuilder();
        out.append(interfaceName).append(": Max-send limit:10000Pkts/10Sec, Usage:0%\n");
        out.append(String.format("   Sent: Total %d%n", total(sent)));
        appendTypes(out, sent);
        out.append(String.format("   Rcvd: Total %d%n", total(received)));
        appendTypes(out, received);
        return out.toString();
    }

    private static long total(final IntToLongFunction counts)
    {
        long total = 0;
        for (int type = Nhrp.TYPE_RESOLUTION_REQUEST; type <= Nhrp.TYPE_TRAFFIC_INDICATION; type++)
        {
            total += counts.applyAsLong(type);
        }
        return total;
    }

    private static void appendTypes(final StringBuilder out, final IntToLongFunction counts)
    {
        out.append(String.format("         %d Resolution Request  %d Resolution Reply  %d Registration Request%n",
            counts.applyAsLong(Nhrp.TYPE_RESOLUTION_REQUEST), counts.applyAsLong(Nhrp.TYPE_RESOLUTION_REPLY),
            counts.applyAsLong(Nhrp.TYPE_REGISTRATION_REQUEST)));
        out.append(String.format("         %d Registration Reply  %d Purge Request  %d Purge Reply%n",
            counts.applyAsLong(Nhrp.TYPE_REGISTRATION_REPLY), counts.applyAsLong(Nhrp.TYPE_PURGE_REQUEST),
            counts.applyAsLong(Nhrp.TYPE_PURGE_REPLY)));
        out.append(String.format("         %d Error Indication  %d Traffic Indication  0 Redirect Suppress%n",
            counts.applyAsLong(Nhrp.TYPE_ERROR_INDICATION), counts.applyAsLong(Nhrp.TYPE_TRAFFIC_INDICATION)));
    }
}
