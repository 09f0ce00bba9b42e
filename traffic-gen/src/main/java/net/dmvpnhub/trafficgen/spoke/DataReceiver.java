package net.dmvpnhub.trafficgen.spoke;

import org.agrona.DirectBuffer;

/**
 * Told of each data packet a spoke delivers to its LAN, on the spokes' thread (a traffic
 * generator measures latency here). The bytes are valid only during the call.
 */
@FunctionalInterface
public interface DataReceiver
{
    DataReceiver NONE = (spoke, direct, buffer, offset, length) -> {};

    /**
     * @param direct true when it came straight from another spoke, false through the hub.
     * @param offset where the inner IPv4 packet starts in {@code buffer}.
     */
    void onData(int spoke, boolean direct, DirectBuffer buffer, int offset, int length);
}
