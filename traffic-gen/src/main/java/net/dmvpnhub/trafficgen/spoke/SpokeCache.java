package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.dataplane.fib.Dir24Fib;
import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * The NHRP caches of every simulated spoke in one struct-of-arrays table: bindings (a next hop's
 * tunnel address to its NBMA address, {@code show ip nhrp}'s entries), shortcut routes (a prefix
 * via a next hop: IOS's H routes) and resolutions in progress, each with its holding time.
 * <p>
 * Entries are found by (spoke, prefix, length) in one open-addressing map; each spoke's entries
 * form a doubly linked list for walks (purges, NBMA changes), and a bit set of the prefix lengths
 * it holds makes the longest-prefix match a few probes. No per-entry object: 100,000 spokes with
 * a few shortcuts each cost a few arrays. One thread (the spokes') reads and writes it.
 */
final class SpokeCache
{
    static final byte FREE = 0;
    /** A next hop's tunnel address (/32) bound to its NBMA address; also a host route to it. */
    static final byte BINDING = 1;
    /** A prefix via a next hop's tunnel address (an NHRP shortcut, route source H). */
    static final byte ROUTE = 2;
    /** A Resolution Request sent for this address, no answer yet: never used for forwarding. */
    static final byte PENDING = 3;

    /** A data packet took the entry since it was installed or last renewed. */
    static final int FLAG_USED = 1;
    /** A binding learned from a Resolution Request this spoke answered: it expires, never renews. */
    static final int FLAG_REQUESTER = 2;
    /** A binding installed with a route: renewed by the route's renewal, expires with it. */
    static final int FLAG_DEPENDENT = 4;
    /**
     * The peer resolved this spoke (it answered the peer's Resolution Request), so the peer holds
     * this spoke's NBMA address and gets a Purge Request when that changes. Kept when the binding
     * later also serves this spoke's own shortcut to the peer, which clears {@link #FLAG_REQUESTER}.
     */
    static final int FLAG_HOLDS_OUR_MAPPING = 8;

    private static final int NONE = -1;

    private final Long2LongHashMap index = new Long2LongHashMap(NONE);
    private int[] firstEntry;
    private long[] lengthMask;

    private int[] owner;
    private int[] prefix;
    private byte[] length;
    private byte[] kind;
    private byte[] flags;
    private int[] nextHop;
    private int[] nbma;
    private int[] target;
    private int[] requestId;
    private long[] expiresNs;
    private int[] timerId;
    private int[] next;
    private int[] previous;
    private int freeHead = NONE;
    private int used;
    private int live;

    SpokeCache(final int spokeCapacity, final int entryCapacity)
    {
        firstEntry = new int[spokeCapacity];
        Arrays.fill(firstEntry, NONE);
        lengthMask = new long[spokeCapacity];
        allocate(Math.max(16, entryCapacity));
    }

    private void allocate(final int capacity)
    {
        final int old = owner == null ? 0 : owner.length;
        owner = grow(owner, capacity);
        prefix = grow(prefix, capacity);
        length = growBytes(length, capacity);
        kind = growBytes(kind, capacity);
        flags = growBytes(flags, capacity);
        nextHop = grow(nextHop, capacity);
        nbma = grow(nbma, capacity);
        target = grow(target, capacity);
        requestId = grow(requestId, capacity);
        expiresNs = growLongs(expiresNs, capacity);
        timerId = grow(timerId, capacity);
        next = grow(next, capacity);
        previous = grow(previous, capacity);
        Arrays.fill(timerId, old, capacity, NONE);
    }

    private static int[] grow(final int[] array, final int capacity)
    {
        return array == null ? new int[capacity] : Arrays.copyOf(array, capacity);
    }

    private static byte[] growBytes(final byte[] array, final int capacity)
    {
        return array == null ? new byte[capacity] : Arrays.copyOf(array, capacity);
    }

    private static long[] growLongs(final long[] array, final int capacity)
    {
        return array == null ? new long[capacity] : Arrays.copyOf(array, capacity);
    }

    void growSpokes(final int capacity)
    {
        final int old = firstEntry.length;
        firstEntry = Arrays.copyOf(firstEntry, capacity);
        Arrays.fill(firstEntry, old, capacity, NONE);
        lengthMask = Arrays.copyOf(lengthMask, capacity);
    }

    static long key(final int spoke, final int prefix, final int length)
    {
        return (long)spoke << 38 | (long)length << 32 | prefix & 0xFFFF_FFFFL;
    }

    /** @return the entry for exactly this prefix, or -1. */
    int find(final int spoke, final int prefix, final int length)
    {
        return (int)index.get(key(spoke, prefix & Dir24Fib.mask(length), length));
    }

    /** @return the binding for a next hop's tunnel address, or -1. */
    int binding(final int spoke, final int tunnel)
    {
        final int entry = find(spoke, tunnel, 32);
        return entry >= 0 && kind[entry] == BINDING ? entry : NONE;
    }

    /**
     * Longest-prefix match over the spoke's bindings and routes longer than {@code longerThan}.
     *
     * @return the entry, or -1.
     */
    int lookup(final int spoke, final int destination, final int longerThan)
    {
        long lengths = lengthMask[spoke];
        if (longerThan >= 0)
        {
            lengths &= -(1L << (longerThan + 1));
        }
        while (lengths != 0)
        {
            final int bits = 63 - Long.numberOfLeadingZeros(lengths);
            final int entry = (int)index.get(key(spoke, destination & Dir24Fib.mask(bits), bits));
            if (entry >= 0 && kind[entry] != PENDING)
            {
                return entry;
            }
            lengths &= ~(1L << bits);
        }
        return NONE;
    }

    /**
     * Adds an entry; the prefix must not be present.
     */
    int add(final int spoke, final int prefix, final int length, final byte kind)
    {
        int entry = freeHead;
        if (entry == NONE)
        {
            if (used == owner.length)
            {
                allocate(owner.length * 2);
            }
            entry = used++;
        }
        else
        {
            freeHead = next[entry];
        }
        final int network = prefix & Dir24Fib.mask(length);
        this.owner[entry] = spoke;
        this.prefix[entry] = network;
        this.length[entry] = (byte)length;
        this.kind[entry] = kind;
        this.flags[entry] = 0;
        this.nextHop[entry] = 0;
        this.nbma[entry] = 0;
        this.target[entry] = 0;
        this.requestId[entry] = 0;
        this.expiresNs[entry] = 0;
        this.timerId[entry] = NONE;
        index.put(key(spoke, network, length), entry);
        final int head = firstEntry[spoke];
        next[entry] = head;
        previous[entry] = NONE;
        if (head != NONE)
        {
            previous[head] = entry;
        }
        firstEntry[spoke] = entry;
        if (kind != PENDING)
        {
            lengthMask[spoke] |= 1L << length;
        }
        live++;
        return entry;
    }

    /** Turns a pending resolution into a binding in place (its address was resolved). */
    void becomeBinding(final int entry)
    {
        kind[entry] = BINDING;
        lengthMask[owner[entry]] |= 1L << length[entry];
    }

    void remove(final int entry)
    {
        final int spoke = owner[entry];
        index.remove(key(spoke, prefix[entry], length[entry]));
        final int before = previous[entry];
        final int after = next[entry];
        if (before == NONE)
        {
            firstEntry[spoke] = after;
        }
        else
        {
            next[before] = after;
        }
        if (after != NONE)
        {
            previous[after] = before;
        }
        kind[entry] = FREE;
        next[entry] = freeHead;
        freeHead = entry;
        live--;
        long mask = 0;
        for (int e = firstEntry[spoke]; e != NONE; e = next[e])
        {
            if (kind[e] != PENDING)
            {
                mask |= 1L << length[e];
            }
        }
        lengthMask[spoke] = mask;
    }

    int first(final int spoke)
    {
        return firstEntry[spoke];
    }

    int next(final int entry)
    {
        return next[entry];
    }

    int size()
    {
        return live;
    }

    int owner(final int entry)
    {
        return owner[entry];
    }

    int prefix(final int entry)
    {
        return prefix[entry];
    }

    int length(final int entry)
    {
        return length[entry];
    }

    byte kind(final int entry)
    {
        return kind[entry];
    }

    boolean has(final int entry, final int flag)
    {
        return (flags[entry] & flag) != 0;
    }

    void set(final int entry, final int flag)
    {
        flags[entry] |= (byte)flag;
    }

    void clear(final int entry, final int flag)
    {
        flags[entry] &= (byte)~flag;
    }

    int nextHop(final int entry)
    {
        return nextHop[entry];
    }

    void nextHop(final int entry, final int address)
    {
        nextHop[entry] = address;
    }

    int nbma(final int entry)
    {
        return nbma[entry];
    }

    void nbma(final int entry, final int address)
    {
        nbma[entry] = address;
    }

    int target(final int entry)
    {
        return target[entry];
    }

    void target(final int entry, final int address)
    {
        target[entry] = address;
    }

    int requestId(final int entry)
    {
        return requestId[entry];
    }

    void requestId(final int entry, final int id)
    {
        requestId[entry] = id;
    }

    long expiresNs(final int entry)
    {
        return expiresNs[entry];
    }

    void expiresNs(final int entry, final long ns)
    {
        expiresNs[entry] = ns;
    }

    int timerId(final int entry)
    {
        return timerId[entry];
    }

    void timerId(final int entry, final int id)
    {
        timerId[entry] = id;
    }

    /** @return bytes of the arrays and the map, as allocated now. */
    long memoryBytes()
    {
        final long perEntry = 4L * 9 + 3 + 8L;
        return (long)owner.length * perEntry + (long)index.capacity() * 16 + (long)firstEntry.length * (4 + 8);
    }
}
