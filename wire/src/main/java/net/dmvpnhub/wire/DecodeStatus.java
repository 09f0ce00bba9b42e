package net.dmvpnhub.wire;

/**
 * Outcome of validating a header or message: {@link #OK} or the named reason it is malformed.
 * <p>
 * Decoders return one of these instead of throwing, so the dataplane can count each reason
 * in its own drop counter (the ordinal indexes a counter array) and the control plane can map
 * it to an NHRP Error Indication. Constants are never allocated per frame.
 */
public enum DecodeStatus
{
    OK("ok"),

    IPV4_TRUNCATED("fewer bytes than an IPv4 header or than its total length"),
    IPV4_BAD_VERSION("IP version is not 4"),
    IPV4_BAD_IHL("IPv4 header length below 5 words or beyond the total length"),
    IPV4_BAD_TOTAL_LENGTH("IPv4 total length smaller than its header"),
    IPV4_BAD_OPTIONS("IPv4 option runs past the header or has a length below 2"),
    IPV4_LENGTH_MISMATCH("IPv4 total length differs from the bytes of the frame or tunnel payload carrying it"),
    IPV4_BAD_CHECKSUM("IPv4 header checksum does not verify"),
    IPV4_FRAGMENT("IPv4 fragment (reassembly is not supported)"),
    IPV4_UNEXPECTED_PROTOCOL("IPv4 protocol is neither GRE (47) nor ESP (50)"),

    GRE_TRUNCATED("fewer bytes than the GRE header its flags announce"),
    GRE_BAD_VERSION("GRE version is not 0"),
    GRE_UNSUPPORTED_FLAGS("GRE routing, strict source route or recursion bits set"),
    GRE_BAD_CHECKSUM("GRE checksum does not verify"),
    GRE_UNKNOWN_PROTOCOL("GRE protocol type is neither IPv4 (0x0800) nor NHRP (0x2001)"),

    ESP_TRUNCATED("fewer bytes than ESP header, IV, trailer and ICV"),
    ESP_BAD_PAD_LENGTH("ESP pad length exceeds the decrypted payload"),
    ESP_BAD_PADDING("ESP padding bytes are not 1, 2, 3, ..."),

    NHRP_TRUNCATED("fewer bytes than the NHRP fixed header or its packet size"),
    NHRP_BAD_PACKET_SIZE("NHRP packet size smaller than its parts or than the carrying payload"),
    NHRP_BAD_CHECKSUM("NHRP checksum does not verify"),
    NHRP_BAD_VERSION("NHRP version is not 1"),
    NHRP_UNSUPPORTED_AFN("NHRP address family is not IPv4 (1)"),
    NHRP_UNSUPPORTED_PROTOCOL("NHRP protocol type is not IPv4 (0x0800) with a zero SNAP"),
    NHRP_UNKNOWN_TYPE("NHRP packet type outside 1..8"),
    NHRP_BAD_ADDRESS_LENGTH("NHRP address length other than 4 (mandatory part) or 0 or 4 (CIE) for IPv4"),
    NHRP_MANDATORY_TRUNCATED("NHRP mandatory part runs past the extension offset or packet size"),
    NHRP_CIE_TRUNCATED("NHRP client information entry runs past its region"),
    NHRP_BAD_EXTENSION_OFFSET("NHRP extension offset inside the mandatory part or beyond the packet"),
    NHRP_EXTENSION_TRUNCATED("NHRP extension runs past the packet size"),
    NHRP_EXTENSION_BAD_LENGTH("NHRP extension length does not fit its type"),
    NHRP_EXTENSION_NO_END("NHRP extension list has no End extension"),
    NHRP_EXTENSION_AFTER_END("NHRP bytes after the End extension"),
    NHRP_ERROR_OFFSET_OUT_OF_RANGE("NHRP Error Indication offset outside the packet in error"),
    NHRP_BAD_TRAFFIC_CONTENTS("NHRP Traffic Indication does not carry the start of an IPv4 packet"),

    ICMP_TRUNCATED("fewer bytes than the 8-byte ICMP header"),
    ICMP_BAD_CHECKSUM("ICMP checksum does not verify"),
    ICMP_QUOTE_TRUNCATED("ICMP error quotes less than an IPv4 header and 8 bytes of its data"),
    ICMP_QUOTE_NOT_IPV4("ICMP error quotes something that is not an IPv4 header"),

    EIGRP_TRUNCATED("fewer bytes than the 20-byte EIGRP header"),
    EIGRP_BAD_VERSION("EIGRP header version is not 2"),
    EIGRP_UNKNOWN_OPCODE("EIGRP opcode is none of Update, Request, Query, Reply, Hello, SIA-Query, SIA-Reply"),
    EIGRP_BAD_CHECKSUM("EIGRP checksum does not verify"),
    EIGRP_TLV_TRUNCATED("an EIGRP TLV's header or length runs past the packet"),
    EIGRP_TLV_BAD_LENGTH("an EIGRP TLV's length does not fit its type"),
    EIGRP_BAD_PREFIX_LENGTH("an EIGRP route's prefix length is beyond 32");

    private final String description;

    DecodeStatus(final String description)
    {
        this.description = description;
    }

    /**
     * @return a short human sentence for drop tables and logs.
     */
    public String description()
    {
        return description;
    }

    /**
     * @return true for {@link #OK}.
     */
    public boolean isOk()
    {
        return this == OK;
    }
}
