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
 */
public record HubConfig(
    int hubNbma,
    long tunnelKey,
    boolean requireEsp,
    boolean redirect,
    long redirectIntervalNs,
    long resolutionIntervalNs)
{
    public HubConfig
    {
        if (redirectIntervalNs < 0 || resolutionIntervalNs < 0)
        {
            throw new IllegalArgumentException("rate-limit intervals cannot be negative");
        }
    }
}
