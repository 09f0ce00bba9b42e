package net.dmvpnhub.dataplane;

import net.dmvpnhub.crypto.SecurityAssociation;

import java.util.Arrays;

/**
 * What {@link HubWorker}'s stages know about each frame of the batch in flight, in parallel arrays
 * indexed by the frame's position in the vector (VPP's vector of buffer indices plus the opaque
 * data its nodes pass on). A stage reads position {@code i} and, for a frame that goes on, writes
 * position {@code alive <= i} ({@link #keep}), so the vector stays compact and in arrival order.
 * Owned by one worker; allocated once.
 */
final class FrameVector
{
    final int[] slot;
    /** Outer source address: the NBMA address the frame came from. */
    final int[] ingressNbma;
    final int[] outerDestination;
    /** ESP (true) or plain GRE; for ESP, the received packet and its SPI. */
    final boolean[] encrypted;
    final int[] spi;
    final int[] espOffset;
    final int[] espLength;
    /** The inbound SA (null: plain GRE) up to the decryption, then the outbound SA (null: no tunnel protection). */
    final SecurityAssociation[] sa;
    /** The inner IPv4 packet, its TTL already decremented. */
    final int[] innerOffset;
    final int[] innerLength;
    final int[] source;
    final int[] destination;
    /** Tunnel (protocol) address of the next hop, from the route. */
    final int[] nextHop;
    /** The next hop's binding: outbound SA id and NBMA address. */
    final int[] peerSaId;
    final int[] peerNbma;

    FrameVector(final int capacity)
    {
        slot = new int[capacity];
        ingressNbma = new int[capacity];
        outerDestination = new int[capacity];
        encrypted = new boolean[capacity];
        spi = new int[capacity];
        espOffset = new int[capacity];
        espLength = new int[capacity];
        sa = new SecurityAssociation[capacity];
        innerOffset = new int[capacity];
        innerLength = new int[capacity];
        source = new int[capacity];
        destination = new int[capacity];
        nextHop = new int[capacity];
        peerSaId = new int[capacity];
        peerNbma = new int[capacity];
    }

    /** Moves what is known of the frame at {@code from} to {@code to} (at or before it). */
    void keep(final int from, final int to)
    {
        if (from != to)
        {
            slot[to] = slot[from];
            ingressNbma[to] = ingressNbma[from];
            outerDestination[to] = outerDestination[from];
            encrypted[to] = encrypted[from];
            spi[to] = spi[from];
            espOffset[to] = espOffset[from];
            espLength[to] = espLength[from];
            sa[to] = sa[from];
            innerOffset[to] = innerOffset[from];
            innerLength[to] = innerLength[from];
            source[to] = source[from];
            destination[to] = destination[from];
            nextHop[to] = nextHop[from];
            peerSaId[to] = peerSaId[from];
            peerNbma[to] = peerNbma[from];
        }
    }

    /**
     * Forgets the SAs of the last batch: after the worker's quiescent point the control plane may
     * close them, and the vector must not keep them reachable.
     */
    void clear(final int count)
    {
        Arrays.fill(sa, 0, count, null);
    }
}
