package net.dmvpnhub.trafficgen.spoke;

/**
 * Told of every {@link SpokeEvent}, on the spokes' thread, as it happens.
 */
@FunctionalInterface
public interface SpokeEventListener
{
    SpokeEventListener NONE = (timeNs, spoke, event, detail) -> {};

    /**
     * @param detail an event-specific number: a CIE or error code, an address, a holding time.
     */
    void onEvent(long timeNs, int spoke, SpokeEvent event, int detail);
}
