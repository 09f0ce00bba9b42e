package net.dmvpnhub.dataplane.table;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.Transform;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SpiTableTest
{
    private static SecurityAssociation sa(final int spi)
    {
        return SecurityAssociation.create(CryptoProvider.BOUNCY_CASTLE, Transform.AES_GCM_128, new byte[20], spi,
            SecurityAssociation.Direction.INBOUND, false);
    }

    @Test
    void findsPutsReplacesAndRemoves()
    {
        final SpiTable table = new SpiTable(4);
        final List<SecurityAssociation> sas = new ArrayList<>();
        for (int i = 0; i < 5000; i++)
        {
            final SecurityAssociation sa = sa(0x1000 + i * 7919);
            sas.add(sa);
            table.put(sa);
        }
        assertEquals(5000, table.size());
        for (final SecurityAssociation sa : sas)
        {
            assertSame(sa, table.find(sa.spi()));
        }
        assertNull(table.find(0x0FFF));
        final SecurityAssociation replacement = sa(sas.get(3).spi());
        table.put(replacement);
        assertSame(replacement, table.find(replacement.spi()));
        assertEquals(5000, table.size());
        assertSame(replacement, table.remove(replacement.spi()));
        assertNull(table.find(replacement.spi()));
        assertNull(table.remove(replacement.spi()));
        assertSame(sas.get(4), table.find(sas.get(4).spi()), "probing passes over the removed slot");
        assertEquals(4999, table.size());
    }

    @Test
    void reservedSpisAreRejected()
    {
        final SpiTable table = new SpiTable(4);
        for (final int reserved : new int[]{0, 1, 255})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> table.put(sa(reserved)));
            assertTrue(ex.getMessage().contains("reserved"));
        }
        table.put(sa(256));
        table.put(sa(-1));
        assertNotNull(table.find(-1));
    }
}
