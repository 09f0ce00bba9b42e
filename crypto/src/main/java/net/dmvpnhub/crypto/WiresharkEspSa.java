package net.dmvpnhub.crypto;

import net.dmvpnhub.wire.Ipv4Address;

import java.util.HexFormat;

/**
 * One row of Wireshark's ESP SA table ({@code esp_sa} UAT), so that Wireshark or tshark can
 * decrypt and check the ESP we write: used by the tshark cross-checks and by pcap exports. A row
 * is protocol, source, destination, SPI, encryption algorithm, encryption key, authentication
 * algorithm, authentication key, each quoted; keys in hex starting 0x. The algorithm names are
 * Wireshark's own strings, matched exactly (Wireshark 4.0).
 * <p>
 * Give the rows to tshark as {@code -o uat:esp_sa:ROW}, or write them one per line to the
 * {@code esp_sa} file of a Wireshark profile; also set {@code esp.enable_encryption_decode:TRUE}.
 */
public final class WiresharkEspSa
{
    private WiresharkEspSa()
    {
    }

    /**
     * @param keyMaterial as the SA was created with: for GCM the AES key followed by the 4-byte
     * salt (Wireshark's key column holds both), for CBC the AES key followed by the HMAC key.
     * @throws IllegalArgumentException for a transform Wireshark has no name for.
     */
    public static String row(final Transform transform, final int source, final int destination, final int spi, final byte[] keyMaterial)
    {
        if (keyMaterial.length != transform.keyMaterialLength())
        {
            throw new IllegalArgumentException("key material of " + keyMaterial.length + " bytes for " + transform);
        }
        final String encryption;
        final String encryptionKey;
        final String authentication;
        final String authenticationKey;
        if (transform.isAead())
        {
            if (transform.icvLength() != 16)
            {
                throw new IllegalArgumentException("no Wireshark name for " + transform);
            }
            encryption = "AES-GCM with 16 octet ICV [RFC4106]";
            encryptionKey = hexKey(keyMaterial, 0, keyMaterial.length);
            authentication = "NULL";
            authenticationKey = "";
        }
        else
        {
            // Wireshark picks AES-128, -192 or -256 from the key length.
            encryption = "AES-CBC [RFC3602]";
            encryptionKey = hexKey(keyMaterial, 0, transform.cipherKeyLength());
            authentication = "HMAC-SHA-256-128 [RFC4868]";
            authenticationKey = hexKey(keyMaterial, transform.cipherKeyLength(), transform.authKeyLength());
        }
        return String.join(",", quoted("IPv4"), quoted(Ipv4Address.toString(source)), quoted(Ipv4Address.toString(destination)),
            quoted(String.format("0x%08x", spi & 0xFFFF_FFFFL)), quoted(encryption), quoted(encryptionKey), quoted(authentication),
            quoted(authenticationKey));
    }

    private static String hexKey(final byte[] key, final int offset, final int length)
    {
        return "0x" + HexFormat.of().formatHex(key, offset, offset + length);
    }

    private static String quoted(final String text)
    {
        return '"' + text + '"';
    }
}
