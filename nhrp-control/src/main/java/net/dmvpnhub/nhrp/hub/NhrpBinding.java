package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.wire.Ipv4Address;

/**
 * A copy of one NHRP cache entry, for show commands and tests.
 *
 * @param expiresNs {@code Long.MAX_VALUE} for a static entry.
 * @param saId the peer's IPsec SAs at the hub (0: none yet).
 * @param lastUsedNs when the dataplane last forwarded a packet by this entry, as of the server's
 * last harvest of the peer table's used marks, or {@code Long.MIN_VALUE} for never.
 */
public record NhrpBinding(
    int tunnel, int prefixLength, int nbma, int claimedNbma, boolean isStatic, boolean unique, int holdingTimeS, long createdNs,
    long expiresNs, int saId, long lastUsedNs)
{
    @Override
    public String toString()
    {
        return Ipv4Address.toString(tunnel) + "/" + prefixLength + " via " + Ipv4Address.toString(tunnel) + " NBMA " +
            Ipv4Address.toString(nbma) + (isStatic ? " static" : " dynamic") + (unique ? " unique" : "");
    }
}
