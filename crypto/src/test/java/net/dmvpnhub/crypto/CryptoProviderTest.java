package net.dmvpnhub.crypto;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CryptoProviderTest
{
    @Test
    void preferredIsOpenSslWhereLibcryptoLoads()
    {
        assertTrue(CryptoProvider.OPENSSL.isAvailable(), "libcrypto.so.3 is part of every machine this project targets");
        assertEquals(CryptoProvider.OPENSSL, CryptoProvider.preferred());
        assertTrue(OpenSslEngines.version().startsWith("OpenSSL 3"), OpenSslEngines.version());
    }

    @Test
    void namesParseAndUnknownNamesSayWhatExists()
    {
        assertEquals(CryptoProvider.BOUNCY_CASTLE, CryptoProvider.fromName("BC"));
        assertEquals(CryptoProvider.JDK, CryptoProvider.fromName("jdk"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> CryptoProvider.fromName("accp"));
        assertEquals("unknown crypto provider 'accp': choose jdk, bc or openssl", ex.getMessage());
    }
}
