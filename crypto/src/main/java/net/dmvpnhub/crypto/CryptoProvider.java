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
    OPENSSL("openssl"),
    /**
     * Intel's multi-buffer crypto library (intel-ipsec-mb) through the foreign function API: the
     * library VPP and DPDK use; expanded key state per SA in native memory, one call per packet
     * for AES-GCM.
     */
    IPSEC_MB("ipsec-mb");

    /** The order in which {@link #preferred()} tries the providers. */
    private static final CryptoProvider[] FALLBACK_ORDER = {IPSEC_MB, OPENSSL, JDK};

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
            case IPSEC_MB -> IpsecMbEngines.create(transform, keyMaterial, esn, outbound);
        };
    }

    /**
     * Prepares this provider to key {@code sas} SAs of {@code transform} quickly, ahead of need,
     * so that a registration storm keys SAs instead of allocating memory for them: the OpenSSL
     * provider makes that many AES-GCM contexts now (about 1.2 KB of native memory each, kept for
     * the life of the process; see {@code OpenSslEngines.GcmContexts}); the ipsec-mb provider
     * grows its pool of key-state blocks (1 KiB each) to that many free. The other providers have
     * nothing to prepare.
     */
    public void reserve(final Transform transform, final int sas)
    {
        if (this == OPENSSL && sas > 0)
        {
            OpenSslEngines.reserve(transform, sas);
        }
        else if (this == IPSEC_MB && sas > 0)
        {
            IpsecMbEngines.Native.check();
            IpsecMbEngines.KEYS.reserve(sas);
        }
    }

    /**
     * The default: the first provider of the fallback order (ipsec-mb, openssl, jdk) that can
     * make engines on this machine: Intel's multi-buffer library, the one the fastest software
     * dataplanes use; OpenSSL next; the JDK's always loads.
     */
    public static CryptoProvider preferred()
    {
        for (final CryptoProvider provider : FALLBACK_ORDER)
        {
            if (provider.isAvailable())
            {
                return provider;
            }
        }
        return JDK;
    }

    /**
     * @return true when this provider can make engines on this machine (OpenSSL needs libcrypto,
     * ipsec-mb needs libIPSec_MB.so.1 version 1.3).
     */
    public boolean isAvailable()
    {
        return switch (this)
        {
            case OPENSSL -> OpenSslEngines.isAvailable();
            case IPSEC_MB -> IpsecMbEngines.isAvailable();
            default -> true;
        };
    }

    /**
     * @return the providers this machine can use, in {@link CryptoProvider#values()} order.
     */
    public static java.util.List<CryptoProvider> available()
    {
        return java.util.Arrays.stream(values()).filter(CryptoProvider::isAvailable).toList();
    }

    /**
     * One line for start-up and every results summary: the provider in use, the library behind
     * it, the fallback order, and why any provider before it in that order could not be used.
     * For example {@code ipsec-mb (intel-ipsec-mb 1.3.0, AVX512); fallback order ipsec-mb, openssl, jdk}.
     */
    public static String selectionLine(final CryptoProvider chosen)
    {
        final StringBuilder line = new StringBuilder(chosen.shortName).append(" (").append(chosen.library()).append(')');
        line.append("; fallback order ");
        for (int i = 0; i < FALLBACK_ORDER.length; i++)
        {
            line.append(i == 0 ? "" : ", ").append(FALLBACK_ORDER[i].shortName);
        }
        for (final CryptoProvider provider : FALLBACK_ORDER)
        {
            if (provider == chosen)
            {
                break;
            }
            if (!provider.isAvailable())
            {
                line.append("; ").append(provider.shortName).append(" unavailable: ").append(provider.unavailableReason());
            }
        }
        return line.toString();
    }

    /**
     * @return the library and version behind this provider, for reports.
     */
    public String library()
    {
        return switch (this)
        {
            case JDK -> "SunJCE, Java " + Runtime.version().feature();
            case BOUNCY_CASTLE -> "Bouncy Castle";
            case OPENSSL -> isAvailable() ? OpenSslEngines.version() : "libcrypto not loaded";
            case IPSEC_MB -> isAvailable() ? "intel-ipsec-mb " + IpsecMbEngines.description() : "libIPSec_MB not loaded";
        };
    }

    /**
     * @return why this provider cannot make engines here, in one sentence; null when it can.
     */
    public String unavailableReason()
    {
        return switch (this)
        {
            case OPENSSL -> isAvailable() ? null : OpenSslEngines.Native.FAILURE.getMessage();
            case IPSEC_MB -> IpsecMbEngines.unavailableReason();
            default -> null;
        };
    }

    /**
     * @return the provider named {@code text} (jdk, bc, openssl, ipsec-mb).
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
        throw new IllegalArgumentException("unknown crypto provider '" + text + "': choose jdk, bc, openssl or ipsec-mb");
    }
}
