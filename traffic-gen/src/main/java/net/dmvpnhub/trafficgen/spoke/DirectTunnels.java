package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.nhrp.SaLifetime;
import net.dmvpnhub.nhrp.SimulatedIke;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayQueue;

/**
 * The IPsec SAs between spokes (the spoke-to-spoke tunnels of Phases 2 and 3), both ends held
 * here because both spokes live in this process: what an IKE exchange between them would have
 * settled is derived for both at once ({@link SimulatedIke}), keyed by (local NBMA, peer NBMA)
 * since SAs belong to addresses, not to spokes. The local address is the spoke's own; the peer's
 * is the one that reaches it, which for a spoke behind a NAT is its post-NAT address
 * ({@link Addresses}): each end's SAs are bound to what that end sees.
 * <p>
 * Each end counts the cache bindings that send through it; a pair is deleted (both ends, as an
 * IKE Delete would) when neither end has one left. An end whose peer moved to another NBMA
 * address keeps its half until its own bindings go (expiry or purge).
 * <p>
 * Pairs are rekeyed at their soft lifetime ({@link SimulatedIke#lifetime()}: 90% of its seconds,
 * queued when a pair is keyed and taken in due order by {@link #maintain}, or of its kilobytes,
 * checked as a sender sends by {@link #rekeyIfSoftExpired}), as one IKE quick mode between the two
 * spokes would: both ends get a new pair of SPIs at once, each end sends under its new outbound SA
 * from then on and accepts under both its new and its previous inbound SA until the overlap ends
 * ({@link SaLifetime#OVERLAP_NS} later, queued the same way), so frames already on their way under
 * the old SAs still arrive. Pairs are always keyed at the present time, so both queues come due in
 * the order they were filled: each duty cycle looks at their heads only.
 */
final class DirectTunnels implements AutoCloseable
{
    /** How a spoke's own NBMA address and the one its packets carry past its NAT relate. */
    interface Addresses
    {
        /** @return the own address of the spoke reached at {@code wire} ({@code wire} itself without a NAT). */
        int ownOf(int wire);

        /** @return the address that reaches the spoke whose own address is {@code own}. */
        int wireOf(int own);
    }

    private static final int FIRST_SPI = 0x4000_0000;
    /** No end: the key of 0.0.0.0 with 0.0.0.0, which no SA has. */
    private static final long NO_END = 0;

    private final SimulatedIke ike;
    private final Addresses addresses;
    private final Long2ObjectHashMap<PeerSas> sas = new Long2ObjectHashMap<>();
    private final Long2LongHashMap references = new Long2LongHashMap(0);
    /** When each end's SAs were last keyed (both ends of a pair hold the same time; any clock value, 0 included). */
    private final Long2LongHashMap keyedAtNs = new Long2LongHashMap(Long.MIN_VALUE);
    /**
     * Each end's other end, as they were keyed together. Kept, not recomputed from the spokes'
     * present addresses: a spoke that moved (another NBMA or NAT address) no longer maps to the
     * key its old partner holds. An end is paired while the two point at each other.
     */
    private final Long2LongHashMap partner = new Long2LongHashMap(NO_END);
    private int nextSpi = FIRST_SPI;
    private long established;
    private long deleted;
    private long rekeys;
    /** Soft time lifetimes in due order, two longs each: when, and the pair's lower end. */
    private final LongArrayQueue rekeysDue = new LongArrayQueue(Long.MIN_VALUE);
    /** Overlap deadlines in due order, two longs each: when, and one end of the pair. */
    private final LongArrayQueue overlapsDue = new LongArrayQueue(Long.MIN_VALUE);

    DirectTunnels(final SimulatedIke ike, final Addresses addresses)
    {
        this.ike = ike;
        this.addresses = addresses;
    }

    static long key(final int localNbma, final int peerNbma)
    {
        return (long)localNbma << 32 | peerNbma & 0xFFFF_FFFFL;
    }

    /** The key a new pair's other end gets, from the spokes' present addresses. */
    private long otherEnd(final int localNbma, final int peerNbma)
    {
        return key(addresses.ownOf(peerNbma), addresses.wireOf(localNbma));
    }

