package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.dataplane.table.PeerTable;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Peer table (TEIB) lookups as the nhrp-resolve stage makes them: next-hop tunnel address to a
 * consistent copy of the binding (seqlock read), plus the used mark, for the peers of a
 * 10,000 or 100,000 spoke hub, destinations drawn uniformly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PeerTableBenchmark
{
    static final int BATCH = 1024;
    private static final int DESTINATIONS = 1 << 16;

    @Param({"10000", "100000"})
    public int peers;

    private PeerTable table;
    private final PeerTable.View view = new PeerTable.View();
    private int[] nextHops;
    private int cursor;

    @Setup
    public void setUp()
    {
        table = new PeerTable(peers);
        for (int spoke = 1; spoke <= peers; spoke++)
        {
            table.put(0x6440_0000 + spoke, 0xC612_0000 + spoke, spoke, PeerTable.Type.DYNAMIC, 7_200_000_000_000L);
        }
        final SplittableRandom random = new SplittableRandom(11);
        nextHops = new int[DESTINATIONS];
        for (int i = 0; i < DESTINATIONS; i++)
        {
            nextHops[i] = 0x6440_0000 + 1 + random.nextInt(peers);
        }
        System.out.printf("%n# %,d peers: %.1f MiB%n", peers, table.memoryBytes() / 1048576.0);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int lookupAndMarkUsed()
    {
        final int[] nextHops = this.nextHops;
        final PeerTable.View view = this.view;
        final int start = cursor;
        int folded = 0;
        for (int i = 0; i < BATCH; i++)
        {
            if (table.lookup(nextHops[start + i], view))
            {
                table.markUsed(view);
                folded += view.nbma + view.saId;
            }
        }
        cursor = start + BATCH & DESTINATIONS - 1;
        return folded;
    }
}
