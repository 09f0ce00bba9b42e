package net.dmvpnhub.bench;

import net.dmvpnhub.dataplane.fib.Dir24Fib;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The routing tables and destination streams the FIB benchmarks use, built from a seed so every
 * run measures the same tables.
 */
final class FibTables
{
    /** A prefix and its next hop. */
    record Prefix(int network, int length, int nextHop)
    {
    }

    private FibTables()
    {
    }

    /**
     * The hub of a 10,000-spoke DMVPN: each spoke's LAN (a /24 under 10.0.0.0/8), each spoke's
     * tunnel address as a /32 NHRP (H) route under 100.64.0.0/16, the summary 10.0.0.0/8 and a
     * default route. Next hops are the spokes (1 to 10,000); 0 is the upstream.
     */
    static Prefix[] hub10k()
    {
        final int spokes = 10_000;
        final Prefix[] prefixes = new Prefix[spokes * 2 + 2];
        int n = 0;
        prefixes[n++] = new Prefix(0, 0, 0);
        prefixes[n++] = new Prefix(0x0A00_0000, 8, 0);
        for (int spoke = 1; spoke <= spokes; spoke++)
        {
            prefixes[n++] = new Prefix(0x0A00_0000 | spoke << 8, 24, spoke);
            prefixes[n++] = new Prefix(0x6440_0000 | spoke, 32, spoke);
        }
        return prefixes;
    }

    /**
     * A synthetic 1,000,000-prefix table with a length mix like a full Internet table's: most
     * /24, fewer /16 to /23, a few /8 to /15 and /25 to /32, spread over unicast space.
     */
    static Prefix[] synthetic(final int count, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Set<Long> seen = new HashSet<>(count * 2);
        final Prefix[] prefixes = new Prefix[count];
        int n = 0;
        while (n < count)
        {
            final int roll = random.nextInt(1000);
            final int length = roll < 600 ? 24 : roll < 700 ? 23 : roll < 780 ? 22 : roll < 840 ? 21 : roll < 880 ? 20 :
                roll < 940 ? 16 + random.nextInt(4) : roll < 960 ? 8 + random.nextInt(8) : 25 + random.nextInt(8);
            // First octet 1 to 223: unicast space.
            final int address = (1 + random.nextInt(223)) << 24 | random.nextInt(1 << 24);
            final int network = length == 0 ? 0 : address & -1 << (32 - length);
            if (seen.add((network & 0xFFFF_FFFFL) << 6 | length))
            {
                prefixes[n++] = new Prefix(network, length, random.nextInt(1 << 16));
            }
        }
        return prefixes;
    }

    static Dir24Fib build(final Prefix[] prefixes)
    {
        long longPrefixes = Arrays.stream(prefixes).filter(p -> p.length() > 24).map(p -> p.network() >>> 8).distinct().count();
        final Dir24Fib fib = new Dir24Fib((int)Math.max(1, longPrefixes), (int)Math.max(1, longPrefixes) * 2, null);
        for (final Prefix prefix : prefixes)
        {
            fib.insert(prefix.network(), prefix.length(), prefix.nextHop());
        }
        return fib;
    }

    /**
     * Destinations: a random host inside a prefix chosen uniformly, or by a Zipf law over the
     * prefixes' ranks (a few spokes carry most traffic).
     */
    static int[] destinations(final Prefix[] prefixes, final int count, final double zipfExponent, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        double[] cumulative = null;
        if (zipfExponent > 0)
        {
            cumulative = new double[prefixes.length];
            double sum = 0;
            for (int rank = 0; rank < prefixes.length; rank++)
            {
                sum += 1.0 / Math.pow(rank + 1, zipfExponent);
                cumulative[rank] = sum;
            }
            for (int rank = 0; rank < prefixes.length; rank++)
            {
                cumulative[rank] /= sum;
            }
        }
        // Shuffle which prefix gets which rank, so popularity is not tied to address order.
        final int[] order = new int[prefixes.length];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        final int[] destinations = new int[count];
        for (int i = 0; i < count; i++)
        {
            final int rank;
            if (cumulative == null)
            {
                rank = random.nextInt(prefixes.length);
            }
            else
            {
                final int found = Arrays.binarySearch(cumulative, random.nextDouble());
                rank = Math.min(prefixes.length - 1, found >= 0 ? found : -found - 1);
            }
            final Prefix prefix = prefixes[order[rank]];
            final int hostBits = 32 - prefix.length();
            final int host = hostBits == 0 ? 0 : hostBits == 32 ? random.nextInt() : random.nextInt(1 << Math.min(hostBits, 30));
            destinations[i] = prefix.network() | host;
        }
        return destinations;
    }
}
