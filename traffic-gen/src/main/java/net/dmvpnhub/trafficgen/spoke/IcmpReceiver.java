package net.dmvpnhub.trafficgen.spoke;

import org.agrona.DirectBuffer;

/**
 * Told of each ICMP message (other than an Echo Request, which the spoke answers itself) that
 * arrives for one of a spoke's own addresses: the answers to the pings and traceroutes it sent
 * with {@link Spokes#sendPacket}. On the spokes' thread; the bytes are valid only during the call.
 */
@FunctionalInterface
public interface IcmpReceiver
{
    IcmpReceiver NONE = (spoke, buffer, offset, length) -> {};

    /**
     * @param offset where the IPv4 packet carrying the ICMP message starts in {@code buffer}.
     */
    void onIcmp(int spoke, DirectBuffer buffer, int offset, int length);
}
