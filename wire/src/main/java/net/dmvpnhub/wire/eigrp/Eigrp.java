package net.dmvpnhub.wire.eigrp;

/**
 * Constants of EIGRP (RFC 7868) as this project speaks it: the IPv4 address family with classic
 * metrics, the packet types a hub with stub spokes needs, and the TLVs they carry. Values are the
 * RFC's and those of Wireshark's dissector where the RFC leaves them to Cisco's implementation (the
 * stub flags).
 */
public final class Eigrp
{
    /** IP protocol number of EIGRP. */
    public static final int IP_PROTOCOL = 88;
    /** All EIGRP routers: 224.0.0.10, a link-local group (hellos and multicast updates go there). */
    public static final int ALL_ROUTERS = 0xE000_000A;
    /** The IP precedence EIGRP sends with: internetwork control (CS6). */
    public static final int TOS = 0xC0;
    public static final int VERSION = 2;

    public static final int OPCODE_UPDATE = 1;
    public static final int OPCODE_REQUEST = 2;
    public static final int OPCODE_QUERY = 3;
    public static final int OPCODE_REPLY = 4;
    /** A Hello; with a non-zero acknowledgement number and no TLVs, an acknowledgement. */
    public static final int OPCODE_HELLO = 5;
    public static final int OPCODE_SIA_QUERY = 10;
    public static final int OPCODE_SIA_REPLY = 11;

    /** The first packet to a new neighbour: its Update carries this flag (and no routes). */
    public static final int FLAG_INIT = 0x01;
    /** Conditional receive: only neighbours not named in the preceding Sequence TLV accept it. */
    public static final int FLAG_CR = 0x02;
    public static final int FLAG_RESTART = 0x04;
    /** End of table: the last Update of a neighbour's initial exchange. */
    public static final int FLAG_EOT = 0x08;

    public static final int TLV_PARAMETER = 0x0001;
    public static final int TLV_AUTHENTICATION = 0x0002;
    public static final int TLV_SEQUENCE = 0x0003;
    public static final int TLV_SOFTWARE_VERSION = 0x0004;
    public static final int TLV_NEXT_MULTICAST_SEQUENCE = 0x0005;
    public static final int TLV_STUB = 0x0006;
    public static final int TLV_PEER_TERMINATION = 0x0007;
    public static final int TLV_IPV4_INTERNAL = 0x0102;
    public static final int TLV_IPV4_EXTERNAL = 0x0103;

    /** {@code eigrp stub} flags (the Peer Stub TLV): a bare {@code eigrp stub} is connected and summary. */
    public static final int STUB_CONNECTED = 0x0001;
    public static final int STUB_STATIC = 0x0002;
    public static final int STUB_SUMMARY = 0x0004;
    public static final int STUB_REDISTRIBUTED = 0x0008;
    public static final int STUB_LEAK_MAP = 0x0010;
    public static final int STUB_RECEIVE_ONLY = 0x0020;

    /** Route TLV flags. */
    public static final int ROUTE_FLAG_SOURCE_WITHDRAW = 0x01;
    public static final int ROUTE_FLAG_CANDIDATE_DEFAULT = 0x02;
    public static final int ROUTE_FLAG_ACTIVE = 0x04;

    /** A route's scaled delay that means unreachable (a withdrawal, a query for a lost route). */
    public static final long DELAY_UNREACHABLE = 0xFFFF_FFFFL;
    /** The default K values: K1 (bandwidth) and K3 (delay) 1, the others 0. */
    public static final int DEFAULT_K1 = 1;
    public static final int DEFAULT_K3 = 1;
    /** {@code ip hello-interval eigrp} and {@code ip hold-time eigrp} defaults, seconds. */
    public static final int DEFAULT_HELLO_S = 5;
    public static final int DEFAULT_HOLD_S = 15;
    /** Administrative distance of internal EIGRP routes ({@code D} in {@code show ip route}) and of the summary's Null0 route. */
    public static final int DISTANCE_INTERNAL = 90;
    public static final int DISTANCE_SUMMARY = 5;

    private Eigrp()
    {
    }

    /** Classic metric: the scaled delay of {@code microseconds} of delay (256 per 10 us). */
    public static long scaledDelay(final long microseconds)
    {
        return Math.min(DELAY_UNREACHABLE - 1, microseconds / 10 * 256);
    }

    /** Classic metric: the scaled bandwidth of a path whose slowest link has {@code kbps} kbit/s (256 x 10^7 / kbps). */
    public static long scaledBandwidth(final long kbps)
    {
        if (kbps <= 0)
        {
            throw new IllegalArgumentException("bandwidth must be at least 1 kbit/s, not " + kbps);
        }
        return 10_000_000L / kbps * 256;
    }

    /**
     * Classic composite metric with the default K values: scaled bandwidth plus scaled delay, as
     * {@code show ip route} gives it in brackets ({@code [90/metric]}).
     *
     * @return the metric, or -1 (unreachable) when the delay says so.
     */
    public static long compositeMetric(final long scaledBandwidth, final long scaledDelay)
    {
        return scaledDelay >= DELAY_UNREACHABLE ? -1 : Math.min(0xFFFF_FFFFL, scaledBandwidth + scaledDelay);
    }

    /** @return bytes of a destination of {@code prefixLength} bits in a route TLV: only its significant bytes. */
    public static int destinationBytes(final int prefixLength)
    {
        return (prefixLength + 7) / 8;
    }

    public static String opcodeName(final int opcode)
    {
        return switch (opcode)
        {
            case OPCODE_UPDATE -> "Update";
            case OPCODE_REQUEST -> "Request";
            case OPCODE_QUERY -> "Query";
            case OPCODE_REPLY -> "Reply";
            case OPCODE_HELLO -> "Hello";
            case OPCODE_SIA_QUERY -> "SIA-Query";
            case OPCODE_SIA_REPLY -> "SIA-Reply";
            default -> "opcode " + opcode;
        };
    }
}
