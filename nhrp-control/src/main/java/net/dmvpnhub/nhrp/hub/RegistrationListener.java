package net.dmvpnhub.nhrp.hub;

/**
 * Told on the NHS thread when a spoke's registration comes and goes, so that what runs over the
 * tunnel once a spoke is up (a routing protocol's adjacency, learning the spoke's LAN) can write
 * the hub's routes from the tables' one writer thread.
 */
public interface RegistrationListener
{
    RegistrationListener NONE = new RegistrationListener()
    {
    };

    /** A spoke registered (first time or from a new NBMA address). */
    default void registered(final int tunnel, final int nbma)
    {
    }

    /** A spoke's registration expired, was purged, or the spoke moved away. */
    default void unregistered(final int tunnel)
    {
    }
}
