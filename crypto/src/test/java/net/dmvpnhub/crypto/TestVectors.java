package net.dmvpnhub.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The published AES-GCM ESP test cases (draft-mcgrew-gcm-test-01 section 4), read from the copy
 * of the project's shared test vectors in this module's test resources.
 */
final class TestVectors
{
    /** One case: keys, SPI, sequence, IV, plaintext (trailer included), ciphertext and ICV. */
    record Case(int number, byte[] key, byte[] salt, byte[] iv, int spi, long sequence, boolean esn, byte[] aad,
        byte[] plaintext, byte[] ciphertext, byte[] icv)
    {
        Transform transform()
        {
            return switch (key.length)
            {
                case 16 -> Transform.AES_GCM_128;
                case 24 -> Transform.AES_GCM_192;
                default -> Transform.AES_GCM_256;
            };
        }

        byte[] keyMaterial()
        {
            final byte[] material = new byte[key.length + salt.length];
            System.arraycopy(key, 0, material, 0, key.length);
            System.arraycopy(salt, 0, material, key.length, salt.length);
            return material;
        }

        @Override
        public String toString()
        {
            return "case " + number + " (" + transform() + (esn ? ", ESN" : "") + ")";
        }
    }

    private TestVectors()
    {
    }

    static List<Case> espAesGcm()
    {
        final String json;
        try (InputStream in = TestVectors.class.getResourceAsStream("/testvectors/esp-aes-gcm.json"))
        {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        final HexFormat hex = HexFormat.of();
        final List<Case> cases = new ArrayList<>();
        final Matcher object = Pattern.compile("\\{([^{}]*)\\}").matcher(json.substring(json.indexOf("\"cases\"")));
        final Pattern field = Pattern.compile("\"(\\w+)\"\\s*:\\s*(?:\"([^\"]*)\"|(\\d+))");
        while (object.find())
        {
            final Map<String, String> values = new HashMap<>();
            final Matcher f = field.matcher(object.group(1));
            while (f.find())
            {
                values.put(f.group(1), f.group(2) != null ? f.group(2) : f.group(3));
            }
            final boolean esn = values.containsKey("seq_high");
            final long sequence = esn ?
                Long.parseLong(values.get("seq_high"), 16) << 32 | Long.parseLong(values.get("seq_low"), 16) :
                Long.parseLong(values.get("seq"), 16);
            cases.add(new Case(Integer.parseInt(values.get("case")), hex.parseHex(values.get("key")), hex.parseHex(values.get("salt")),
                hex.parseHex(values.get("iv")), (int)Long.parseLong(values.get("spi"), 16), sequence, esn, hex.parseHex(values.get("aad")),
                hex.parseHex(values.get("plaintext")), hex.parseHex(values.get("ciphertext")), hex.parseHex(values.get("icv"))));
        }
        if (cases.size() < 7)
        {
            throw new IllegalStateException("expected at least 7 test cases, read " + cases.size());
        }
        return cases;
    }
}
