package net.dmvpnhub.dataplane.fib;

import net.dmvpnhub.wire.Ipv4Address;

/**
 * What a route resolves to.
 *
 * @param kind how the packet leaves.
 * @param nextHop for {@link Kind#TUNNEL}: the next hop's tunnel (protocol) address, which the
 * peer table maps to an NBMA address; 0 otherwise.
 */
public record Adjacency(Kind kind, int nextHop)
{
    /** How a packet matching a route leaves the hub. */
    public enum Kind
    {
        /** Out the mGRE tunnel to the next hop's tunnel address. */
        TUNNEL,
        /** Out the tunnel to the destination itself (a connected tunnel subnet). */
        ATTACHED,
        /** Delivered to the hub itself. */
        LOCAL,
        /** Dropped on purpose (Null0, a summary's discard route). */
        DISCARD
    }

    public static Adjacency tunnel(final int nextHop)
    {
        return new Adjacency(Kind.TUNNEL, nextHop);
    }

    public static final Adjacency ATTACHED = new Adjacency(Kind.ATTACHED, 0);
    public static final Adjacency LOCAL = new Adjacency(Kind.LOCAL, 0);
    public static final Adjacency DISCARD = new Adjacency(Kind.DISCARD, 0);

    @Override
    public String toString()
    {
        return switch (kind)
        {
            case TUNNEL -> "via " + Ipv4Address.toString(nextHop);
            case ATTACHED -> "directly connected";
            case LOCAL -> "local";
            case DISCARD -> "Null0";
        };
    }
}
