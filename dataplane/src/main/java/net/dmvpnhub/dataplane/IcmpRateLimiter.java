package net.dmvpnhub.dataplane;

/**
 * A token bucket for the ICMP errors one worker sends (IOS {@code ip icmp rate-limit
 * unreachable}): it holds up to {@code burst} tokens, gains one per interval, and an error is sent
 * only when it takes a token. What it refuses the worker counts as suppressed. Time is the
 * worker's duty-cycle clock, compared wrap-safely; owned by one worker thread, no allocation.
 */
public final class IcmpRateLimiter
{
    private final int burst;
    private final long intervalNs;
    private int tokens;
    private long refilledNs;
    private boolean started;

    /**
     * @param intervalNs 0: every error is allowed.
     */
    public IcmpRateLimiter(final int burst, final long intervalNs)
    {
        this.burst = burst;
        this.intervalNs = intervalNs;
        this.tokens = burst;
    }

    /** @return true when an error may be sent now (a token taken). */
    public boolean tryAcquire(final long nowNs)
    {
        if (intervalNs == 0)
        {
            return true;
        }
        if (!started)
        {
            started = true;
            refilledNs = nowNs;
        }
        final long elapsed = nowNs - refilledNs;
        if (elapsed >= intervalNs && tokens < burst)
        {
            final long earned = elapsed / intervalNs;
            tokens = (int)Math.min(burst, tokens + earned);
            refilledNs = tokens == burst ? nowNs : refilledNs + earned * intervalNs;
        }
        else if (tokens == burst)
        {
            refilledNs = nowNs;
        }
        if (tokens == 0)
        {
            return false;
        }
        tokens--;
        return true;
    }
}
