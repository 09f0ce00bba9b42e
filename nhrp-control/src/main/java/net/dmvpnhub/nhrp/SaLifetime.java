package net.dmvpnhub.nhrp;

import net.dmvpnhub.crypto.SecurityAssociation;

/**
 * How long an IPsec SA pair lives ({@code crypto ipsec security-association lifetime seconds N}
 * and {@code kilobytes N}; IOS's defaults 3,600 s and 4,608,000 KB), and when its rekey starts:
 * at the soft lifetime, {@value #SOFT_PERCENT}% of either (RFC 4301 section 4.4.2.1 leaves the
 * margin to the implementation). The initiator (a spoke) rekeys at the soft lifetime by time or
 * by bytes, whichever comes first; an SA that reaches its hard byte lifetime drops its packets.
 *
 * @param seconds the lifetime by time: IOS accepts 120 to 2,592,000 ({@link #MIN_SECONDS}), the
 * simulation from 2, so that a short run can rekey every SA.
 * @param kilobytes the lifetime by volume, 2,560 to 4,294,967,295 as IOS accepts.
 */
public record SaLifetime(long seconds, long kilobytes)
{
    public static final SaLifetime IOS_DEFAULT = new SaLifetime(3600, 4_608_000);
    public static final int SOFT_PERCENT = 90;
    /**
     * How long after a rekey the SA it replaced still takes packets: the ones the peer sent
     * before it switched, still in flight or queued.
     */
    public static final long OVERLAP_NS = 10_000_000_000L;
    public static final long MIN_SECONDS = 120;
    public static final long MAX_SECONDS = 2_592_000;
    public static final long MIN_KILOBYTES = 2560;
    public static final long MAX_KILOBYTES = 4_294_967_295L;

    public SaLifetime
    {
        if (seconds < 2 || seconds > MAX_SECONDS)
        {
            throw new IllegalArgumentException("an SA lifetime must be 2 to " + MAX_SECONDS + " seconds, not " + seconds);
        }
        if (kilobytes < MIN_KILOBYTES || kilobytes > MAX_KILOBYTES)
        {
            throw new IllegalArgumentException("an SA lifetime must be " + MIN_KILOBYTES + " to " + MAX_KILOBYTES + " kilobytes, not " +
                kilobytes);
        }
    }

    /** @return the hard lifetime by time, in nanoseconds. */
    public long hardNs()
    {
        return seconds * 1_000_000_000L;
    }

    /** @return when, after an SA pair is made, its rekey starts by time. */
    public long softNs()
    {
        return hardNs() / 100 * SOFT_PERCENT;
    }

    /** @return the byte lifetimes an SA enforces per packet: soft asks for a rekey, hard ends the SA. */
    public SecurityAssociation.Lifetime bytes()
    {
        final long hard = kilobytes * 1024;
        return new SecurityAssociation.Lifetime(0, 0, hard / 100 * SOFT_PERCENT, hard);
    }
}
