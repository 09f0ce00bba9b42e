package net.dmvpnhub.dataplane.table;

import net.dmvpnhub.wire.Ipv4Address;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The dataplane's only view of NHRP, like VPP's TEIB: tunnel (protocol) address to NBMA address,
 * outbound SA id, entry type and expiry, plus a "used" mark the dataplane sets on every packet so
 * the control plane can expire idle shortcuts and renew used ones.
 * <p>
 * Open addressing with linear probing over one int array in which each slot's fields lie
 * together in 32 bytes (key, version, NBMA, SA id, type, used mark, expiry), so a lookup with
 * 10,000 peers misses one or two cache lines, not one per field; no boxing, no allocation on
 * lookup. One writer (the control plane); any number of readers. An entry spans several fields,
 * so each slot has a seqlock: the writer makes the slot's version odd, writes, then makes it even
 * again; a reader copies the fields into its {@link View} between two reads of an even, unchanged
 * version, retrying otherwise. Readers never lock and never see a torn entry. Growing builds new
 * arrays and publishes them in one volatile write.
 */
public final class PeerTable
{
    /** Entry types, as {@code show ip nhrp} names them. */
    public enum Type
    {
        /** Configured with {@code ip nhrp map}: never expires. */
        STATIC,
        /** Learned by registration or resolution: expires with its holding time. */
        DYNAMIC,
        /** Resolution sent, no answer yet: packets to it are dropped, no new request is punted. */
        INCOMPLETE,
        /** Resolution failed: packets to it are dropped until the entry expires. */
        NEGATIVE;

        private static final Type[] VALUES = values();

        public static Type of(final int ordinal)
        {
            return VALUES[ordinal];
        }
    }

    /** Tunnel address 0.0.0.0 is never a peer: it marks an empty slot. */
    private static final int EMPTY = 0;
    /** 255.255.255.255 is never a peer: it marks a removed entry that probing must pass over. */
    private static final int REMOVED = -1;
    /** {@link View#expiresAtNs} of an entry that never expires. */
    public static final long NEVER = Long.MAX_VALUE;

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    /** Ints per slot in {@link Slots#fields}, and each field's place among them. */
    private static final int STRIDE = 8;
    private static final int KEY = 0;
    private static final int VERSION = 1;
    private static final int NBMA = 2;
    private static final int SA_ID = 3;
    private static final int TYPE = 4;
    private static final int USED = 5;
    private static final int EXPIRES_LOW = 6;
    private static final int EXPIRES_HIGH = 7;

    /** One generation of the table; replaced whole when the table grows. */
    private static final class Slots
    {
        final int mask;
        /** Slot {@code i}'s fields at {@code i * STRIDE}, as the offsets above. */
        final int[] fields;

        Slots(final int capacity)
        {
            mask = capacity - 1;
            fields = new int[capacity * STRIDE];
        }

        int key(final int slot)
        {
            return fields[slot * STRIDE + KEY];
        }

        int type(final int slot)
        {
            return fields[slot * STRIDE + TYPE];
        }

        long expiresAtNs(final int slot)
        {
            return expires(fields, slot * STRIDE);
        }
    }

    private static long expires(final int[] fields, final int at)
    {
        return (long)fields[at + EXPIRES_HIGH] << 32 | fields[at + EXPIRES_LOW] & 0xFFFF_FFFFL;
    }

    /** A reader's copy of one entry, filled by {@link #lookup}; one per reader thread. */
    public static final class View
    {
        public int tunnelAddress;
        public int nbma;
        public int saId;
        public Type type;
        public long expiresAtNs;
        /** The slot, for {@link #markUsed}. */
        public int slot;

        @Override
        public String toString()
        {
            return Ipv4Address.toString(tunnelAddress) + " -> " + Ipv4Address.toString(nbma) + " " + type + " sa " + saId;
        }
    }

    private volatile Slots slots;
    private int size;
    private int removed;

