package net.dmvpnhub.trafficgen.spoke;

/**
 * What happened to a spoke, reported in order to a {@link SpokeEventListener}: enough to replay
 * and compare runs event for event.
 */
public enum SpokeEvent
{
    STARTED,
    IKE_REQUESTED,
    IKE_DONE,
    /** A rekey of the SAs with the hub began (detail: the new inbound SPI). */
    REKEY_REQUESTED,
    /** The hub answered a rekey; outbound packets use the new SA (detail: its SPI). */
    REKEYED,
    IKE_REFUSED,
    REGISTRATION_SENT,
    REGISTERED,
    REGISTRATION_NAK,
    REGISTRATION_TIMEOUT,
    REGISTRATION_LOST,
    RESOLUTION_SENT,
    RESOLUTION_ANSWERED,
    RESOLUTION_NAK,
    SHORTCUT_INSTALLED,
    SHORTCUT_REFRESHED,
    ENTRY_EXPIRED,
    ENTRY_PURGED,
    PURGE_SENT,
    TRAFFIC_INDICATION,
    ERROR_INDICATION,
    NBMA_CHANGED,
    /** The one-to-one NAT in front of the spoke changed (detail: the new post-NAT address, 0 for none). */
    NAT_CHANGED,
    STOPPED
}
