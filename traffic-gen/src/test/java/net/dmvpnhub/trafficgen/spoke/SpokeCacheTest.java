package net.dmvpnhub.trafficgen.spoke;

import org.junit.jupiter.api.Test;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The spokes' NHRP cache table: longest-prefix match per spoke over bindings and routes, pending
 * resolutions never matched, and the prefix lengths a spoke holds kept right as entries go.
 */
class SpokeCacheTest
{
    @Test
    void longestPrefixMatchPerSpoke()
    {
        final SpokeCache cache = new SpokeCache(4, 2);
        final int lan24 = cache.add(0, parse("10.128.12.0"), 24, SpokeCache.ROUTE);
        final int host = cache.add(0, parse("10.128.12.7"), 32, SpokeCache.ROUTE);
        final int wide = cache.add(0, parse("10.128.0.0"), 16, SpokeCache.ROUTE);
        final int pending = cache.add(0, parse("10.128.12.9"), 32, SpokeCache.PENDING);
        final int other = cache.add(1, parse("10.128.12.0"), 24, SpokeCache.ROUTE);

        assertEquals(host, cache.lookup(0, parse("10.128.12.7"), -1));
        assertEquals(lan24, cache.lookup(0, parse("10.128.12.9"), -1), "a pending resolution routes nothing");
        assertEquals(wide, cache.lookup(0, parse("10.128.99.1"), -1));
        assertEquals(-1, cache.lookup(0, parse("10.129.0.1"), -1));
        assertEquals(-1, cache.lookup(0, parse("10.128.99.1"), 16), "only longer than what the caller has");
        assertEquals(other, cache.lookup(1, parse("10.128.12.7"), -1), "each spoke has its own table");
        assertEquals(-1, cache.lookup(2, parse("10.128.12.7"), -1));

        cache.remove(host);
        assertEquals(lan24, cache.lookup(0, parse("10.128.12.7"), -1));
        cache.remove(lan24);
        assertEquals(wide, cache.lookup(0, parse("10.128.12.7"), -1));
        cache.becomeBinding(pending);
        assertEquals(pending, cache.lookup(0, parse("10.128.12.9"), -1), "resolved: now a host route");
        assertEquals(pending, cache.binding(0, parse("10.128.12.9")));
        assertEquals(3, cache.size());
    }

    @Test
    void entriesAreReusedAndTheTableGrows()
    {
        final SpokeCache cache = new SpokeCache(1, 1);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 1000; i++)
            {
                cache.add(0, parse("10.0.0.0") + i, 32, SpokeCache.BINDING);
            }
            assertEquals(1000, cache.size());
            for (int i = 0; i < 1000; i++)
            {
                final int entry = cache.find(0, parse("10.0.0.0") + i, 32);
                assertEquals(parse("10.0.0.0") + i, cache.prefix(entry));
                assertEquals(entry, cache.lookup(0, parse("10.0.0.0") + i, -1));
            }
            for (int e = cache.first(0), next; e != -1; e = next)
            {
                next = cache.next(e);
                cache.remove(e);
            }
            assertEquals(0, cache.size());
            assertEquals(-1, cache.lookup(0, parse("10.0.0.5"), -1));
        }
    }
}