    /** @return the end {@code end} is paired with, or {@link #NO_END}. */
    private long pairedWith(final long end)
    {
        final long other = partner.get(end);
        return other != NO_END && partner.get(other) == end ? other : NO_END;
    }

    /**
     * Makes sure both ends have SAs with each other (one simulated IKE exchange if not).
     *
     * @param aNbma spoke A's own address.
     * @param bNbma the address that reaches spoke B.
     */
    void establish(final int aNbma, final int bNbma, final long nowNs)
    {
        final long ab = key(aNbma, bNbma);
        final long ba = otherEnd(aNbma, bNbma);
        if (pairedWith(ab) == ba && sas.containsKey(ab) && sas.containsKey(ba))
        {
            return;
        }
        closeStale(ab);
        closeStale(ba);
        final int aSpi = nextSpi++;
        final int bSpi = nextSpi++;
        sas.put(ab, ike.pair(aNbma, (int)ba, aSpi, bNbma, bSpi));
        sas.put(ba, ike.pair((int)(ba >>> 32), bNbma, bSpi, (int)ba, aSpi));
        partner.put(ab, ba);
        partner.put(ba, ab);
        keyed(ab, ba, nowNs);
        established++;
    }

    /**
     * Rekeys the pair of {@code localNbma} and {@code peerNbma} when the outbound SA
     * {@code localNbma} is about to send under has reached its soft byte lifetime.
     */
    void rekeyIfSoftExpired(final int localNbma, final int peerNbma, final PeerSas end, final long nowNs)
    {
        if (end.outbound().isSoftExpired())
        {
            rekey(localNbma, peerNbma, nowNs);
        }
    }

    /**
     * Ends the overlaps whose deadline passed (their previous inbound SAs are closed) and rekeys
     * the pairs whose soft time lifetime has come; what is not due costs a look at a queue's head.
     *
     * @return pairs rekeyed plus overlaps ended.
     */
    int maintain(final long nowNs)
    {
        int work = 0;
        while (!overlapsDue.isEmpty() && nowNs - overlapsDue.peekLong() >= 0)
        {
            overlapsDue.pollLong();
            final long key = overlapsDue.pollLong();
            work += endOverlap(key, nowNs) + endOverlap(pairedWith(key), nowNs);
        }
        final long softNs = ike.lifetime().softNs();
        while (!rekeysDue.isEmpty() && nowNs - rekeysDue.peekLong() >= 0)
        {
            final long dueNs = rekeysDue.pollLong();
            final long key = rekeysDue.pollLong();
            // Still paired, and not keyed again since (a rekey by volume, or a new pair under the same key).
            if (pairedWith(key) != NO_END && keyedAtNs.get(key) + softNs == dueNs)
            {
                rekey((int)(key >>> 32), (int)key, nowNs);
                work++;
            }
        }
        return work;
    }

    /** Ends the overlap of the end {@code key} if its deadline passed; its previous inbound SA is closed. @return 1 if one ended. */
    private int endOverlap(final long key, final long nowNs)
    {
        final PeerSas end = key == NO_END ? null : sas.get(key);
        final SecurityAssociation ended = end == null ? null : end.expireOverlap(nowNs);
        if (ended == null)
        {
            return 0;
        }
        ended.close();
        return 1;
    }

    /**
     * Both ends of a pair keyed now: their time, and the pair's soft time lifetime queued once,
     * under its lower end's key. Pairs are keyed at the present time, so the queue stays in the
     * order the rekeys come due.
     */
    private void keyed(final long ab, final long ba, final long nowNs)
    {
        keyedAtNs.put(ab, nowNs);
        keyedAtNs.put(ba, nowNs);
        rekeysDue.addLong(nowNs + ike.lifetime().softNs());
        rekeysDue.addLong(Long.compareUnsigned(ab, ba) < 0 ? ab : ba);
    }

