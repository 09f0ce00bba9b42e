package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.dataplane.ring.SpscLongRing;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

import java.util.concurrent.TimeUnit;

/**
 * Passing frame slot indices from one thread to another, as a dataplane stage hands frames to the
 * next: one producer thread and one consumer thread in a JMH group (one per core here), each
 * score an index rate. Rings carry handles, never frame bytes: the frame stays in its slab slot
 * and only its index travels.
 * <p>
 * <b>The rings compared</b>, each with room for {@link #CAPACITY} indices:
 * <ul>
 *     <li>{@code ours}: {@link SpscLongRing}, one {@code offer} against one
 *     {@code pollBatch(into, 1)} (it has no single poll);</li>
 *     <li>{@code oursBatch32}: {@link SpscLongRing#offerBatch} and {@link SpscLongRing#pollBatch}
 *     of 32, as a worker's duty cycle uses them;</li>
 *     <li>{@code agrona}: Agrona's {@link OneToOneRingBuffer}, one 8-byte message per index
 *     ({@code write} from a scratch buffer), read one message per {@code read} by a
 *     {@link MessageHandler} that allocates nothing (the consumer's state is the handler);</li>
 *     <li>{@code agronaBatch32}: the same writes, read up to 32 messages per {@code read};</li>
 *     <li>{@code jctools}: JCTools' {@link SpscArrayQueue} of {@link Integer}, one
 *     {@code offer} against one {@code poll}; every index has its {@code Integer} made at
 *     set-up, so boxing allocates nothing and the consumer unboxes (one more load);</li>
 *     <li>{@code jctoolsBatch32}: the same queue through {@code fill} and {@code drain} of 32,
 *     with the producer and consumer states as the non-allocating supplier and consumer.</li>
 * </ul>
 * <b>What is measured.</b> Throughput mode, one index per operation ({@code @OperationsPerInvocation(32)}
 * for the batch groups, whose every invocation moves exactly 32): the producer's score is indices
 * offered per second, the consumer's indices taken per second, measured together, and the
 * group's score their sum. A side that finds the ring full (producer) or empty (consumer) spins
 * inside the invocation until it can go on, as a pinned dataplane thread would, so the slower
 * side paces both and the two scores agree; the spin gives up when JMH ends the iteration
 * ({@link Control#stopMeasurement}), so neither side can hang on a partner that has stopped.
 * <p>
 * <b>Checked.</b> The producer sends slot indices 0, 1, 2, ... modulo {@link #SLOTS}; the consumer
 * compares every index it takes with the next it expects and counts mismatches, and the trial
 * fails at tear-down if any index was lost, duplicated or reordered, or none arrived. The
 * comparison is one branch per index in every group alike.
 * <p>
 * <b>What this is not.</b> Nothing is done with a frame: these are the costs of the hand-off
 * alone, with both threads doing nothing else, so the rings' cache lines bounce between the two
 * cores as fast as they can. A real stage does work per frame and finds the ring less contended.
 * This machine has 2 cores, so the JMH control thread and the OS share them with the group.
 * <p>
 * <b>Expected shape.</b> No group should allocate ({@code -prof gc}: gc.alloc.rate.norm about
 * 0 B/op). Batches should beat single operations: they publish a position once per 32 indices.
 * <p>
 * The JVM flags are fixed here so the result JSON records them, as in the other benchmarks.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RingBenchmark
{
    /** Indices in the ring at most. */
    static final int CAPACITY = 1024;
    /** Frame slots whose indices travel (a slab larger than a ring, as in the hub). */
    static final int SLOTS = 4096;
    static final int SLOT_MASK = SLOTS - 1;
    static final int BATCH = 32;
    static final int MESSAGE_TYPE = 1;
    static final int MESSAGE_LENGTH = Long.BYTES;

    @State(Scope.Group)
    public static class Ours
    {
        SpscLongRing ring;

        @Setup(Level.Trial)
        public void setUp()
        {
            ring = new SpscLongRing(CAPACITY);
        }
    }

    @State(Scope.Group)
    public static class Agrona
    {
        OneToOneRingBuffer ring;

        @Setup(Level.Trial)
        public void setUp()
        {
            final int record = BitUtil.align(RecordDescriptor.HEADER_LENGTH + MESSAGE_LENGTH, RecordDescriptor.ALIGNMENT);
            final int length = CAPACITY * record + RingBufferDescriptor.TRAILER_LENGTH;
            ring = new OneToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(length, BitUtil.CACHE_LINE_LENGTH)));
        }
    }

    @State(Scope.Group)
    public static class Jctools
    {
        SpscArrayQueue<Integer> queue;

        @Setup(Level.Trial)
        public void setUp()
        {
            queue = new SpscArrayQueue<>(CAPACITY);
            if (queue.capacity() != CAPACITY)
            {
                throw new IllegalStateException("SpscArrayQueue capacity " + queue.capacity());
            }
        }
    }

    /**
     * The producer thread's own state: the next slot index to send, and what each ring needs to
     * send it. Also JCTools' {@code fill} supplier.
     */
    @State(Scope.Thread)
    public static class Producer implements MessagePassingQueue.Supplier<Integer>
    {
        long next;
        final long[] batch = new long[BATCH];
        final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);
        final Integer[] boxes = new Integer[SLOTS];

        @Setup(Level.Trial)
        public void setUp()
        {
            for (int slot = 0; slot < SLOTS; slot++)
            {
                boxes[slot] = slot;
            }
        }

        @Override
        public Integer get()
        {
            final Integer box = boxes[(int)next];
            next = next + 1 & SLOT_MASK;
            return box;
        }
    }

    /**
     * The consumer thread's own state: checks every index it takes. Also Agrona's message handler
     * and JCTools' {@code drain} consumer, so nothing is allocated to receive.
     */
    @State(Scope.Thread)
    public static class Consumer implements MessageHandler, MessagePassingQueue.Consumer<Integer>
    {
        long expected;
        long received;
        long mismatches;
        final long[] batch = new long[BATCH];

        void take(final long slot)
        {
            if (slot != expected)
            {
                mismatches++;
            }
            expected = expected + 1 & SLOT_MASK;
            received++;
        }

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            take(buffer.getLong(index));
        }

        @Override
        public void accept(final Integer slot)
        {
            take(slot.intValue());
        }

        @TearDown(Level.Trial)
        public void check()
        {
            if (mismatches != 0 || received == 0)
            {
                throw new IllegalStateException("RingBenchmark: " + received + " indices received, " + mismatches +
                    " not the one expected");
            }
        }
    }

    @Benchmark
    @Group("ours")
    @GroupThreads(1)
    public void oursProducer(final Ours ours, final Producer producer, final Control control)
    {
        final long slot = producer.next;
        while (!ours.ring.offer(slot))
        {
            if (control.stopMeasurement)
            {
                return;
            }
        }
        producer.next = slot + 1 & SLOT_MASK;
    }

    @Benchmark
    @Group("ours")
    @GroupThreads(1)
    public void oursConsumer(final Ours ours, final Consumer consumer, final Control control)
    {
        final long[] into = consumer.batch;
        while (ours.ring.pollBatch(into, 1) == 0)
        {
            if (control.stopMeasurement)
            {
                return;
            }
        }
        consumer.take(into[0]);
    }

    @Benchmark
    @Group("oursBatch32")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public void oursBatch32Producer(final Ours ours, final Producer producer, final Control control)
    {
        final long[] batch = producer.batch;
        final long next = producer.next;
        for (int i = 0; i < BATCH; i++)
        {
            batch[i] = next + i & SLOT_MASK;
        }
        int offered = 0;
        while (true)
        {
            offered += ours.ring.offerBatch(batch, offered, BATCH - offered);
            if (offered == BATCH || control.stopMeasurement)
            {
                break;
            }
        }
        producer.next = next + offered & SLOT_MASK;
    }

    @Benchmark
    @Group("oursBatch32")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public void oursBatch32Consumer(final Ours ours, final Consumer consumer, final Control control)
    {
        final long[] into = consumer.batch;
        int taken = 0;
        while (true)
        {
            final int count = ours.ring.pollBatch(into, BATCH - taken);
            for (int i = 0; i < count; i++)
            {
                consumer.take(into[i]);
            }
            taken += count;
            if (taken == BATCH || control.stopMeasurement)
            {
                break;
            }
        }
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public void agronaProducer(final Agrona agrona, final Producer producer, final Control control)
    {
        write(agrona, producer, control);
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public void agronaConsumer(final Agrona agrona, final Consumer consumer, final Control control)
    {
        while (agrona.ring.read(consumer, 1) == 0)
        {
            if (control.stopMeasurement)
            {
                return;
            }
        }
    }

    @Benchmark
    @Group("agronaBatch32")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public void agronaBatch32Producer(final Agrona agrona, final Producer producer, final Control control)
    {
        for (int i = 0; i < BATCH; i++)
        {
            if (!write(agrona, producer, control))
            {
                return;
            }
        }
    }

    @Benchmark
    @Group("agronaBatch32")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public void agronaBatch32Consumer(final Agrona agrona, final Consumer consumer, final Control control)
    {
        int taken = 0;
        while (true)
        {
            taken += agrona.ring.read(consumer, BATCH - taken);
            if (taken == BATCH || control.stopMeasurement)
            {
                break;
            }
        }
    }

    /**
     * One index as an 8-byte message, spinning while the ring is full.
     *
     * @return false when the iteration ended first.
     */
    private static boolean write(final Agrona agrona, final Producer producer, final Control control)
    {
        final long slot = producer.next;
        producer.message.putLong(0, slot);
        while (!agrona.ring.write(MESSAGE_TYPE, producer.message, 0, MESSAGE_LENGTH))
        {
            if (control.stopMeasurement)
            {
                return false;
            }
        }
        producer.next = slot + 1 & SLOT_MASK;
        return true;
    }

    @Benchmark
    @Group("jctools")
    @GroupThreads(1)
    public void jctoolsProducer(final Jctools jctools, final Producer producer, final Control control)
    {
        final long slot = producer.next;
        final Integer box = producer.boxes[(int)slot];
        while (!jctools.queue.offer(box))
        {
            if (control.stopMeasurement)
            {
                return;
            }
        }
        producer.next = slot + 1 & SLOT_MASK;
    }

    @Benchmark
    @Group("jctools")
    @GroupThreads(1)
    public void jctoolsConsumer(final Jctools jctools, final Consumer consumer, final Control control)
    {
        Integer slot;
        while ((slot = jctools.queue.poll()) == null)
        {
            if (control.stopMeasurement)
            {
                return;
            }
        }
        consumer.take(slot.intValue());
    }

    @Benchmark
    @Group("jctoolsBatch32")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public void jctoolsBatch32Producer(final Jctools jctools, final Producer producer, final Control control)
    {
        int filled = 0;
        while (true)
        {
            filled += jctools.queue.fill(producer, BATCH - filled);
            if (filled == BATCH || control.stopMeasurement)
            {
                break;
            }
        }
    }

    @Benchmark
    @Group("jctoolsBatch32")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public void jctoolsBatch32Consumer(final Jctools jctools, final Consumer consumer, final Control control)
    {
        int drained = 0;
        while (true)
        {
            drained += jctools.queue.drain(consumer, BATCH - drained);
            if (drained == BATCH || control.stopMeasurement)
            {
                break;
            }
        }
    }
}