    /**
     * @param expectedPeers sized so the table stays at most half full.
     */
    public PeerTable(final int expectedPeers)
    {
        slots = new Slots(Integer.highestOneBit(Math.max(8, expectedPeers) * 4 - 1));
    }

    private static int hash(final int key)
    {
        final int h = key * 0x9E3779B9;
        return h ^ h >>> 16;
    }

    /**
     * Reader: looks up a tunnel address.
     *
     * @return true and {@code view} filled with a consistent copy of the entry, or false.
     */
    public boolean lookup(final int tunnelAddress, final View view)
    {
        final Slots s = slots;
        for (int slot = hash(tunnelAddress) & s.mask, probes = 0; probes <= s.mask; slot = slot + 1 & s.mask, probes++)
        {
            final int key = (int)INTS.getAcquire(s.fields, slot * STRIDE + KEY);
            if (key == EMPTY)
            {
                return false;
            }
            if (key == tunnelAddress && read(s, slot, tunnelAddress, view))
            {
                return true;
            }
        }
        return false;
    }

    /** Seqlock read of one slot; false when the slot no longer holds the key. */
    private static boolean read(final Slots s, final int slot, final int tunnelAddress, final View view)
    {
        final int[] fields = s.fields;
        final int at = slot * STRIDE;
        while (true)
        {
            final int before = (int)INTS.getAcquire(fields, at + VERSION);
            if ((before & 1) != 0)
            {
                Thread.onSpinWait();
                continue;
            }
            final int key = fields[at + KEY];
            final int nbma = fields[at + NBMA];
            final int saId = fields[at + SA_ID];
            final int type = fields[at + TYPE];
            final long expiresAtNs = expires(fields, at);
            VarHandle.loadLoadFence();
            if ((int)INTS.getOpaque(fields, at + VERSION) != before)
            {
                continue;
            }
            if (key != tunnelAddress)
            {
                return false;
            }
            view.tunnelAddress = key;
            view.nbma = nbma;
            view.saId = saId;
            view.type = Type.of(type);
            view.expiresAtNs = expiresAtNs;
            view.slot = slot;
            return true;
        }
    }

    /**
     * Reader: marks the entry just looked up as used. A plain int store: every writer writes
     * the same value, and a lost mark only delays a renewal by one sweep. A mark already set is
     * left alone, so between two sweeps a peer's cache line is written once, not by every packet
     * from every worker (workers marking the same lines would pass them between their cores).
     */
    public void markUsed(final View view)
    {
        final Slots s = slots;
        final int slot = view.slot;
        if (slot <= s.mask && s.fields[slot * STRIDE + USED] == 0)
        {
            s.fields[slot * STRIDE + USED] = 1;
        }
    }

    /**
     * Writer: adds or replaces the entry for {@code tunnelAddress}.
     *
     * @param expiresAtNs {@link #NEVER} for static entries; compared wrap-safely by {@link #expire}.
     */
    public void put(final int tunnelAddress, final int nbma, final int saId, final Type type, final long expiresAtNs)
    {
        if (tunnelAddress == EMPTY || tunnelAddress == REMOVED)
        {
            throw new IllegalArgumentException(Ipv4Address.toString(tunnelAddress) + " cannot be a peer's tunnel address");
        }
        if ((size + removed + 1) * 2 > slots.mask + 1)
        {
            rebuild(size * 2 + 1 > (slots.mask + 1) / 2 ? (slots.mask + 1) * 2 : slots.mask + 1);
        }
        final Slots s = slots;
        int target = -1;
        int slot = hash(tunnelAddress) & s.mask;
        while (true)
        {
            final int key = s.key(slot);
            if (key == tunnelAddress)
            {
                target = slot;
                break;
            }
            if (key == REMOVED && target < 0)
            {
                target = slot;
            }
            if (key == EMPTY)
            {
                if (target < 0)
                {
                    target = slot;
                }
                else
                {
                    removed--;
                }
                size++;
                break;
            }
            slot = slot + 1 & s.mask;
        }
        write(s, target, tunnelAddress, nbma, saId, type.ordinal(), expiresAtNs);
    }

