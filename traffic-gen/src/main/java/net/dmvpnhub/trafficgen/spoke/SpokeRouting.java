package net.dmvpnhub.trafficgen.spoke;

import org.agrona.MutableDirectBuffer;

/**
 * A routing protocol the spokes run (EIGRP in DMVPN), on the spokes' thread: told of every packet
 * of its IP protocol that reaches a spoke (to a link-local group or to the spoke's tunnel
 * address), and given a duty cycle for its timers. It sends with {@link Spokes#sendToHub}.
 */
public interface SpokeRouting
{
    /** @return the IP protocol number its packets carry (EIGRP: 88). */
    int ipProtocol();

    /** A packet of {@link #ipProtocol()} for spoke {@code s}: the IPv4 packet, valid only during the call. */
    void receive(int s, MutableDirectBuffer buffer, int offset, int length, long nowNs);

    /** Timers of every spoke's process. @return work done. */
    int doWork(long nowNs);
}
