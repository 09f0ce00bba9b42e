package net.dmvpnhub.trafficgen.spoke;

/**
 * Where a simulated spoke's NHRP client stands with its NHS (RFC 2332 section 5.2.3: a client
 * registers, refreshes before its holding time runs out, and retries when unanswered).
 */
public enum SpokeState
{
    /** Not started, or stopped: sends nothing and drops what reaches it. */
    DOWN,
    /** Waiting for the (simulated) IKE exchange with the hub. */
    IKE,
    /** IPsec up, Registration Request sent, no binding at the hub yet. */
    REGISTERING,
    /** The hub holds the binding; refreshed at a third of the holding time. */
    REGISTERED,
    /** Refused (NAK) or unanswered: waiting to retry, with exponential back-off. */
    BACKOFF,
    /** Phase 1 with a static map at the hub: IPsec up, no registration. */
    STATIC
}
