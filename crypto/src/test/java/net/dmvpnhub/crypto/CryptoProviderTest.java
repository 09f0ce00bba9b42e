package net.dmvpnhub.crypto;

import net.dmvpnhub.crypto.SecurityAssociation.Direction;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class CryptoProviderTest
{
    /** The providers every provider-parameterised crypto test runs over: those this machine can use. */
    static List<CryptoProvider> availableProviders()
    {
        return CryptoProvider.available();
    }

    /** True when this JVM was told to load the multi-buffer library from somewhere else (the fallback check does). */
    private static boolean libraryRedirected()
    {
        return !IpsecMbEngines.DEFAULT_LIBRARY.equals(IpsecMbEngines.Native.libraryName());
    }

    @Test
    void openSslLoadsEverywhere()
    {
        assertTrue(CryptoProvider.OPENSSL.isAvailable(), "libcrypto.so.3 is part of every machine this project targets");
        assertTrue(OpenSslEngines.version().startsWith("OpenSSL 3"), OpenSslEngines.version());
    }

    /**
     * Set by .ci/run, which installs the library: there its absence is a failure, not a fallback.
     */
    static boolean multiBufferLibraryRequired()
    {
        return "1".equals(System.getenv("DMVPN_REQUIRE_IPSEC_MB"));
    }

    @Test
    void theMultiBufferLibraryIsTheDefaultWhereItLoadsAndOpenSslWhereNot()
    {
        if (libraryRedirected() || !CryptoProvider.IPSEC_MB.isAvailable() && !multiBufferLibraryRequired())
        {
            assertFalse(CryptoProvider.IPSEC_MB.isAvailable());
            assertEquals(CryptoProvider.OPENSSL, CryptoProvider.preferred());
            final String line = CryptoProvider.selectionLine(CryptoProvider.preferred());
            assertTrue(line.startsWith("openssl (OpenSSL 3.") && line.contains("; ipsec-mb unavailable: the ipsec-mb provider needs "), line);
            return;
        }
        assertTrue(CryptoProvider.IPSEC_MB.isAvailable(),
            "libIPSec_MB.so.1 (Debian libipsec-mb1) is installed by the launcher and .ci/run: " + CryptoProvider.IPSEC_MB.unavailableReason());
        assertEquals(CryptoProvider.IPSEC_MB, CryptoProvider.preferred());
        assertNull(CryptoProvider.IPSEC_MB.unavailableReason());
        final String line = CryptoProvider.selectionLine(CryptoProvider.preferred());
        assertTrue(line.startsWith("ipsec-mb (intel-ipsec-mb 1.3."), line);
        assertTrue(line.endsWith("; fallback order ipsec-mb, openssl, jdk"), line);
    }

    @Test
    void namesParseAndUnknownNamesSayWhatExists()
    {
        assertEquals(CryptoProvider.BOUNCY_CASTLE, CryptoProvider.fromName("BC"));
        assertEquals(CryptoProvider.JDK, CryptoProvider.fromName("jdk"));
        assertEquals(CryptoProvider.IPSEC_MB, CryptoProvider.fromName("ipsec-mb"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> CryptoProvider.fromName("accp"));
        assertEquals("unknown crypto provider 'accp': choose jdk, bc, openssl or ipsec-mb", ex.getMessage());
    }

    /**
     * A JVM told to load the library from a path where there is none: the multi-buffer provider
     * says why it is unavailable, OpenSSL takes over as the default, and ESP still round-trips
     * between every provider that is left.
     */
    @Test
    void withTheLibraryMissingTheNextProviderTakesOverAndSaysWhy() throws IOException, InterruptedException
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // This JVM's own flags (jvm.properties, through Surefire), then the library's missing path.
        final List<String> command = new ArrayList<>(List.of(java));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-D" + IpsecMbEngines.LIBRARY_PROPERTY + "=/nonexistent/libIPSec_MB.so.1",
            "-cp", System.getProperty("java.class.path"), FallbackProbe.class.getName()));
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("crypto provider: openssl (OpenSSL 3."), output);
        assertTrue(output.contains("; fallback order ipsec-mb, openssl, jdk; ipsec-mb unavailable: the ipsec-mb provider needs " +
            "/nonexistent/libIPSec_MB.so.1 (Debian package libipsec-mb1)"), output);
        assertTrue(output.contains("round trips: 9 of 9 provider pairs"), output);
    }

    /** The forked JVM of the fallback test. */
    static final class FallbackProbe
    {
        public static void main(final String[] args)
        {
            System.out.println("crypto provider: " + CryptoProvider.selectionLine(CryptoProvider.preferred()));
            final List<CryptoProvider> providers = CryptoProvider.available();
            int passed = 0;
            final EspProcessor processor = new EspProcessor();
            final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
            for (final CryptoProvider sender : providers)
            {
                for (final CryptoProvider receiver : providers)
                {
                    final byte[] key = EspProcessorTest.key(Transform.AES_GCM_128, sender.ordinal() * 7 + receiver.ordinal());
                    try (SecurityAssociation out = EspProcessorTest.sa(sender, Transform.AES_GCM_128, key, Direction.OUTBOUND, false);
                         SecurityAssociation in = EspProcessorTest.sa(receiver, Transform.AES_GCM_128, key, Direction.INBOUND, false))
                    {
                        for (int i = 0; i < 100; i++)
                        {
                            buffer.putByte(64 + i, (byte)i);
                        }
                        final boolean ok = processor.encrypt(out, buffer, 64, 100, 2048) == EspStatus.OK &&
                            processor.decrypt(in, buffer, processor.espOffset(), processor.espLength()) == EspStatus.OK &&
                            processor.innerLength() == 100 && buffer.getByte(processor.innerOffset() + 99) == 99;
                        passed += ok ? 1 : 0;
                    }
                }
            }
            System.out.println("round trips: " + passed + " of " + providers.size() * providers.size() + " provider pairs");
            System.exit(passed == providers.size() * providers.size() && providers.size() == 3 ? 0 : 1);
        }
    }
}
