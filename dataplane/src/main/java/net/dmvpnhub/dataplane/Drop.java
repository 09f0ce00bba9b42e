package net.dmvpnhub.dataplane;

/**
 * Reasons the dataplane itself drops a frame, beyond a malformed frame ({@link
 * net.dmvpnhub.wire.DecodeStatus}) or a failed ESP check ({@link net.dmvpnhub.crypto.EspStatus}).
 * {@link DropReasons} gives all three one index space for counters.
 */
public enum Drop
{
    PLAINTEXT_REFUSED("GRE without ESP while the tunnel requires IPsec"),
    UNKNOWN_SPI("no inbound SA has this SPI"),
    GRE_KEY_MISMATCH("GRE key differs from the tunnel key"),
    TTL_EXPIRED("inner TTL 0 or 1"),
    NO_ROUTE("no route to the inner destination"),
    DISCARD_ROUTE("route to Null0"),
    NO_NHRP_BINDING("next hop has no NHRP binding: resolution requested"),
    NHRP_INCOMPLETE("next hop's NHRP resolution is pending"),
    NHRP_NEGATIVE("next hop's NHRP resolution failed"),
    NO_OUTBOUND_SA("the peer has no outbound SA and the tunnel requires IPsec"),
    PUNT_RING_FULL("control-plane punt ring full"),
    TX_RING_FULL("transmit ring full"),
    HANDOFF_RING_FULL("ring to the worker that owns the peer's outbound SA full"),
    ICMP_TO_SELF("an ICMP message the hub generated is addressed to the hub itself"),
    MULTICAST_NO_SLOT("no free frame slot for a copy of a multicast packet to one multicast peer"),
    MULTICAST_PEER_GONE("a multicast peer left while its copy waited, and its SA id now belongs to another peer"),
    MULTICAST_NOT_FORWARDED("a packet from the tunnel to a multicast group beyond 224.0.0.0/24: the hub routes no multicast"),
    RESERVED_DESTINATION("a packet to 240.0.0.0/4 (reserved, RFC 1112's class E), which no router forwards");

    private final String description;

    Drop(final String description)
    {
        this.description = description;
    }

    public String description()
    {
        return description;
    }
}