    private static void write(
        final Slots s, final int slot, final int key, final int nbma, final int saId, final int type, final long expiresAtNs)
    {
        final int[] fields = s.fields;
        final int at = slot * STRIDE;
        final int version = fields[at + VERSION];
        fields[at + VERSION] = version + 1;
        VarHandle.storeStoreFence();
        fields[at + NBMA] = nbma;
        fields[at + SA_ID] = saId;
        fields[at + TYPE] = type;
        fields[at + EXPIRES_LOW] = (int)expiresAtNs;
        fields[at + EXPIRES_HIGH] = (int)(expiresAtNs >>> 32);
        fields[at + USED] = 0;
        INTS.setRelease(fields, at + KEY, key);
        INTS.setRelease(fields, at + VERSION, version + 2);
    }

    /**
     * Writer: removes the entry for {@code tunnelAddress}.
     *
     * @return false when there was none.
     */
    public boolean remove(final int tunnelAddress)
    {
        final Slots s = slots;
        final int slot = find(s, tunnelAddress);
        if (slot < 0)
        {
            return false;
        }
        write(s, slot, REMOVED, 0, 0, 0, 0);
        size--;
        removed++;
        return true;
    }

    private static int find(final Slots s, final int tunnelAddress)
    {
        for (int slot = hash(tunnelAddress) & s.mask, probes = 0; probes <= s.mask; slot = slot + 1 & s.mask, probes++)
        {
            final int key = s.key(slot);
            if (key == tunnelAddress)
            {
                return slot;
            }
            if (key == EMPTY)
            {
                return -1;
            }
        }
        return -1;
    }

    /**
     * Writer: reads and clears the used mark of an entry.
     *
     * @return true when a packet used the entry since the last call.
     */
    public boolean takeUsed(final int tunnelAddress)
    {
        final Slots s = slots;
        final int slot = find(s, tunnelAddress);
        if (slot < 0 || s.fields[slot * STRIDE + USED] == 0)
        {
            return false;
        }
        s.fields[slot * STRIDE + USED] = 0;
        return true;
    }

    /**
     * Writer: removes every dynamic, incomplete and negative entry whose expiry is at or before
     * {@code nowNs} (wrap-safe). Static entries never expire.
     *
     * @return entries removed.
     */
    public int expire(final long nowNs)
    {
        final Slots s = slots;
        int expired = 0;
        for (int slot = 0; slot <= s.mask; slot++)
        {
            final int key = s.key(slot);
            if (key != EMPTY && key != REMOVED && s.type(slot) != Type.STATIC.ordinal() && s.expiresAtNs(slot) - nowNs <= 0)
            {
                write(s, slot, REMOVED, 0, 0, 0, 0);
                size--;
                removed++;
                expired++;
            }
        }
        return expired;
    }

    /**
     * @return entries in the table.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return bytes of the table's array.
     */
    public long memoryBytes()
    {
        return (slots.mask + 1L) * STRIDE * Integer.BYTES;
    }

    private void rebuild(final int capacity)
    {
        final Slots old = slots;
        final Slots fresh = new Slots(capacity);
        for (int slot = 0; slot <= old.mask; slot++)
        {
            final int key = old.key(slot);
            if (key != EMPTY && key != REMOVED)
            {
                int at = hash(key) & fresh.mask;
                while (fresh.key(at) != EMPTY)
                {
                    at = at + 1 & fresh.mask;
                }
                // The whole slot as it was, version included (even: no write is under way on this thread).
                System.arraycopy(old.fields, slot * STRIDE, fresh.fields, at * STRIDE, STRIDE);
            }
        }
        removed = 0;
        // One volatile write publishes the whole new generation.
        slots = fresh;
    }
}
