package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.dataplane.HubTables;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.IntArrayQueue;

import java.util.ArrayDeque;

/**
 * The NHS's side of the per-peer SA registry in {@link HubTables}: which SA id each peer's NBMA
 * address has, the ids free for reuse, and the SAs the dataplane may still be reading. An SA pair
 * replaced by a rekey or withdrawn with its peer is retired, not closed: it is closed (and its id
 * freed) only once every dataplane reader has passed a quiescent point after the change, so a
 * worker never encrypts or decrypts with a closed SA. Owned by the NHS thread.
 */
final class PeerSaRegistry
{
    private record Retired(long ticket, int saId, PeerSas sas)
    {
    }

    private final HubTables tables;
    private final Int2IntHashMap saByNbma = new Int2IntHashMap(0);
    private final IntArrayQueue freeSaIds = new IntArrayQueue();
    private final ArrayDeque<Retired> retired = new ArrayDeque<>();
    private int nextSaId = 1;

    PeerSaRegistry(final HubTables tables)
    {
        this.tables = tables;
    }

    /** @return the SA id of the peer at {@code nbma}, or 0 when it has none. */
    int saIdOf(final int nbma)
    {
        return saByNbma.get(nbma);
    }

    /**
     * @return the peer's SA id, a new one when it has none, or 0 when every id is taken.
     */
    int assign(final int nbma)
    {
        int saId = saByNbma.get(nbma);
        if (saId == 0)
        {
            saId = freeSaIds.isEmpty() ? nextSaId < tables.saCapacity() ? nextSaId++ : 0 : freeSaIds.pollInt();
            if (saId != 0)
            {
                saByNbma.put(nbma, saId);
            }
        }
        return saId;
    }

    /**
     * Publishes a peer's SAs under its id; the pair they replace (a rekey) is retired. The pair
     * already published there (SAs put in the tables before the NHS was told of them) stays as it is.
     */
    void install(final int saId, final PeerSas sas)
    {
        if (tables.peerSas(saId) == sas)
        {
            return;
        }
        final PeerSas old = tables.removePeerSas(saId);
        if (old != null)
        {
            retired.add(new Retired(tables.readers().retire(), 0, old));
        }
        tables.peerSas(saId, sas);
    }

    /** Withdraws the SAs of the peer at {@code nbma}, if it has any: retired, and its id with them. */
    void release(final int nbma)
    {
        final int saId = saByNbma.remove(nbma);
        if (saId != 0)
        {
            retired.add(new Retired(tables.readers().retire(), saId, tables.removePeerSas(saId)));
        }
    }

    /**
     * Closes the retired SAs no dataplane reader can still hold, oldest first, and frees their ids.
     *
     * @return SA pairs reclaimed.
     */
    int reclaim()
    {
        int work = 0;
        while (!retired.isEmpty() && tables.readers().isSafe(retired.peekFirst().ticket()))
        {
            final Retired r = retired.pollFirst();
            if (r.sas() != null)
            {
                r.sas().outbound().close();
                r.sas().currentInbound().close();
                if (r.sas().previousInbound() != null)
                {
                    r.sas().previousInbound().close();
                }
            }
            if (r.saId() != 0)
            {
                freeSaIds.addInt(r.saId());
            }
            work++;
        }
        return work;
    }
}
