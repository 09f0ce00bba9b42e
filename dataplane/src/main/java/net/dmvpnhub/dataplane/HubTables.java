package net.dmvpnhub.dataplane;

import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.dataplane.fib.RoutingTable;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.dataplane.table.SpiTable;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Everything the dataplane reads and the control plane writes: routes, NHRP bindings (TEIB),
 * inbound SAs by SPI and each peer's SAs by id, plus the reader quiescence the tables' memory
 * reuse waits for. One writer (the control plane); the workers only read.
 */
public final class HubTables
{
    private final RoutingTable routes;
    private final PeerTable peers;
    private final SpiTable spis;
    private final AtomicReferenceArray<PeerSas> peerSas;
    private final ReaderEpochs readers;

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
        peerSas.set(saId, sas);
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
     * @return how many SA ids the registry holds.
     */
    public int saCapacity()
    {
        return peerSas.length();
    }
}
