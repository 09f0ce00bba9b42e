package net.dmvpnhub.dataplane.table;

import net.dmvpnhub.dataplane.table.PeerTable.Type;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.*;

class PeerTableTest
{
    private static final long SECOND = 1_000_000_000L;

    private final PeerTable table = new PeerTable(16);
    private final PeerTable.View view = new PeerTable.View();

    @Test
    void entryTypesAndExpiryByAnInjectedClock()
    {
        final long now = 5 * SECOND;
        table.put(parse("10.0.0.2"), parse("3.3.3.2"), 7, Type.STATIC, PeerTable.NEVER);
        table.put(parse("10.0.0.11"), parse("198.18.1.2"), 8, Type.DYNAMIC, now + 7200 * SECOND);
        table.put(parse("10.0.0.12"), 0, 0, Type.INCOMPLETE, now + 3 * SECOND);
        table.put(parse("10.0.0.13"), 0, 0, Type.NEGATIVE, now + 180 * SECOND);
        assertEquals(4, table.size());

        assertTrue(table.lookup(parse("10.0.0.11"), view));
        assertEquals(parse("198.18.1.2"), view.nbma);
        assertEquals(8, view.saId);
        assertEquals(Type.DYNAMIC, view.type);
        assertTrue(table.lookup(parse("10.0.0.12"), view));
        assertEquals(Type.INCOMPLETE, view.type);
        assertFalse(table.lookup(parse("10.0.0.99"), view));

        // Two hours of holding time pass in a few clock steps.
        assertEquals(1, table.expire(now + 3 * SECOND));
        assertFalse(table.lookup(parse("10.0.0.12"), view));
        assertEquals(1, table.expire(now + 180 * SECOND));
        assertEquals(0, table.expire(now + 7199 * SECOND));
        assertEquals(1, table.expire(now + 7200 * SECOND));
        assertFalse(table.lookup(parse("10.0.0.11"), view));
        assertEquals(0, table.expire(Long.MAX_VALUE - 1));
        assertTrue(table.lookup(parse("10.0.0.2"), view), "static entries never expire");
        assertEquals(1, table.size());
    }

    @Test
    void usedMarkIsSetByTheDataplaneAndTakenByTheControlPlane()
    {
        table.put(parse("10.0.0.11"), parse("198.18.1.2"), 1, Type.DYNAMIC, 100);
        assertFalse(table.takeUsed(parse("10.0.0.11")));
        assertTrue(table.lookup(parse("10.0.0.11"), view));
        table.markUsed(view);
        assertTrue(table.takeUsed(parse("10.0.0.11")));
        assertFalse(table.takeUsed(parse("10.0.0.11")));
        // Replacing an entry (a renewal) clears its mark.
        table.markUsed(view);
        table.put(parse("10.0.0.11"), parse("198.18.1.3"), 1, Type.DYNAMIC, 200);
        assertFalse(table.takeUsed(parse("10.0.0.11")));
    }

    @Test
    void growsRemovesAndReinsertsThousands()
    {
        for (int i = 1; i <= 20_000; i++)
        {
            table.put(parse("10.0.0.0") + i, parse("198.18.0.0") + i, i, Type.DYNAMIC, i);
        }
        assertEquals(20_000, table.size());
        for (int i = 1; i <= 20_000; i += 2)
        {
            assertTrue(table.remove(parse("10.0.0.0") + i));
        }
        assertFalse(table.remove(parse("10.0.0.0") + 1));
        for (int i = 1; i <= 20_000; i++)
        {
            assertEquals(i % 2 == 0, table.lookup(parse("10.0.0.0") + i, view));
            if (i % 2 == 0)
            {
                assertEquals(parse("198.18.0.0") + i, view.nbma);
            }
        }
        for (int round = 0; round < 5; round++)
        {
            for (int i = 1; i <= 20_000; i += 2)
            {
                table.put(parse("10.0.0.0") + i, i, i, Type.NEGATIVE, i);
                table.remove(parse("10.0.0.0") + i);
            }
        }
        assertEquals(10_000, table.size());
        // 65,536 slots of 32 bytes hold the 20,000 entries at most half full; tombstones kept would double it.
        assertTrue(table.memoryBytes() <= 65_536L * 32, "tombstones are purged, not accumulated: " + table.memoryBytes());
    }

    @Test
    void rejectsAddressesThatMarkSlots()
    {
        assertThrows(IllegalArgumentException.class, () -> table.put(0, 1, 1, Type.STATIC, 0));
        assertThrows(IllegalArgumentException.class, () -> table.put(-1, 1, 1, Type.STATIC, 0));
    }

    /**
     * One writer rewrites entries (and grows the table) while a reader looks them up: every
     * entry the reader sees must be whole, its fields written together (nbma, sa id and expiry
     * derived from one counter).
     */
    @Test
    void aReaderNeverSeesATornEntry() throws Exception
    {
        final PeerTable shared = new PeerTable(8);
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> torn = new AtomicReference<>();
        final AtomicLong seen = new AtomicLong();
        final Thread reader = new Thread(() ->
        {
            final PeerTable.View v = new PeerTable.View();
            while (!stop.get())
            {
                for (int peer = 1; peer <= 64; peer++)
                {
                    if (shared.lookup(peer, v))
                    {
                        seen.incrementAndGet();
                        if (v.saId != v.nbma * 3 || v.expiresAtNs != v.nbma * 7L || v.tunnelAddress != peer)
                        {
                            torn.compareAndSet(null, v.toString());
                        }
                    }
                }
            }
        });
        reader.start();
        for (int counter = 1; counter < 300_000 && torn.get() == null; counter++)
        {
            final int peer = 1 + counter % 64;
            if (counter % 5 == 0)
            {
                shared.remove(peer);
            }
            else
            {
                shared.put(peer, counter, counter * 3, Type.DYNAMIC, counter * 7L);
            }
            if (counter % 50_000 == 0)
            {
                for (int extra = 0; extra < 1000; extra++)
                {
                    shared.put(1_000_000 + counter + extra, 1, 3, Type.DYNAMIC, 7);
                }
            }
        }
        stop.set(true);
        reader.join();
        assertNull(torn.get(), "torn entry seen");
        assertTrue(seen.get() > 0);
    }
}
