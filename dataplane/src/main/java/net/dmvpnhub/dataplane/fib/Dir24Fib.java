package net.dmvpnhub.dataplane.fib;

import net.dmvpnhub.dataplane.ReaderEpochs;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * IPv4 longest-prefix match in the DIR-24-8 layout of DPDK's rte_lpm: a 2^24-entry table indexed
 * by the top 24 bits of the address, whose entries either hold the answer or point to a
 * 256-entry group for the last 8 bits. A lookup is one or two array reads.
 * <p>
 * Entry layout (one int, so a reader never sees half an entry):
 * <pre>
 *   bit 31     valid
 *   bit 30     extended: bits 0-23 are a tbl8 group index (tbl24 only)
 *   bits 24-29 depth of the prefix that wrote the entry (0-32)
 *   bits 0-23  next-hop id (or group index)
 * </pre>
 * One writer ({@link #insert}, {@link #delete}) and any number of readers ({@link #lookup}).
 * The writer fills a new group completely before it publishes the tbl24 entry with a release
 * store, readers load with acquire, and a group freed by a delete is reused only after every
 * reader has passed a quiescent point ({@link ReaderEpochs}). A route change that spans many
 * entries is not atomic as a whole: during it each address resolves by either the old or the
 * new route, never by garbage.
 */
public final class Dir24Fib
{
    /** What {@link #lookup} returns when no prefix covers the address. */
    public static final int MISS = -1;
    /** Largest next-hop id an entry can hold. */
    public static final int MAX_NEXT_HOP = (1 << 24) - 1;

    private static final int VALID = 1 << 31;
    private static final int EXTENDED = 1 << 30;
    private static final int DEPTH_SHIFT = 24;
    private static final int DATA_MASK = (1 << 24) - 1;
    private static final int TBL24_SIZE = 1 << 24;
    private static final int GROUP_SIZE = 256;
    private static final VarHandle ENTRIES = MethodHandles.arrayElementVarHandle(int[].class);

    private final int[] tbl24 = new int[TBL24_SIZE];
    private volatile int[] tbl8;
    private final ReaderEpochs readers;
    private final int maxGroups;

    // Writer-only state.
    private final Long2LongHashMap rules = new Long2LongHashMap(-1);
    private final IntArrayList freeGroups = new IntArrayList();
    private final IntArrayList retiredGroups = new IntArrayList();
    private final LongArrayList retiredTickets = new LongArrayList();
    private int groupsInUse;
    private int groupsAllocated;

    /**
     * @param initialGroups tbl8 groups to allocate up front (each 1 KiB); the table grows to
     * {@code maxGroups} as /25 to /32 prefixes need them.
     * @param readers the quiescence tracker of the threads that look up; null when the only
     * reader is the writer's own thread (tests, tools).
     */
    public Dir24Fib(final int initialGroups, final int maxGroups, final ReaderEpochs readers)
    {
        if (initialGroups < 1 || maxGroups < initialGroups || maxGroups > 1 << 24)
        {
            throw new IllegalArgumentException("tbl8 groups: initial " + initialGroups + " and max " + maxGroups +
                " must satisfy 1 <= initial <= max <= 16777216");
        }
        this.tbl8 = new int[initialGroups * GROUP_SIZE];
        this.maxGroups = maxGroups;
        this.readers = readers;
    }

    /**
     * @return the next-hop id of the longest prefix covering {@code address}, or {@link #MISS}.
     */
    public int lookup(final int address)
    {
        int entry = (int)ENTRIES.getAcquire(tbl24, address >>> 8);
        if ((entry & EXTENDED) != 0)
        {
            entry = (int)ENTRIES.getAcquire(tbl8, (entry & DATA_MASK) << 8 | address & 0xFF);
        }
        return entry < 0 ? entry & DATA_MASK : MISS;
    }

    /**
     * @return the depth of the prefix that answers for {@code address}, or -1 on a miss.
     */
    public int matchedDepth(final int address)
    {
        int entry = (int)ENTRIES.getAcquire(tbl24, address >>> 8);
        if ((entry & EXTENDED) != 0)
        {
            entry = (int)ENTRIES.getAcquire(tbl8, (entry & DATA_MASK) << 8 | address & 0xFF);
        }
        return entry < 0 ? entry >>> DEPTH_SHIFT & 0x3F : -1;
    }

    private static long ruleKey(final int prefix, final int depth)
    {
        return (prefix & 0xFFFF_FFFFL) << 6 | depth;
    }

    /**
     * @return the netmask of prefix length {@code depth} (0 for /0).
     */
    public static int mask(final int depth)
    {
        return depth == 0 ? 0 : -1 << (32 - depth);
    }

    private static int entry(final int nextHop, final int depth)
    {
        return VALID | depth << DEPTH_SHIFT | nextHop;
    }

    /**
     * @return prefixes installed.
     */
    public int size()
    {
        return rules.size();
    }

    /**
     * @return the next hop installed for exactly this prefix, or {@link #MISS}.
     */
    public int get(final int prefix, final int depth)
    {
        final long value = rules.get(ruleKey(prefix & mask(depth), depth));
        return value < 0 ? MISS : (int)value;
    }

    /**
     * Installs or replaces a prefix.
     *
     * @throws IllegalStateException when /25-/32 prefixes need more tbl8 groups than allowed.
     */
    public void insert(final int prefix, final int depth, final int nextHop)
    {
        checkDepth(depth);
        if (nextHop < 0 || nextHop > MAX_NEXT_HOP)
        {
            throw new IllegalArgumentException("next hop " + nextHop + " outside 0.." + MAX_NEXT_HOP);
        }
        final int network = prefix & mask(depth);
        rules.put(ruleKey(network, depth), nextHop);
        if (depth <= 24)
        {
            fillShort(network, depth, entry(nextHop, depth), depth);
        }
        else
        {
            fillLong(network, depth, entry(nextHop, depth), depth);
        }
    }

    /**
     * Removes a prefix; the addresses it covered fall back to the longest shorter prefix.
     *
     * @return false when the prefix was not installed.
     */
    public boolean delete(final int prefix, final int depth)
    {
        checkDepth(depth);
        final int network = prefix & mask(depth);
        if (rules.remove(ruleKey(network, depth)) < 0)
        {
            return false;
        }
        int replacement = 0;
        for (int parentDepth = depth - 1; parentDepth >= 0; parentDepth--)
        {
            final long parent = rules.get(ruleKey(network & mask(parentDepth), parentDepth));
            if (parent >= 0)
            {
                replacement = entry((int)parent, parentDepth);
                break;
            }
        }
        if (depth <= 24)
        {
            replaceShort(network, depth, replacement);
        }
        else
        {
            replaceLong(network, depth, replacement);
        }
        return true;
    }

    private static void checkDepth(final int depth)
    {
        if (depth < 0 || depth > 32)
        {
            throw new IllegalArgumentException("prefix length " + depth + " outside 0..32");
        }
    }

    private static int depthOf(final int entry)
    {
        return entry >>> DEPTH_SHIFT & 0x3F;
    }

    /** Writes {@code value} over every entry of the range whose depth is at most {@code depth}. */
    private void fillShort(final int network, final int depth, final int value, final int overDepth)
    {
        final int first = network >>> 8;
        final int count = 1 << (24 - depth);
        final int[] groups = tbl8;
        for (int i = first; i < first + count; i++)
        {
            final int current = tbl24[i];
            if ((current & EXTENDED) != 0)
            {
                final int base = (current & DATA_MASK) << 8;
                for (int j = base; j < base + GROUP_SIZE; j++)
                {
                    if (groups[j] >= 0 || depthOf(groups[j]) <= overDepth)
                    {
                        ENTRIES.setRelease(groups, j, value);
                    }
                }
            }
            else if (current >= 0 || depthOf(current) <= overDepth)
            {
                ENTRIES.setRelease(tbl24, i, value);
            }
        }
    }

    private void fillLong(final int network, final int depth, final int value, final int overDepth)
    {
        final int index = network >>> 8;
        int current = tbl24[index];
        if ((current & EXTENDED) == 0)
        {
            final int group = allocateGroup();
            final int[] groups = tbl8;
            final int base = group << 8;
            for (int j = base; j < base + GROUP_SIZE; j++)
            {
                groups[j] = current;
            }
            // Publish the group only once it is whole.
            ENTRIES.setRelease(tbl24, index, VALID | EXTENDED | group);
            current = tbl24[index];
        }
        final int[] groups = tbl8;
        final int base = (current & DATA_MASK) << 8;
        final int first = base + (network & 0xFF);
        final int count = 1 << (32 - depth);
        for (int j = first; j < first + count; j++)
        {
            if (groups[j] >= 0 || depthOf(groups[j]) <= overDepth)
            {
                ENTRIES.setRelease(groups, j, value);
            }
        }
    }

    /** Replaces every entry of the range that the deleted prefix wrote (its depth exactly). */
    private void replaceShort(final int network, final int depth, final int replacement)
    {
        final int first = network >>> 8;
        final int count = 1 << (24 - depth);
        for (int i = first; i < first + count; i++)
        {
            final int current = tbl24[i];
            if ((current & EXTENDED) != 0)
            {
                final int[] groups = tbl8;
                final int base = (current & DATA_MASK) << 8;
                for (int j = base; j < base + GROUP_SIZE; j++)
                {
                    if (groups[j] < 0 && depthOf(groups[j]) == depth)
                    {
                        ENTRIES.setRelease(groups, j, replacement);
                    }
                }
                collapseIfUniform(i, current);
            }
            else if (current < 0 && depthOf(current) == depth)
            {
                ENTRIES.setRelease(tbl24, i, replacement);
            }
        }
    }

    private void replaceLong(final int network, final int depth, final int replacement)
    {
        final int index = network >>> 8;
        final int current = tbl24[index];
        final int[] groups = tbl8;
        final int base = (current & DATA_MASK) << 8;
        final int first = base + (network & 0xFF);
        final int count = 1 << (32 - depth);
        for (int j = first; j < first + count; j++)
        {
            if (groups[j] < 0 && depthOf(groups[j]) == depth)
            {
                ENTRIES.setRelease(groups, j, replacement);
            }
        }
        collapseIfUniform(index, current);
    }

    /**
     * A group whose 256 entries all came from one prefix of depth 24 or less (or are all empty)
     * is folded back into its tbl24 entry and retired.
     */
    private void collapseIfUniform(final int index, final int extendedEntry)
    {
        final int[] groups = tbl8;
        final int group = extendedEntry & DATA_MASK;
        final int base = group << 8;
        final int first = groups[base];
        if (first < 0 && depthOf(first) > 24)
        {
            return;
        }
        for (int j = base + 1; j < base + GROUP_SIZE; j++)
        {
            if (groups[j] != first)
            {
                return;
            }
        }
        ENTRIES.setRelease(tbl24, index, first);
        retireGroup(group);
    }

    private void retireGroup(final int group)
    {
        groupsInUse--;
        if (readers == null)
        {
            freeGroups.addInt(group);
            return;
        }
        retiredGroups.addInt(group);
        retiredTickets.addLong(readers.retire());
    }

    private int allocateGroup()
    {
        reclaim();
        final int group;
        if (!freeGroups.isEmpty())
        {
            group = freeGroups.removeAt(freeGroups.size() - 1);
        }
        else
        {
            if (groupsAllocated == maxGroups)
            {
                throw new IllegalStateException("FIB full: all " + maxGroups + " tbl8 groups hold /25 to /32 prefixes");
            }
            group = groupsAllocated++;
            if (group * GROUP_SIZE >= tbl8.length)
            {
                grow();
            }
        }
        groupsInUse++;
        return group;
    }

    private void reclaim()
    {
        while (!retiredGroups.isEmpty() && readers.isSafe(retiredTickets.getLong(0)))
        {
            freeGroups.addInt(retiredGroups.removeAt(0));
            retiredTickets.removeAt(0);
        }
    }

    private void grow()
    {
        final int[] old = tbl8;
        final int groups = (int)Math.min((long)maxGroups, Math.max(old.length / GROUP_SIZE * 2L, 1));
        final int[] bigger = new int[groups * GROUP_SIZE];
        System.arraycopy(old, 0, bigger, 0, old.length);
        // Readers still on the old array see the old, consistent state; new groups only in the new.
        tbl8 = bigger;
    }

    /**
     * @return tbl8 groups holding /25 to /32 prefixes now.
     */
    public int groupsInUse()
    {
        return groupsInUse;
    }

    /**
     * @return bytes of the lookup tables (tbl24 and the allocated tbl8 groups).
     */
    public long memoryBytes()
    {
        return (long)tbl24.length * Integer.BYTES + (long)tbl8.length * Integer.BYTES;
    }
}
