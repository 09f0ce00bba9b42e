package net.dmvpnhub.dataplane;

/**
 * The hub's tunnel as the dataplane needs it.
 *
 * @param hubNbma the hub's NBMA (underlay) address, source of every frame it sends.
 * @param tunnelKey GRE key of the mGRE tunnel ({@code tunnel key}), or -1 for none.
 * @param requireEsp drop GRE that arrives without ESP ({@code tunnel protection ipsec}).
 * @param redirect signal hairpinned packets for a Traffic Indication ({@code ip nhrp redirect}).
 * @param redirectIntervalNs per (source, next hop) pair, at most one redirect signal per interval.
 * @param resolutionIntervalNs per next hop, at most one resolution request per interval.
 * @param backPressure a worker takes frames only when its output rings (transmit, handoff) have
 * room for a whole batch, so a slow consumer slows the producer instead of losing frames; when
 * false, a full output ring is a named drop.
 */
public record HubConfig(
    int hubNbma,
    long tunnelKey,
    boolean requireEsp,
    boolean redirect,
    long redirectIntervalNs,
    long resolutionIntervalNs,
    boolean backPressure)
{
    public HubConfig
    {
        if (redirectIntervalNs < 0 || resolutionIntervalNs < 0)
        {
            throw new IllegalArgumentException("rate-limit intervals cannot be negative");
        }
    }
}
