package net.dmvpnhub.trafficgen.spoke;

/**
 * Why something the spokes sent or received went no further, named as VPP names its drops.
 * <p>
 * {@link Stage#SEND}: a frame that never left (counted instead of the frame). {@link Stage#RECEIVE}:
 * a received frame that was neither delivered as data nor handled as an NHRP message, so that
 * frames received = data delivered + NHRP messages handled + receive drops. {@link Stage#MESSAGE}:
 * an NHRP message that was handled (counted by type) but changed nothing.
 */
public enum SpokeDrop
{
    HUB_SLAB_EXHAUSTED(Stage.SEND, "no free slot in the hub's frame slab"),
    HUB_RING_FULL(Stage.SEND, "the hub's receive ring for this NBMA address was full"),
    UNDERLAY_SLAB_EXHAUSTED(Stage.SEND, "no free slot in the spoke-to-spoke underlay"),
    IKE_RING_FULL(Stage.SEND, "the NHS's IKE request ring was full (the exchange is retried)"),
    NO_HUB_SA(Stage.SEND, "no IPsec SA with the hub yet (IKE not done)"),
    ENCRYPT_FAILED(Stage.SEND, "ESP refused to encrypt (SA expired, no room)"),
    SPOKE_NOT_UP(Stage.SEND, "the sending spoke is down"),
    NO_ROUTE(Stage.SEND, "no route to the destination in the spoke's table"),

    DECODE_FAILED(Stage.RECEIVE, "the frame failed a header check (see the decode counters)"),
    PLAINTEXT(Stage.RECEIVE, "GRE without ESP: spokes require IPsec"),
    NO_SPOKE_AT_NBMA(Stage.RECEIVE, "no spoke holds the destination NBMA address (moved or unknown)"),
    SPOKE_DOWN(Stage.RECEIVE, "the receiving spoke is down"),
    NO_SA_FOR_SENDER(Stage.RECEIVE, "no IPsec SA with the sender's NBMA address"),
    UNKNOWN_SPI(Stage.RECEIVE, "the SA with the sender does not accept this SPI"),
    ESP_REJECTED(Stage.RECEIVE, "ESP rejected the packet (see the ESP counters)"),
    GRE_KEY_MISMATCH(Stage.RECEIVE, "GRE key differs from the tunnel key"),
    AUTHENTICATION_MISMATCH(Stage.RECEIVE, "NHRP authentication extension missing or wrong"),
    DATA_NOT_FOR_SPOKE(Stage.RECEIVE, "data packet for an address not behind the receiving spoke"),
    TTL_EXPIRED(Stage.RECEIVE, "a packet for a host on the spoke's LAN arrived with TTL 0 or 1 (Time Exceeded sent back)"),

    STALE_REPLY(Stage.MESSAGE, "a reply to no outstanding request (late, or already timed out)"),
    MALFORMED_REPLY(Stage.MESSAGE, "a reply without the CIE or client addresses it needs"),
    REPLY_NOT_FROM_CLIENT(Stage.MESSAGE, "a direct Resolution Reply from another NBMA address than its CIE names"),
    RESOLUTION_NOT_OURS(Stage.MESSAGE, "a forwarded Resolution Request for an address not behind this spoke"),
    UNEXPECTED_MESSAGE(Stage.MESSAGE, "an NHRP type or sender a spoke does not expect"),
    INDICATION_IGNORED(Stage.MESSAGE, "a Traffic Indication a Phase 1 or 2 spoke does not act on"),
    INDICATION_REDUNDANT(Stage.MESSAGE, "a Traffic Indication for a target already resolved or being resolved"),
    PURGE_NOTHING(Stage.MESSAGE, "a Purge Request naming nothing in the cache"),
    STALE_IKE_REPLY(Stage.MESSAGE, "an IKE answer for an NBMA address no spoke waits on");

    /** Where in the spokes' processing a drop happens. */
    public enum Stage
    {
        SEND, RECEIVE, MESSAGE
    }

    private final Stage stage;
    private final String description;

    SpokeDrop(final Stage stage, final String description)
    {
        this.stage = stage;
        this.description = description;
    }

    public Stage stage()
    {
        return stage;
    }

    public String description()
    {
        return description;
    }
}
