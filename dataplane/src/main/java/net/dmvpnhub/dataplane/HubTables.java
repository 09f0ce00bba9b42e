package net.dmvpnhub.dataplane;

import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.fib.RoutingTable;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.dataplane.table.SpiTable;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Everything the dataplane reads and the control plane writes: routes, NHRP bindings (TEIB),
 * inbound SAs by SPI and each peer's SAs by id, plus the reader quiescence the tables' memory
 * reuse waits for. One writer (the control plane); the workers only read.
 * <p>
 * Each id's outbound SA is also kept in a flat array of its own, the one the workers read per
 * packet: one load from an array indexed by the id the peer entry carries, instead of a load of
 * the {@link PeerSas} object and then of its field, which at 10,000 peers is one cache miss less
 * per frame. The writer keeps the two in step ({@link #peerSas(int, PeerSas)},
 * {@link #switchOutbound}, {@link #removePeerSas}).
 */
public final class HubTables
{
    private final RoutingTable routes;
    private final PeerTable peers;
    private final SpiTable spis;
    private final AtomicReferenceArray<PeerSas> peerSas;
    private final AtomicReferenceArray<SecurityAssociation> outbound;
    private final ReaderEpochs readers;
    /** The tunnel's multicast peers, packed by {@link #multicastPeer}; replaced whole, never changed in place. */
    private volatile long[] multicastPeers = new long[0];

    /**
     * @param expectedPeers sizes the peer, SPI and SA tables.
     * @param maxWorkers dataplane threads that will read.
     */
    public HubTables(final int expectedPeers, final int maxWorkers)
    {
        this.readers = new ReaderEpochs(maxWorkers);
        this.routes = new RoutingTable(256, 1 << 20, readers);
        this.peers = new PeerTable(expectedPeers);
        this.spis = new SpiTable(expectedPeers * 2);
        this.peerSas = new AtomicReferenceArray<>(expectedPeers + 1);
        this.outbound = new AtomicReferenceArray<>(expectedPeers + 1);
    }

    public RoutingTable routes()
    {
        return routes;
    }

    public PeerTable peers()
    {
        return peers;
    }

    public SpiTable spis()
    {
        return spis;
    }

    public ReaderEpochs readers()
    {
        return readers;
    }

    /**
     * Writer: registers a peer's SAs under an id (0 is never used) and its inbound SA's SPI.
     */
    public void peerSas(final int saId, final PeerSas sas)
    {
        if (saId <= 0 || saId >= peerSas.length())
        {
            throw new IllegalArgumentException("SA id " + saId + " outside 1.." + (peerSas.length() - 1));
        }
        spis.put(sas.currentInbound());
        outbound.set(saId, sas.outbound());
        peerSas.set(saId, sas);
    }

    /**
     * Writer: the second step of a rekey ({@link PeerSas#switchOutbound}) for the SAs registered
     * under {@code saId}, published to the workers' outbound array too.
     *
     * @return the outbound SA replaced, for its owner to close once no worker can hold it.
     */
    public SecurityAssociation switchOutbound(final int saId, final SecurityAssociation newOutbound)
    {
        final PeerSas sas = peerSas(saId);
        if (sas == null)
        {
            throw new IllegalStateException("no SAs under id " + saId);
        }
        final SecurityAssociation old = sas.switchOutbound(newOutbound);
        outbound.set(saId, newOutbound);
        return old;
    }

    /**
     * Writer: withdraws a peer's SAs and its inbound SPIs (current and previous). Workers may still
     * hold them until every reader has passed a quiescent point ({@link #readers()}); only then
     * may the caller close them or reuse the id.
     *
     * @return the SAs that were registered, or null.
     */
    public PeerSas removePeerSas(final int saId)
    {
        final PeerSas sas = peerSas(saId);
        if (sas != null)
        {
            peerSas.set(saId, null);
            outbound.set(saId, null);
            spis.remove(sas.currentInbound().spi());
            if (sas.previousInbound() != null)
            {
                spis.remove(sas.previousInbound().spi());
            }
        }
        return sas;
    }

    /**
     * @return the SAs registered under {@code saId}, or null.
     */
    public PeerSas peerSas(final int saId)
    {
        return saId <= 0 || saId >= peerSas.length() ? null : peerSas.get(saId);
    }

    /**
     * Workers: the SA to encrypt with for the peer whose SAs are under {@code saId}, or null when
     * none are (a peer without tunnel protection, or one withdrawn).
     */
    public SecurityAssociation outboundSa(final int saId)
    {
        return saId <= 0 || saId >= outbound.length() ? null : outbound.get(saId);
    }

    /**
     * @return how many SA ids the registry holds.
     */
    public int saCapacity()
    {
        return peerSas.length();
    }

    /**
     * One multicast peer as {@link #multicastPeers(long[])} takes it: the SA id its copies are
     * encrypted under (0: none) and its NBMA address.
     */
    public static long multicastPeer(final int saId, final int nbma)
    {
        return (long)saId << 32 | nbma & 0xFFFF_FFFFL;
    }

    /**
     * Writer: publishes the tunnel's multicast list, the peers a packet to a multicast group
     * leaves towards ({@code ip nhrp map multicast}), each {@link #multicastPeer packed}. A
     * replication already under way finishes over the list it began with.
     */
    public void multicastPeers(final long[] peers)
    {
        this.multicastPeers = peers.clone();
    }

    /** @return how many peers the published multicast list holds. */
    public int multicastPeerCount()
    {
        return multicastPeers.length;
    }

    /** Workers: the published multicast list itself, which no one changes once published. */
    long[] multicastList()
    {
        return multicastPeers;
    }
}
