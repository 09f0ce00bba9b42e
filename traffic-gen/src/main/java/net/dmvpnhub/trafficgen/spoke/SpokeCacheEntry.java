package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.wire.Ipv4Address;

/**
 * A copy of one entry of a spoke's NHRP cache, for show commands and tests.
 *
 * @param nextHop the next hop's tunnel address (a binding's own address).
 * @param nbma a binding's NBMA address; 0 for routes and pending resolutions.
 * @param used a data packet took the entry since it was installed or last renewed.
 * @param requester a binding learned from a Resolution Request this spoke answered.
 */
public record SpokeCacheEntry(Kind kind, int prefix, int length, int nextHop, int nbma, long expiresNs, boolean used, boolean requester)
{
    /** What the entry is. */
    public enum Kind
    {
        /** A next hop's tunnel address bound to its NBMA address ({@code show ip nhrp}). */
        BINDING,
        /** A shortcut route via a next hop (IOS route source H, distance 250). */
        ROUTE,
        /** A resolution sent, not answered yet. */
        PENDING
    }

    @Override
    public String toString()
    {
        final String network = Ipv4Address.toString(prefix) + "/" + length;
        return switch (kind)
        {
            case BINDING -> network + " NBMA " + Ipv4Address.toString(nbma) + (requester ? " (requester)" : "") + (used ? " used" : "");
            case ROUTE -> "H " + network + " via " + Ipv4Address.toString(nextHop) + (used ? " used" : "");
            case PENDING -> network + " incomplete";
        };
    }
}
