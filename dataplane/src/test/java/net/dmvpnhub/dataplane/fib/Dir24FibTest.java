package net.dmvpnhub.dataplane.fib;

import net.dmvpnhub.dataplane.ReaderEpochs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.*;

class Dir24FibTest
{
    /** The obvious longest-prefix match: try every length from 32 down. */
    static final class ReferenceLpm
    {
        private final Map<Long, Integer> prefixes = new HashMap<>();

        void insert(final int prefix, final int depth, final int nextHop)
        {
            prefixes.put(key(prefix, depth), nextHop);
        }

        void delete(final int prefix, final int depth)
        {
            prefixes.remove(key(prefix, depth));
        }

        int lookup(final int address)
        {
            for (int depth = 32; depth >= 0; depth--)
            {
                final Integer nextHop = prefixes.get(key(address, depth));
                if (nextHop != null)
                {
                    return nextHop;
                }
            }
            return Dir24Fib.MISS;
        }

        private static long key(final int prefix, final int depth)
        {
            return (prefix & Dir24Fib.mask(depth) & 0xFFFF_FFFFL) << 6 | depth;
        }
    }

    @Test
    void longestPrefixWinsAndDeletesFallBack()
    {
        final Dir24Fib fib = new Dir24Fib(4, 64, null);
        assertEquals(Dir24Fib.MISS, fib.lookup(parse("10.1.2.3")));
        fib.insert(0, 0, 1);
        fib.insert(parse("10.0.0.0"), 8, 2);
        fib.insert(parse("10.1.0.0"), 16, 3);
        fib.insert(parse("10.1.2.0"), 24, 4);
        fib.insert(parse("10.1.2.128"), 25, 5);
        fib.insert(parse("10.1.2.3"), 32, 6);
        assertEquals(6, fib.lookup(parse("10.1.2.3")));
        assertEquals(32, fib.matchedDepth(parse("10.1.2.3")));
        assertEquals(4, fib.lookup(parse("10.1.2.4")));
        assertEquals(5, fib.lookup(parse("10.1.2.200")));
        assertEquals(3, fib.lookup(parse("10.1.3.1")));
        assertEquals(2, fib.lookup(parse("10.200.3.1")));
        assertEquals(1, fib.lookup(parse("11.0.0.1")));
        assertEquals(1, fib.groupsInUse());

        assertTrue(fib.delete(parse("10.1.2.0"), 24));
        assertEquals(3, fib.lookup(parse("10.1.2.4")));
        assertEquals(6, fib.lookup(parse("10.1.2.3")));
        assertFalse(fib.delete(parse("10.1.2.0"), 24));
        assertTrue(fib.delete(parse("10.1.2.3"), 32));
        assertTrue(fib.delete(parse("10.1.2.128"), 25));
        assertEquals(0, fib.groupsInUse(), "a group left uniform folds back into tbl24");
        assertEquals(3, fib.lookup(parse("10.1.2.3")));
        assertTrue(fib.delete(0, 0));
        assertEquals(Dir24Fib.MISS, fib.lookup(parse("11.0.0.1")));
    }

    /** Random inserts, replacements, deletes and lookups against the reference. */
    @Test
    void matchesTheReferenceOnRandomTables()
    {
        final SplittableRandom random = new SplittableRandom(2026);
        for (int round = 0; round < 4; round++)
        {
            final Dir24Fib fib = new Dir24Fib(1, 1 << 16, null);
            final ReferenceLpm reference = new ReferenceLpm();
            final List<int[]> installed = new ArrayList<>();
            // Prefixes clustered under a few /8s so that they overlap a lot.
            final int[] bases = {parse("10.0.0.0"), parse("172.16.0.0"), parse("198.18.0.0")};
            for (int op = 0; op < 20_000; op++)
            {
                final int choice = random.nextInt(10);
                if (choice < 6 || installed.isEmpty())
                {
                    // Short prefixes rewrite up to 2^24 entries each: keep them rare (a default route
                    // and /1 to /7 appear a few times per round) so the test stays fast.
                    final int depth = random.nextInt(1000) < 2 ? random.nextInt(8) :
                        random.nextInt(10) < 2 ? 8 + random.nextInt(25) : 16 + random.nextInt(17);
                    final int prefix = bases[random.nextInt(bases.length)] ^ random.nextInt() >>> 8;
                    final int nextHop = random.nextInt(1 << 20);
                    fib.insert(prefix, depth, nextHop);
                    reference.insert(prefix, depth, nextHop);
                    installed.add(new int[]{prefix, depth});
                }
                else
                {
                    final int[] victim = installed.remove(random.nextInt(installed.size()));
                    fib.delete(victim[0], victim[1]);
                    reference.delete(victim[0], victim[1]);
                }
                for (int probe = 0; probe < 4; probe++)
                {
                    final int address = random.nextInt(4) == 0 ? random.nextInt() :
                        bases[random.nextInt(bases.length)] ^ random.nextInt() >>> 8;
                    assertEquals(reference.lookup(address), fib.lookup(address), "round " + round + " op " + op);
                }
            }
            // A full sweep of one /16 after all that churn.
            for (int low = 0; low < 65_536; low++)
            {
                final int address = parse("10.0.0.0") | low;
                assertEquals(reference.lookup(address), fib.lookup(address));
            }
        }
    }

    @Test
    void freedGroupsWaitForEveryReaderToBeQuiescent()
    {
        final ReaderEpochs readers = new ReaderEpochs(2);
        final int reader = readers.register();
        final Dir24Fib fib = new Dir24Fib(1, 2, readers);
        fib.insert(parse("10.0.0.1"), 32, 1);
        assertTrue(fib.delete(parse("10.0.0.1"), 32));
        assertEquals(0, fib.groupsInUse());
        // The only reader has not been quiescent since: group 0 may still be read.
        fib.insert(parse("10.0.1.1"), 32, 2);
        assertTrue(fib.delete(parse("10.0.1.1"), 32));
        final IllegalStateException full = assertThrows(IllegalStateException.class, () -> fib.insert(parse("10.0.2.1"), 32, 3));
        assertTrue(full.getMessage().contains("FIB full"));
        readers.quiescent(reader);
        fib.insert(parse("10.0.2.1"), 32, 3);
        assertEquals(3, fib.lookup(parse("10.0.2.1")));
    }

    @Test
    void rejectsBadArguments()
    {
        final Dir24Fib fib = new Dir24Fib(1, 1, null);
        assertThrows(IllegalArgumentException.class, () -> fib.insert(0, 33, 1));
        assertThrows(IllegalArgumentException.class, () -> fib.insert(0, 8, Dir24Fib.MAX_NEXT_HOP + 1));
        assertThrows(IllegalArgumentException.class, () -> new Dir24Fib(2, 1, null));
    }
}
