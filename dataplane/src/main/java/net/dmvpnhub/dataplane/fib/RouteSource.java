package net.dmvpnhub.dataplane.fib;

/**
 * Where a route came from, with the code letter and default administrative distance IOS uses.
 * NHRP shortcut routes (H) have distance 250, so a routing protocol's route to the same prefix
 * wins; a shortcut overrides the hub's summary because it is more specific.
 */
public enum RouteSource
{
    CONNECTED('C', 0),
    STATIC('S', 1),
    EBGP('B', 20),
    EIGRP('D', 90),
    OSPF('O', 110),
    NHRP('H', 250);

    private final char code;
    private final int defaultDistance;

    RouteSource(final char code, final int defaultDistance)
    {
        this.code = code;
        this.defaultDistance = defaultDistance;
    }

    /**
     * @return the letter {@code show ip route} prints.
     */
    public char code()
    {
        return code;
    }

    public int defaultDistance()
    {
        return defaultDistance;
    }
}
