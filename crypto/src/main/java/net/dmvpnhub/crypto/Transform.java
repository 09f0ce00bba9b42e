package net.dmvpnhub.crypto;

/**
 * ESP transforms the hub supports, with the layout each gives an ESP packet.
 * <ul>
 *   <li>AES-GCM with a 16-byte ICV (RFC 4106): key material is the AES key followed by a 4-byte
 *   salt; the 8-byte IV is the packet's 64-bit sequence number, unique per key as RFC 4106
 *   section 3.1 requires; nonce = salt || IV; AAD = SPI || sequence (RFC 4106 section 5).</li>
 *   <li>AES-256-CBC with HMAC-SHA-256-128 (RFC 3602, RFC 4868): IOS's
 *   {@code esp-aes 256 esp-sha256-hmac}; key material is the 32-byte AES key followed by the
 *   32-byte HMAC key; a 16-byte IV; the ICV is the first 16 bytes of the HMAC over header, IV
 *   and ciphertext (plus the high sequence bits with ESN, RFC 4303 section 2.2.1).</li>
 * </ul>
 */
public enum Transform
{
    AES_GCM_128("esp-gcm 128", 16, 4, 0, 8, 16, 4),
    AES_GCM_192("esp-gcm 192", 24, 4, 0, 8, 16, 4),
    AES_GCM_256("esp-gcm 256", 32, 4, 0, 8, 16, 4),
    AES_256_CBC_HMAC_SHA256("esp-aes 256 esp-sha256-hmac", 32, 0, 32, 16, 16, 16);

    private final String iosName;
    private final int cipherKeyLength;
    private final int saltLength;
    private final int authKeyLength;
    private final int ivLength;
    private final int icvLength;
    private final int alignment;

    Transform(
        final String iosName,
        final int cipherKeyLength,
        final int saltLength,
        final int authKeyLength,
        final int ivLength,
        final int icvLength,
        final int alignment)
    {
        this.iosName = iosName;
        this.cipherKeyLength = cipherKeyLength;
        this.saltLength = saltLength;
        this.authKeyLength = authKeyLength;
        this.ivLength = ivLength;
        this.icvLength = icvLength;
        this.alignment = alignment;
    }

    /**
     * @return the transform-set words IOS uses for it.
     */
    public String iosName()
    {
        return iosName;
    }

    public boolean isAead()
    {
        return authKeyLength == 0;
    }

    public int cipherKeyLength()
    {
        return cipherKeyLength;
    }

    public int saltLength()
    {
        return saltLength;
    }

    public int authKeyLength()
    {
        return authKeyLength;
    }

    /**
     * @return bytes of key material an SA needs: cipher key, then salt or HMAC key.
     */
    public int keyMaterialLength()
    {
        return cipherKeyLength + saltLength + authKeyLength;
    }

    public int ivLength()
    {
        return ivLength;
    }

    public int icvLength()
    {
        return icvLength;
    }

    /**
     * @return what payload, padding and trailer must be a multiple of: 4 for GCM (RFC 4303
     * section 2.4), the AES block for CBC.
     */
    public int alignment()
    {
        return alignment;
    }

    /**
     * @return bytes ESP adds in front of the payload: SPI, sequence and IV.
     */
    public int headerOverhead()
    {
        return 8 + ivLength;
    }

    /**
     * @return the most bytes ESP adds after the payload: padding, pad length, next header, ICV.
     */
    public int maxTrailerOverhead()
    {
        return alignment - 1 + 2 + icvLength;
    }
}
