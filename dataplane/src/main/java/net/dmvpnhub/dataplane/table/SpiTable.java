package net.dmvpnhub.dataplane.table;

import net.dmvpnhub.crypto.SecurityAssociation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Inbound SA lookup by SPI: open addressing over an int key array and an SA array, no boxing,
 * no allocation on lookup. One writer (the control plane installing and removing SAs, two per
 * peer during a rekey overlap); any number of readers.
 * <p>
 * The writer publishes the SA before its key (release stores); a reader that finds the key loads
 * the SA (acquire) and checks that it carries the SPI it looked for, so a slot reused between the
 * two loads is never mistaken for a match: the reader probes again.
 */
public final class SpiTable
{
    /** SPI 0 is reserved (RFC 4303 section 2.1): it marks an empty slot. */
    private static final int EMPTY = 0;
    /** SPIs 1 to 255 are reserved by IANA: 1 marks a removed entry. */
    private static final int REMOVED = 1;

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle SAS = MethodHandles.arrayElementVarHandle(SecurityAssociation[].class);

    private static final class Slots
    {
        final int mask;
        final int[] keys;
        final SecurityAssociation[] sas;

        Slots(final int capacity)
        {
            mask = capacity - 1;
            keys = new int[capacity];
            sas = new SecurityAssociation[capacity];
        }
    }

    private volatile Slots slots;
    private int size;
    private int removed;

    public SpiTable(final int expectedSas)
    {
        slots = new Slots(Integer.highestOneBit(Math.max(8, expectedSas) * 4 - 1));
    }

    private static int hash(final int spi)
    {
        final int h = spi * 0x9E3779B9;
        return h ^ h >>> 16;
    }

    /**
     * Reader: the inbound SA for an SPI.
     *
     * @return the SA, or null for an unknown SPI.
     */
    public SecurityAssociation find(final int spi)
    {
        final Slots s = slots;
        for (int slot = hash(spi) & s.mask, probes = 0; probes <= s.mask; slot = slot + 1 & s.mask, probes++)
        {
            final int key = (int)INTS.getAcquire(s.keys, slot);
            if (key == EMPTY)
            {
                return null;
            }
            if (key == spi)
            {
                final SecurityAssociation sa = (SecurityAssociation)SAS.getAcquire(s.sas, slot);
                if (sa != null && sa.spi() == spi)
                {
                    return sa;
                }
            }
        }
        return null;
    }

    /**
     * Writer: installs an inbound SA under its SPI, replacing any with the same SPI.
     */
    public void put(final SecurityAssociation sa)
    {
        final int spi = sa.spi();
        if (spi >= 0 && spi <= 255)
        {
            throw new IllegalArgumentException("SPI " + spi + " is reserved (RFC 4303: 0; IANA: 1 to 255)");
        }
        if ((size + removed + 1) * 2 > slots.mask + 1)
        {
            rebuild(size * 2 + 1 > (slots.mask + 1) / 2 ? (slots.mask + 1) * 2 : slots.mask + 1);
        }
        final Slots s = slots;
        int target = -1;
        int slot = hash(spi) & s.mask;
        while (true)
        {
            final int key = s.keys[slot];
            if (key == spi)
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
        SAS.setRelease(s.sas, target, sa);
        INTS.setRelease(s.keys, target, spi);
    }

    /**
     * Writer: removes the SA with this SPI.
     *
     * @return the SA removed, or null.
     */
    public SecurityAssociation remove(final int spi)
    {
        final Slots s = slots;
        for (int slot = hash(spi) & s.mask, probes = 0; probes <= s.mask; slot = slot + 1 & s.mask, probes++)
        {
            final int key = s.keys[slot];
            if (key == EMPTY)
            {
                return null;
            }
            if (key == spi)
            {
                final SecurityAssociation sa = s.sas[slot];
                INTS.setRelease(s.keys, slot, REMOVED);
                SAS.setRelease(s.sas, slot, null);
                size--;
                removed++;
                return sa;
            }
        }
        return null;
    }

    public int size()
    {
        return size;
    }

    private void rebuild(final int capacity)
    {
        final Slots old = slots;
        final Slots fresh = new Slots(capacity);
        for (int slot = 0; slot <= old.mask; slot++)
        {
            final int key = old.keys[slot];
            if (key != EMPTY && key != REMOVED)
            {
                int at = hash(key) & fresh.mask;
                while (fresh.keys[at] != EMPTY)
                {
                    at = at + 1 & fresh.mask;
                }
                fresh.keys[at] = key;
                fresh.sas[at] = old.sas[slot];
            }
        }
        removed = 0;
        slots = fresh;
    }
}
