package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.HubTables;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.IntArrayList;
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
    /** What waits for the readers: a peer's whole SA pair (with its id when the peer is gone), or one SA a rekey replaced. */
    private record Retired(long ticket, int saId, PeerSas sas, SecurityAssociation single)
    {
    }

    /** A rekey's overlap: until {@code deadlineNs} the peer's previous inbound SA is still accepted. */
    private record Overlap(long deadlineNs, int saId, PeerSas sas, SecurityAssociation previous)
    {
    }

    private final HubTables tables;
    private final Int2IntHashMap saByNbma = new Int2IntHashMap(0);
    private final Int2IntHashMap nbmaBySaId = new Int2IntHashMap(0);
    /** By SA id: when its SAs were keyed by IKE, or {@link #NEVER} (keyed by hand, or already ended). */
    private final long[] keyedAtNs;
    private final IntArrayQueue freeSaIds = new IntArrayQueue();
    private final ArrayDeque<Retired> retired = new ArrayDeque<>();
    /** In deadline order: every overlap is as long. */
    private final ArrayDeque<Overlap> overlaps = new ArrayDeque<>();
    private long rekeys;
    /** {@link #endLifetimes}'s scratch: the SA ids due, kept so that the sweep makes no garbage. */
    private final IntArrayList due = new IntArrayList();
    private int nextSaId = 1;

    /** {@link #keyedAtNs} of SAs no time lifetime ends. */
    private static final long NEVER = Long.MIN_VALUE;

    private long generation;

    PeerSaRegistry(final HubTables tables)
    {
        this.tables = tables;
        this.keyedAtNs = new long[tables.saCapacity()];
        java.util.Arrays.fill(keyedAtNs, NEVER);
    }

    /**
     * @return a count that changes whenever an NBMA address gets an SA id or loses one, so that
     * what was derived from {@link #saIdOf} (the multicast list) can tell it is out of date.
     */
    long generation()
    {
        return generation;
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
                nbmaBySaId.put(saId, nbma);
                generation++;
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
            retired.add(new Retired(tables.readers().retire(), 0, old, null));
        }
        tables.peerSas(saId, sas);
    }

    /**
     * A rekey of the peer's SAs under {@code saId} without a lost packet (when it has SAs;
     * otherwise {@link #install}): the new inbound SA is accepted at once beside the old one, which
     * stays until {@code overlapDeadlineNs} ({@link #endOverlaps}); outbound packets use the new SA
     * at once, since the initiator accepts it before it asks; the old outbound SA is closed once no
     * worker can hold it.
     */
    void rekey(final int saId, final PeerSas fresh, final long nowNs, final long overlapDeadlineNs)
    {
        keyedAtNs[saId] = nowNs;
        final PeerSas sas = tables.peerSas(saId);
        if (sas == null)
        {
            install(saId, fresh);
            return;
        }
        final SecurityAssociation newInbound = fresh.currentInbound();
        tables.spis().put(newInbound);
        final SecurityAssociation endedEarly = sas.acceptInbound(newInbound, overlapDeadlineNs);
        if (endedEarly != null)
        {
            // A rekey within the last one's overlap: that overlap's previous SA goes now.
            withdraw(endedEarly);
        }
        // Unpublished first, then the epoch taken: a worker that passes a quiescent point after it cannot still hold the old SA.
        final SecurityAssociation oldOutbound = tables.switchOutbound(saId, fresh.outbound());
        retired.add(new Retired(tables.readers().retire(), 0, null, oldOutbound));
        overlaps.add(new Overlap(overlapDeadlineNs, saId, sas, sas.previousInbound()));
        rekeys++;
    }

    /**
     * Ends the overlaps whose deadline passed: the previous inbound SA leaves the SPI table, is
     * marked expired and is closed once no worker can hold it.
     *
     * @return overlaps ended.
     */
    int endOverlaps(final long nowNs)
    {
        int work = 0;
        while (!overlaps.isEmpty() && nowNs - overlaps.peekFirst().deadlineNs() >= 0)
        {
            final Overlap o = overlaps.pollFirst();
            if (tables.peerSas(o.saId()) == o.sas() && o.sas().previousInbound() == o.previous())
            {
                o.sas().expireOverlap(nowNs);
                withdraw(o.previous());
            }
            work++;
        }
        return work;
    }

    private void withdraw(final SecurityAssociation inbound)
    {
        if (tables.spis().find(inbound.spi()) == inbound)
        {
            tables.spis().remove(inbound.spi());
        }
        inbound.expire();
        retired.add(new Retired(tables.readers().retire(), 0, null, inbound));
    }

    /**
     * The time lifetime, enforced here too rather than trusted to the peers: SAs keyed by IKE at
     * least {@code hardNs} ago and not rekeyed since end. Those of an address no cache entry uses
     * (a spoke that moved on before it registered there, one that went away) are withdrawn with
     * their id; those still in use are marked expired, so their packets are dropped by name
     * ({@code esp-lifetime-expired}) until the peer keys new ones, and their id stays with the
     * entry that points at it until that entry goes too (a later call withdraws them then).
     *
     * @param inUse whether a cache entry uses an NBMA address.
     * @return SA pairs ended or withdrawn.
     */
    int endLifetimes(final long nowNs, final long hardNs, final java.util.function.IntPredicate inUse)
    {
        final IntArrayList due = this.due;
        due.clear();
        nbmaBySaId.forEachInt((saId, nbma) ->
        {
            if (keyedAtNs[saId] != NEVER && nowNs - keyedAtNs[saId] >= hardNs)
            {
                due.addInt(saId);
            }
        });
        int work = 0;
        for (int i = 0; i < due.size(); i++)
        {
            final int saId = due.getInt(i);
            final int nbma = nbmaBySaId.get(saId);
            if (!inUse.test(nbma))
            {
                release(nbma);
                work++;
                continue;
            }
            final PeerSas sas = tables.peerSas(saId);
            if (sas != null && !sas.outbound().isHardExpired())
            {
                sas.outbound().expire();
                sas.currentInbound().expire();
                work++;
            }
        }
        return work;
    }

    /** @return rekeys done without loss (an SA pair replaced in place). */
    long rekeys()
    {
        return rekeys;
    }

    /** Withdraws the SAs of the peer at {@code nbma}, if it has any: retired, and its id with them. */
    void release(final int nbma)
    {
        final int saId = saByNbma.remove(nbma);
        if (saId != 0)
        {
            generation++;
            nbmaBySaId.remove(saId);
            keyedAtNs[saId] = NEVER;
            final PeerSas withdrawn = tables.removePeerSas(saId);
            retired.add(new Retired(tables.readers().retire(), saId, withdrawn, null));
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
            if (r.single() != null)
            {
                r.single().close();
            }
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
