package net.dmvpnhub.wire.nhrp;

/**
 * NHRP numbers (RFC 2332 and draft-detienne-dmvpn-01): packet types, flags, extension types,
 * error codes and CIE codes, with the names the RFC and IOS use.
 */
public final class Nhrp
{
    private Nhrp()
    {
    }

    /** ar$afn for IPv4 NBMA addresses (RFC 1700 address family numbers). */
    public static final int AFN_IPV4 = 1;
    /** ar$pro.type for IPv4 protocol addresses (an Ethertype). */
    public static final int PROTOCOL_IPV4 = 0x0800;
    /** ar$op.version of RFC 2332. */
    public static final int VERSION = 1;
    /** Hop count IOS puts in a new packet. */
    public static final int DEFAULT_HOP_COUNT = 255;
    /** Holding time IOS uses by default, in seconds. */
    public static final int DEFAULT_HOLDING_TIME_S = 7200;
    /** Length of an IPv4 address in the NHRP address length fields. */
    public static final int IPV4_ADDRESS_LENGTH = 4;

    // Packet types (ar$op.type).
    public static final int TYPE_RESOLUTION_REQUEST = 1;
    public static final int TYPE_RESOLUTION_REPLY = 2;
    public static final int TYPE_REGISTRATION_REQUEST = 3;
    public static final int TYPE_REGISTRATION_REPLY = 4;
    public static final int TYPE_PURGE_REQUEST = 5;
    public static final int TYPE_PURGE_REPLY = 6;
    public static final int TYPE_ERROR_INDICATION = 7;
    /** Cisco Traffic Indication, the Phase 3 redirect (draft-detienne-dmvpn-01). */
    public static final int TYPE_TRAFFIC_INDICATION = 8;

    // Flags of Resolution Request and Reply (RFC 2332 section 5.2.1 and 5.2.2).
    /** Q: the requester is a router. */
    public static final int FLAG_RESOLUTION_Q = 0x8000;
    /** A: the reply is authoritative. */
    public static final int FLAG_RESOLUTION_A = 0x4000;
    /** D: the station at the destination is stable. */
    public static final int FLAG_RESOLUTION_D = 0x2000;
    /** U: uniqueness. */
    public static final int FLAG_RESOLUTION_U = 0x1000;
    /** S: the binding of the source is stable. */
    public static final int FLAG_RESOLUTION_S = 0x0800;
    // Flags of Registration Request and Reply (section 5.2.3).
    /** U: the registered address is unique; another NBMA address for it gets CIE code 14. */
    public static final int FLAG_REGISTRATION_U = 0x8000;
    // Flags of Purge Request (section 5.2.5).
    /** N: no reply expected. */
    public static final int FLAG_PURGE_N = 0x8000;
    /** Cisco's flag saying the sender understands the NAT extension. */
    public static final int FLAG_CISCO_NAT = 0x0002;

    /** Compulsory bit of an extension's type field. */
    public static final int EXTENSION_COMPULSORY = 0x8000;
    public static final int EXTENSION_TYPE_MASK = 0x3FFF;
    public static final int EXTENSION_END = 0;
    public static final int EXTENSION_RESPONDER_ADDRESS = 3;
    public static final int EXTENSION_FORWARD_TRANSIT_NHS_RECORD = 4;
    public static final int EXTENSION_REVERSE_TRANSIT_NHS_RECORD = 5;
    public static final int EXTENSION_AUTHENTICATION = 7;
    public static final int EXTENSION_VENDOR_PRIVATE = 8;
    /** Cisco NAT address extension: the NBMA address the NHS saw, as a CIE. */
    public static final int EXTENSION_CISCO_NAT_ADDRESS = 9;

    /** Authentication type of Cisco's plaintext password form (4 bytes) before the password. */
    public static final int AUTHENTICATION_TYPE_CLEARTEXT = 1;
    /** IOS truncates `ip nhrp authentication` strings to 8 characters. */
    public static final int AUTHENTICATION_MAX_PASSWORD_LENGTH = 8;

    // Error Indication codes (section 5.2.7).
    public static final int ERROR_UNRECOGNIZED_EXTENSION = 1;
    public static final int ERROR_LOOP_DETECTED = 3;
    public static final int ERROR_PROTOCOL_ADDRESS_UNREACHABLE = 6;
    public static final int ERROR_PROTOCOL_ERROR = 7;
    public static final int ERROR_SDU_SIZE_EXCEEDED = 8;
    public static final int ERROR_INVALID_EXTENSION = 9;
    public static final int ERROR_INVALID_RESOLUTION_REPLY = 10;
    public static final int ERROR_AUTHENTICATION_FAILURE = 11;
    public static final int ERROR_HOP_COUNT_EXCEEDED = 15;

    // CIE codes (section 5.2.0.1 and the per-message text).
    public static final int CIE_SUCCESS = 0;
    public static final int CIE_ADMINISTRATIVELY_PROHIBITED = 4;
    public static final int CIE_INSUFFICIENT_RESOURCES = 5;
    public static final int CIE_NO_BINDING = 12;
    public static final int CIE_BINDING_NOT_UNIQUE = 13;
    public static final int CIE_ALREADY_REGISTERED = 14;

    /** Traffic code of a Traffic Indication for a packet that could take a shorter path. */
    public static final int TRAFFIC_CODE_REDIRECT = 0;

    /**
     * @return the RFC's name for a packet type, for logs and show commands.
     */
    public static String typeName(final int type)
    {
        return switch (type)
        {
            case TYPE_RESOLUTION_REQUEST -> "Resolution Request";
            case TYPE_RESOLUTION_REPLY -> "Resolution Reply";
            case TYPE_REGISTRATION_REQUEST -> "Registration Request";
            case TYPE_REGISTRATION_REPLY -> "Registration Reply";
            case TYPE_PURGE_REQUEST -> "Purge Request";
            case TYPE_PURGE_REPLY -> "Purge Reply";
            case TYPE_ERROR_INDICATION -> "Error Indication";
            case TYPE_TRAFFIC_INDICATION -> "Traffic Indication";
            default -> "type " + type;
        };
    }

    /**
     * @return true for the types that carry the common mandatory part and CIEs (1 to 6).
     */
    public static boolean hasCies(final int type)
    {
        return type >= TYPE_RESOLUTION_REQUEST && type <= TYPE_PURGE_REPLY;
    }
}
