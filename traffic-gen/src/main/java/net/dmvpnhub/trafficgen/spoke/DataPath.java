package net.dmvpnhub.trafficgen.spoke;

/**
 * Which way a data packet from a host behind a spoke went, as its routing table decided.
 */
public enum DataPath
{
    /** Through the hub (its summary or default route, or a next hop not yet resolved). */
    HUB,
    /** Straight to the other spoke over an NHRP shortcut or binding. */
    DIRECT,
    /** The destination is on the spoke's own LAN: nothing entered the tunnel. */
    LOCAL,
    /** Not sent: counted under a {@link SpokeDrop} reason. */
    DROPPED
}
