package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.bench.fixtures.FibTables;

import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv4.IPv4AddressAssociativeTrie;
import net.dmvpnhub.dataplane.fib.Dir24Fib;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Longest-prefix-match lookups, single thread: the hub's DIR-24-8 FIB against the seancfoley
 * IPAddress associative trie (a Java peer) on the same tables and destinations, in the same run.
 * <p>
 * Each invocation looks up the next {@value #BATCH} of 65,536 pre-drawn destinations, so the
 * caches see a realistic working set rather than one hot line. The answers are folded into the
 * returned value, so no lookup can be removed. Lookups per second per core = 1000 / (ns/op).
 * The trie's destinations are built as {@link IPv4Address} objects beforehand: the benchmark
 * times its lookup, not its parsing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class FibLookupBenchmark
{
    static final int BATCH = 1024;
    private static final int DESTINATIONS = 1 << 16;

    /** HUB_10K: the 10,000-spoke hub; SYNTHETIC_1M: a 1,000,000-prefix Internet-like table. */
    @Param({"HUB_10K", "SYNTHETIC_1M"})
    public String table;

    /** 0: uniform over prefixes; otherwise the Zipf exponent. */
    @Param({"0", "1.0"})
    public double zipf;

    private Dir24Fib fib;
    private IPv4AddressAssociativeTrie<Integer> trie;
    private int[] destinations;
    private IPv4Address[] destinationObjects;
    private int cursor;

    @Setup
    public void setUp()
    {
        final FibTables.Prefix[] prefixes = "HUB_10K".equals(table) ? FibTables.hub10k() : FibTables.synthetic(1_000_000, 42);
        fib = FibTables.build(prefixes);
        trie = new IPv4AddressAssociativeTrie<>();
        for (final FibTables.Prefix prefix : prefixes)
        {
            trie.putNode(new IPv4Address(prefix.network(), prefix.length()).toPrefixBlock(), prefix.nextHop());
        }
        destinations = FibTables.destinations(prefixes, DESTINATIONS, zipf, 7);
        destinationObjects = new IPv4Address[DESTINATIONS];
        for (int i = 0; i < DESTINATIONS; i++)
        {
            destinationObjects[i] = new IPv4Address(destinations[i]);
            final var node = trie.longestPrefixMatchNode(destinationObjects[i]);
            final int expected = node == null ? Dir24Fib.MISS : node.getValue();
            if (fib.lookup(destinations[i]) != expected)
            {
                throw new IllegalStateException("FIB and trie disagree on " + destinationObjects[i]);
            }
        }
        System.out.printf("%n# %s: %,d prefixes, FIB %.1f MiB (%,d tbl8 groups)%n",
            table, fib.size(), fib.memoryBytes() / 1048576.0, fib.groupsInUse());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int dir24()
    {
        final int[] destinations = this.destinations;
        final int start = cursor;
        int folded = 0;
        for (int i = 0; i < BATCH; i++)
        {
            folded += fib.lookup(destinations[start + i]);
        }
        cursor = start + BATCH & DESTINATIONS - 1;
        return folded;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int ipAddressTrie()
    {
        final IPv4Address[] destinations = destinationObjects;
        final int start = cursor;
        int folded = 0;
        for (int i = 0; i < BATCH; i++)
        {
            final var node = trie.longestPrefixMatchNode(destinations[start + i]);
            folded += node == null ? Dir24Fib.MISS : node.getValue();
        }
        cursor = start + BATCH & DESTINATIONS - 1;
        return folded;
    }
}