    /**
     * Both ends of the pair get new SAs: new inbound accepted beside the previous one until the
     * overlap's end, new outbound used at once; the outbound SAs replaced are closed (what was
     * sealed under them is already bytes on the wire).
     */
    void rekey(final int aNbma, final int bNbma, final long nowNs)
    {
        final long ab = key(aNbma, bNbma);
        final long ba = pairedWith(ab);
        final PeerSas aEnd = sas.get(ab);
        final PeerSas bEnd = ba == NO_END ? null : sas.get(ba);
        if (aEnd == null || bEnd == null)
        {
            return;
        }
        final int aSpi = nextSpi++;
        final int bSpi = nextSpi++;
        final long overlapEndNs = nowNs + SaLifetime.OVERLAP_NS;
        switchTo(aEnd, ike.pair(aNbma, (int)ba, aSpi, bNbma, bSpi), overlapEndNs);
        switchTo(bEnd, ike.pair((int)(ba >>> 32), bNbma, bSpi, (int)ba, aSpi), overlapEndNs);
        keyed(ab, ba, nowNs);
        overlapsDue.addLong(overlapEndNs);
        overlapsDue.addLong(ab);
        rekeys++;
    }

    private static void switchTo(final PeerSas end, final PeerSas fresh, final long overlapEndNs)
    {
        final SecurityAssociation endedEarly = end.acceptInbound(fresh.currentInbound(), overlapEndNs);
        if (endedEarly != null)
        {
            endedEarly.close();
        }
        end.switchOutbound(fresh.outbound()).close();
    }

    /** @return the SAs {@code localNbma} holds with {@code peerNbma}, or null. */
    PeerSas get(final int localNbma, final int peerNbma)
    {
        return sas.get(key(localNbma, peerNbma));
    }

    /** Calls {@code each} with every peer address {@code localNbma} holds SAs with, and those SAs. */
    void forEachPeer(final int localNbma, final java.util.function.BiConsumer<Integer, PeerSas> each)
    {
        sas.forEach((key, end) ->
        {
            if ((int)(key >>> 32) == localNbma)
            {
                each.accept((int)(long)key, end);
            }
        });
    }

    /** A binding at {@code localNbma} now sends to {@code peerNbma}. */
    void retain(final int localNbma, final int peerNbma)
    {
        references.put(key(localNbma, peerNbma), references.get(key(localNbma, peerNbma)) + 1);
    }

    /** A binding at {@code localNbma} to {@code peerNbma} went; the pair goes when none is left at either end. */
    void release(final int localNbma, final int peerNbma)
    {
        final long ab = key(localNbma, peerNbma);
        final long left = references.get(ab) - 1;
        if (left > 0)
        {
            references.put(ab, left);
            return;
        }
        references.remove(ab);
        final long ba = pairedWith(ab);
        if (ba != NO_END && references.get(ba) > 0)
        {
            // The other end still sends through the pair: this end keeps its half until that goes too.
            return;
        }
        if (sas.containsKey(ab) || ba != NO_END)
        {
            closeEnd(ab);
            closeEnd(ba);
            deleted++;
        }
    }

    /**
     * An end replaced by a new pair: closed, and its old partner with it when no binding sends
     * through that one any more (it would otherwise wait for a release that no binding will make).
     */
    private void closeStale(final long key)
    {
        final long other = pairedWith(key);
        closeEnd(key);
        if (other != NO_END && references.get(other) == 0)
        {
            closeEnd(other);
        }
    }

    private void closeEnd(final long key)
    {
        if (key == NO_END)
        {
            return;
        }
        final PeerSas end = sas.remove(key);
        keyedAtNs.remove(key);
        partner.remove(key);
        if (end != null)
        {
            closeAll(end);
        }
    }

    private static void closeAll(final PeerSas end)
    {
        end.outbound().close();
        end.currentInbound().close();
        if (end.previousInbound() != null)
        {
            end.previousInbound().close();
        }
    }

    /** @return SA pairs (one per end) alive. */
    int ends()
    {
        return sas.size();
    }

    long established()
    {
        return established;
    }

    long deleted()
    {
        return deleted;
    }

    /** @return pairs rekeyed (both ends at once). */
    long rekeys()
    {
        return rekeys;
    }

    @Override
    public void close()
    {
        sas.values().forEach(DirectTunnels::closeAll);
        sas.clear();
        references.clear();
        keyedAtNs.clear();
        partner.clear();
        rekeysDue.clear();
        overlapsDue.clear();
    }
}
