package net.dmvpnhub.crypto;

/**
 * Outcome of ESP processing of one packet: {@link #OK} or the named reason it was dropped. The
 * ordinal indexes the per-SA and per-stage drop counters.
 */
public enum EspStatus
{
    OK("ok"),
    TRUNCATED("fewer bytes than ESP header, IV, trailer and ICV"),
    BAD_CIPHERTEXT_LENGTH("ciphertext not a whole number of cipher blocks"),
    SPI_MISMATCH("SPI differs from the SA's"),
    SEQUENCE_ZERO("sequence number 0, never sent by a correct peer"),
    REPLAY_DUPLICATE("sequence number already received (anti-replay)"),
    REPLAY_TOO_OLD("sequence number left of the anti-replay window"),
    AUTHENTICATION_FAILED("ICV does not verify"),
    SELECTOR_MISMATCH("authenticated, but its outer addresses are not the SA's peer and local address (RFC 4301 section 5.2)"),
    BAD_PAD_LENGTH("pad length exceeds the decrypted payload"),
    BAD_PADDING("padding bytes are not 1, 2, 3, ..."),
    UNEXPECTED_NEXT_HEADER("next header is not what the SA's mode carries"),
    SEQUENCE_EXHAUSTED("sequence number space used up: the SA must be rekeyed"),
    LIFETIME_EXPIRED("hard packet or byte lifetime reached: the SA must be rekeyed"),
    NO_ROOM("frame slot too small for the ESP overhead");

    private final String description;

    EspStatus(final String description)
    {
        this.description = description;
    }

    public String description()
    {
        return description;
    }
}
