package net.dmvpnhub.nhrp.hub;

import org.agrona.collections.IntHashSet;

/**
 * One entry of the hub's NHRP cache ({@code show ip nhrp}): a tunnel (protocol) address or prefix
 * bound to an NBMA address. Owned by the NHS thread; others get copies ({@link NhrpBinding}).
 */
final class CacheEntry
{
    /** How the entry came to be. */
    enum Kind
    {
        STATIC, DYNAMIC
    }

    final int tunnel;
    final Kind kind;
    int prefixLength;
    int nbma;
    /** The NBMA address the spoke claimed in its packet, when a NAT in between changed it. */
    int claimedNbma;
    int saId;
    boolean unique;
    int holdingTimeS;
    long createdNs;
    long expiresNs;
    long timerId = -1;
    long requestId;
    long lastUsedNs = Long.MIN_VALUE;
    /** Tunnel addresses the hub answered a resolution for this entry to: purged when it changes. */
    IntHashSet resolvers;

    CacheEntry(final int tunnel, final Kind kind)
    {
        this.tunnel = tunnel;
        this.kind = kind;
    }

    NhrpBinding snapshot()
    {
        return new NhrpBinding(tunnel, prefixLength, nbma, claimedNbma, kind == Kind.STATIC, unique, holdingTimeS, createdNs, expiresNs,
            saId, lastUsedNs);
    }
}
