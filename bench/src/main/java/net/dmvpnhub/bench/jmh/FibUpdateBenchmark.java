package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.bench.fixtures.FibTables;

import net.dmvpnhub.dataplane.ReaderEpochs;
import net.dmvpnhub.dataplane.fib.Dir24Fib;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * FIB update rate while a dataplane thread looks up, in one JMH group of two threads (one per
 * core here): the writer adds and removes NHRP /32 shortcut routes in the 10,000-spoke hub
 * table, which allocates and retires tbl8 groups; the reader looks up and reports a quiescent
 * point every 1,024 lookups, so retired groups are reused. Throughput mode, one operation per
 * invocation on both sides: the writer's score is route changes per second, the reader's
 * lookups per second, measured together.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class FibUpdateBenchmark
{
    private static final int DESTINATIONS = 1 << 16;

    private ReaderEpochs readers;
    private int readerSlot;
    private Dir24Fib fib;
    private int[] destinations;
    private int[] shortcuts;
    private int readCursor;
    private int writeCursor;
    private boolean adding = true;

    @Setup
    public void setUp()
    {
        readers = new ReaderEpochs(1);
        readerSlot = readers.register();
        final FibTables.Prefix[] prefixes = FibTables.hub10k();
        fib = new Dir24Fib(16_384, 65_536, readers);
        for (final FibTables.Prefix prefix : prefixes)
        {
            fib.insert(prefix.network(), prefix.length(), prefix.nextHop());
        }
        destinations = FibTables.destinations(prefixes, DESTINATIONS, 0, 3);
        // Shortcuts to hosts behind spokes: a /32 inside each spoke's /24.
        final SplittableRandom random = new SplittableRandom(5);
        shortcuts = new int[4096];
        for (int i = 0; i < shortcuts.length; i++)
        {
            shortcuts[i] = 0x0A00_0000 | (1 + random.nextInt(10_000)) << 8 | 1 + random.nextInt(254);
        }
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    public void writer()
    {
        final int address = shortcuts[writeCursor];
        if (adding)
        {
            fib.insert(address, 32, 10_001);
        }
        else
        {
            fib.delete(address, 32);
        }
        writeCursor = writeCursor + 1 & shortcuts.length - 1;
        if (writeCursor == 0)
        {
            adding = !adding;
        }
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    public int reader()
    {
        final int cursor = readCursor;
        readCursor = cursor + 1 & DESTINATIONS - 1;
        if ((cursor & FibLookupBenchmark.BATCH - 1) == 0)
        {
            readers.quiescent(readerSlot);
        }
        return fib.lookup(destinations[cursor]);
    }
}
