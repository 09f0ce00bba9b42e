package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.nhrp.SimulatedIke;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The IPsec SAs between spokes (the spoke-to-spoke tunnels of Phases 2 and 3), both ends held
 * here because both spokes live in this process: what an IKE exchange between them would have
 * settled is derived for both at once ({@link SimulatedIke}), keyed by (local NBMA, peer NBMA)
 * since SAs belong to addresses, not to spokes.
 * <p>
 * Each end counts the cache bindings that send through it; a pair is deleted (both ends, as an
 * IKE Delete would) when neither end has one left. An end whose peer moved to another NBMA
 * address keeps its half until its own bindings go (expiry or purge).
 */
final class DirectTunnels implements AutoCloseable
{
    private static final int FIRST_SPI = 0x4000_0000;

    private final SimulatedIke ike;
    private final Long2ObjectHashMap<PeerSas> sas = new Long2ObjectHashMap<>();
    private final Long2LongHashMap references = new Long2LongHashMap(0);
    private int nextSpi = FIRST_SPI;
    private long established;
    private long deleted;

    DirectTunnels(final SimulatedIke ike)
    {
        this.ike = ike;
    }

    static long key(final int localNbma, final int peerNbma)
    {
        return (long)localNbma << 32 | peerNbma & 0xFFFF_FFFFL;
    }

    /**
     * Makes sure both ends have SAs with each other (one simulated IKE exchange if not).
     */
    void establish(final int aNbma, final int bNbma)
    {
        final long ab = key(aNbma, bNbma);
        final long ba = key(bNbma, aNbma);
        if (sas.containsKey(ab) && sas.containsKey(ba))
        {
            return;
        }
        closeEnd(ab);
        closeEnd(ba);
        final int aSpi = nextSpi++;
        final int bSpi = nextSpi++;
        sas.put(ab, ike.pair(aNbma, aSpi, bNbma, bSpi));
        sas.put(ba, ike.pair(bNbma, bSpi, aNbma, aSpi));
        established++;
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
        final long ba = key(peerNbma, localNbma);
        final long left = references.get(ab) - 1;
        if (left > 0)
        {
            references.put(ab, left);
            return;
        }
        references.remove(ab);
        if (references.get(ba) == 0 && (sas.containsKey(ab) || sas.containsKey(ba)))
        {
            closeEnd(ab);
            closeEnd(ba);
            deleted++;
        }
    }

    private void closeEnd(final long key)
    {
        final PeerSas end = sas.remove(key);
        if (end != null)
        {
            end.outbound().close();
            end.currentInbound().close();
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

    @Override
    public void close()
    {
        sas.values().forEach(end ->
        {
            end.outbound().close();
            end.currentInbound().close();
        });
        sas.clear();
        references.clear();
    }
}
