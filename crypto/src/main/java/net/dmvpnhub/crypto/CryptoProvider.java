package net.dmvpnhub.crypto;

import java.util.Locale;

/**
 * The crypto implementations an SA's engine can come from, chosen at start-up.
 */
public enum CryptoProvider
{
    /** The JDK's SunJCE, with AES-GCM intrinsics on JDK 25. */
    JDK("jdk"),
    /** Bouncy Castle's lightweight API: pure Java, the independent reference. */
    BOUNCY_CASTLE("bc"),
    /** OpenSSL's libcrypto through the foreign function API, one cipher context per SA. */
    OPENSSL("openssl");

    private final String shortName;

    CryptoProvider(final String shortName)
    {
        this.shortName = shortName;
    }

    public String shortName()
    {
        return shortName;
    }

    /**
     * @param keyMaterial as {@link Transform#keyMaterialLength()} describes it.
     * @param outbound true for the encrypting direction.
     */
    public EspEngine newEngine(final Transform transform, final byte[] keyMaterial, final boolean esn, final boolean outbound)
    {
        return switch (this)
        {
            case JDK -> JdkEngines.create(transform, keyMaterial, esn, outbound);
            case BOUNCY_CASTLE -> BouncyCastleEngines.create(transform, keyMaterial, esn, outbound);
            case OPENSSL -> OpenSslEngines.create(transform, keyMaterial, esn, outbound);
        };
    }

    /**
     * Prepares this provider to key {@code sas} SAs of {@code transform} quickly, ahead of need: the
     * OpenSSL provider makes that many AES-GCM contexts now (about 1.2 KB of native memory each,
     * kept for the life of the process; see {@code OpenSslEngines.GcmContexts}), so that a
     * registration storm keys contexts instead of allocating them. The other providers have
     * nothing to prepare.
     */
    public void reserve(final Transform transform, final int sas)
    {
        if (this == OPENSSL && sas > 0)
        {
            OpenSslEngines.reserve(transform, sas);
        }
    }

    /**
     * The default: the fastest correct provider as measured side by side (results/crypto-*.md),
     * OpenSSL through the foreign function API, with frames in direct memory; the JDK's when
     * libcrypto cannot be loaded.
     */
    public static CryptoProvider preferred()
    {
        return OpenSslEngines.isAvailable() ? OPENSSL : JDK;
    }

    /**
     * @return true when this provider can make engines on this machine (OpenSSL needs libcrypto).
     */
    public boolean isAvailable()
    {
        return this != OPENSSL || OpenSslEngines.isAvailable();
    }

    /**
     * @return the provider named {@code text} (jdk, bc, openssl).
     * @throws IllegalArgumentException naming the choices.
     */
    public static CryptoProvider fromName(final String text)
    {
        for (final CryptoProvider provider : values())
        {
            if (provider.shortName.equals(text.toLowerCase(Locale.ROOT)))
            {
                return provider;
            }
        }
        throw new IllegalArgumentException("unknown crypto provider '" + text + "': choose jdk, bc or openssl");
    }
}
