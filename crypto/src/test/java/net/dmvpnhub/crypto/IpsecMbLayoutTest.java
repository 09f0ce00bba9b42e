package net.dmvpnhub.crypto;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The offsets and constants {@link IpsecMbEngines} reads {@code IMB_MGR} and {@code IMB_JOB}
 * with, against the installed header as a C compiler sees it ({@code offsetof}). The launcher
 * and CI install the header (Debian libipsec-mb-dev) and gcc; on a machine where neither could
 * install them (DMVPN_NO_INSTALL=1, not root) the test is skipped with a message, as the tshark
 * cross-checks are, except under CI (DMVPN_REQUIRE_IPSEC_MB=1), where that is a failure.
 */
class IpsecMbLayoutTest
{
    private static final Path HEADER = Path.of("/usr/include/intel-ipsec-mb.h");

    @Test
    void offsetsAndConstantsMatchTheInstalledHeader(@org.junit.jupiter.api.io.TempDir final Path directory)
        throws IOException, InterruptedException
    {
        if (!CryptoProviderTest.multiBufferLibraryRequired())
        {
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(HEADER),
                HEADER + " is missing: install the Debian package libipsec-mb-dev (the launcher does, as root); the layout check is skipped");
        }
        assertTrue(Files.isReadable(HEADER), HEADER + " is missing: install the Debian package libipsec-mb-dev (the launcher does)");
        final Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("offsetof(IMB_MGR, features)", (long)IpsecMbEngines.MGR_FEATURES);
        expected.put("offsetof(IMB_MGR, used_arch)", (long)IpsecMbEngines.MGR_USED_ARCH);
        expected.put("offsetof(IMB_MGR, get_next_job)", (long)IpsecMbEngines.MGR_GET_NEXT_JOB);
        expected.put("offsetof(IMB_MGR, submit_job)", (long)IpsecMbEngines.MGR_SUBMIT_JOB);
        expected.put("offsetof(IMB_MGR, flush_job)", (long)IpsecMbEngines.MGR_FLUSH_JOB);
        expected.put("offsetof(IMB_MGR, keyexp_256)", (long)IpsecMbEngines.MGR_KEYEXP_256);
        expected.put("offsetof(IMB_MGR, sha256_one_block)", (long)IpsecMbEngines.MGR_SHA256_ONE_BLOCK);
        expected.put("offsetof(IMB_MGR, gcm128_enc)", (long)IpsecMbEngines.MGR_GCM128_ENC);
        expected.put("offsetof(IMB_MGR, gcm192_enc)", IpsecMbEngines.MGR_GCM128_ENC + 8L);
        expected.put("offsetof(IMB_MGR, gcm256_enc)", IpsecMbEngines.MGR_GCM128_ENC + 16L);
        expected.put("offsetof(IMB_MGR, gcm128_dec)", (long)IpsecMbEngines.MGR_GCM128_DEC);
        expected.put("offsetof(IMB_MGR, gcm192_dec)", IpsecMbEngines.MGR_GCM128_DEC + 8L);
        expected.put("offsetof(IMB_MGR, gcm256_dec)", IpsecMbEngines.MGR_GCM128_DEC + 16L);
        expected.put("offsetof(IMB_MGR, gcm128_pre)", (long)IpsecMbEngines.MGR_GCM128_PRE);
        expected.put("offsetof(IMB_MGR, gcm192_pre)", IpsecMbEngines.MGR_GCM128_PRE + 8L);
        expected.put("offsetof(IMB_MGR, gcm256_pre)", IpsecMbEngines.MGR_GCM128_PRE + 16L);
        expected.put("offsetof(IMB_JOB, enc_keys)", (long)IpsecMbEngines.JOB_ENC_KEYS);
        expected.put("offsetof(IMB_JOB, dec_keys)", (long)IpsecMbEngines.JOB_DEC_KEYS);
        expected.put("offsetof(IMB_JOB, key_len_in_bytes)", (long)IpsecMbEngines.JOB_KEY_LENGTH);
        expected.put("offsetof(IMB_JOB, src)", (long)IpsecMbEngines.JOB_SRC);
        expected.put("offsetof(IMB_JOB, dst)", (long)IpsecMbEngines.JOB_DST);
        expected.put("offsetof(IMB_JOB, cipher_start_src_offset_in_bytes)", (long)IpsecMbEngines.JOB_CIPHER_START);
        expected.put("offsetof(IMB_JOB, msg_len_to_cipher_in_bytes)", (long)IpsecMbEngines.JOB_CIPHER_LENGTH);
        expected.put("offsetof(IMB_JOB, hash_start_src_offset_in_bytes)", (long)IpsecMbEngines.JOB_HASH_START);
        expected.put("offsetof(IMB_JOB, msg_len_to_hash_in_bytes)", (long)IpsecMbEngines.JOB_HASH_LENGTH);
        expected.put("offsetof(IMB_JOB, iv)", (long)IpsecMbEngines.JOB_IV);
        expected.put("offsetof(IMB_JOB, iv_len_in_bytes)", (long)IpsecMbEngines.JOB_IV_LENGTH);
        expected.put("offsetof(IMB_JOB, auth_tag_output)", (long)IpsecMbEngines.JOB_TAG);
        expected.put("offsetof(IMB_JOB, auth_tag_output_len_in_bytes)", (long)IpsecMbEngines.JOB_TAG_LENGTH);
        expected.put("offsetof(IMB_JOB, u.HMAC._hashed_auth_key_xor_ipad)", (long)IpsecMbEngines.JOB_IPAD);
        expected.put("offsetof(IMB_JOB, u.HMAC._hashed_auth_key_xor_opad)", (long)IpsecMbEngines.JOB_OPAD);
        expected.put("offsetof(IMB_JOB, status)", (long)IpsecMbEngines.JOB_STATUS);
        expected.put("offsetof(IMB_JOB, cipher_mode)", (long)IpsecMbEngines.JOB_CIPHER_MODE);
        expected.put("offsetof(IMB_JOB, cipher_direction)", (long)IpsecMbEngines.JOB_CIPHER_DIRECTION);
        expected.put("offsetof(IMB_JOB, hash_alg)", (long)IpsecMbEngines.JOB_HASH_ALG);
        expected.put("offsetof(IMB_JOB, chain_order)", (long)IpsecMbEngines.JOB_CHAIN_ORDER);
        expected.put("sizeof(struct gcm_key_data)", (long)IpsecMbEngines.GCM_KEY_DATA_LENGTH);
        expected.put("(long)IMB_CIPHER_CBC", (long)IpsecMbEngines.CIPHER_CBC);
        expected.put("(long)IMB_CIPHER_NULL", (long)IpsecMbEngines.CIPHER_NULL);
        expected.put("(long)IMB_CIPHER_ECB", (long)IpsecMbEngines.CIPHER_ECB);
        expected.put("(long)IMB_AUTH_HMAC_SHA_256", (long)IpsecMbEngines.HASH_HMAC_SHA_256);
        expected.put("(long)IMB_AUTH_NULL", (long)IpsecMbEngines.HASH_NULL);
        expected.put("(long)IMB_DIR_ENCRYPT", (long)IpsecMbEngines.DIRECTION_ENCRYPT);
        expected.put("(long)IMB_DIR_DECRYPT", (long)IpsecMbEngines.DIRECTION_DECRYPT);
        expected.put("(long)IMB_ORDER_CIPHER_HASH", (long)IpsecMbEngines.ORDER_CIPHER_HASH);
        expected.put("(long)IMB_ORDER_HASH_CIPHER", (long)IpsecMbEngines.ORDER_HASH_CIPHER);
        expected.put("(long)IMB_STATUS_COMPLETED", (long)IpsecMbEngines.STATUS_COMPLETED);

        final StringBuilder source = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <intel-ipsec-mb.h>\nint main(void)\n{\n");
        for (final String expression : expected.keySet())
        {
            source.append("    printf(\"%ld\\n\", (long)(").append(expression).append("));\n");
        }
        source.append("    return 0;\n}\n");
        final Path c = directory.resolve("layout.c");
        final Path binary = directory.resolve("layout");
        Files.writeString(c, source);
        final String compiled = run(directory, "cc", "-o", binary.toString(), c.toString());
        assertTrue(Files.isExecutable(binary), "cc could not build the layout probe (Debian packages gcc and libipsec-mb-dev): " + compiled);
        final String[] printed = run(directory, binary.toString()).trim().split("\n");
        assertEquals(expected.size(), printed.length, String.join("\n", printed));
        int i = 0;
        for (final Map.Entry<String, Long> entry : expected.entrySet())
        {
            assertEquals(entry.getValue(), Long.parseLong(printed[i++].trim()), entry.getKey());
        }
    }

    private static String run(final Path directory, final String... command) throws IOException, InterruptedException
    {
        final Process process;
        try
        {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            return fail("cannot run " + command[0] + " (Debian package gcc): " + ex.getMessage());
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        return output;
    }
}
