package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.wire.Ipv4Address;

/**
 * A copy of one NHRP cache entry, for show commands and tests.
 *
 * @param expiresNs {@code Long.MAX_VALUE} for a static entry.
 */
public record NhrpBinding(
    int tunnel, int prefixLength, int nbma, int claimedNbma, boolean isStatic, boolean unique, int holdingTimeS, long createdNs,
    long expiresNs)
{
    @Override
    public String toString()
    {
        return Ipv4Address.toString(tunnel) + "/" + prefixLength + " via " + Ipv4Address.toString(tunnel) + " NBMA " +
            Ipv4Address.toString(nbma) + (isStatic ? " static" : " dynamic") + (unique ? " unique" : "");
    }
}
