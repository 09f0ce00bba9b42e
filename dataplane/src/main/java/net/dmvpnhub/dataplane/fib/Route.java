package net.dmvpnhub.dataplane.fib;

import net.dmvpnhub.wire.Ipv4Address;

/**
 * One route of the routing table.
 *
 * @param prefix network address (host bits zero).
 * @param length prefix length, 0 to 32.
 * @param distance administrative distance (lower wins for the same prefix).
 */
public record Route(int prefix, int length, RouteSource source, int distance, Adjacency adjacency)
{
    public Route
    {
        if (length < 0 || length > 32)
        {
            throw new IllegalArgumentException("prefix length " + length + " outside 0..32");
        }
        if (distance < 0 || distance > 255)
        {
            throw new IllegalArgumentException("administrative distance " + distance + " outside 0..255");
        }
        prefix &= Dir24Fib.mask(length);
    }

    /**
     * A route with the source's default distance.
     */
    public static Route of(final String prefix, final int length, final RouteSource source, final Adjacency adjacency)
    {
        return new Route(Ipv4Address.parse(prefix), length, source, source.defaultDistance(), adjacency);
    }

    @Override
    public String toString()
    {
        return source.code() + " " + Ipv4Address.toString(prefix) + "/" + length + " [" + distance + "] " + adjacency;
    }
}
