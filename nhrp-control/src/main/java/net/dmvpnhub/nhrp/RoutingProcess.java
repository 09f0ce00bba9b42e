package net.dmvpnhub.nhrp;

import org.agrona.MutableDirectBuffer;

/**
 * A routing protocol run by the hub's control plane on its thread, beside the NHS (as IOS runs
 * EIGRP and NHRP on one route processor): told of every packet of its IP protocol that reaches the
 * hub itself, and given a duty cycle for its timers.
 */
public interface RoutingProcess
{
    /** @return the IP protocol number its packets carry (EIGRP: 88). */
    int ipProtocol();

    /** A packet of {@link #ipProtocol()} for the hub: the IPv4 packet, valid only during the call. */
    void receive(MutableDirectBuffer buffer, int offset, int length, long nowNs);

    /** Its timers. @return work done. */
    int doWork(long nowNs);

    /** @return whether {@link #doWork} has something to do at {@code nowNs} (always before it first ran). */
    boolean timerDue(long nowNs);
}
