package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.SecurityAssociation.Direction;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.nhrp.SaLifetime;
import net.dmvpnhub.nhrp.SimulatedIke;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub's side of a rekey, as a worker sees it: packets the peer sent under the old SA before it
 * switched are still accepted through the overlap, a packet a worker took the old outbound SA for
 * still leaves, and after the overlap the old SAs are withdrawn and, once no worker can hold them,
 * closed.
 */
class PeerSaRegistryTest
{
    private static final int HUB = 0xC612_0001;
    private static final int SPOKE = 0xC612_0002;
    private static final long OVERLAP = SaLifetime.OVERLAP_NS;

    private final SimulatedIke ike = new SimulatedIke(CryptoProvider.preferred(), Transform.AES_GCM_128,
        "registry".getBytes(StandardCharsets.US_ASCII), false);
    private final EspProcessor esp = new EspProcessor();

    /** An ESP packet the spoke sends under {@code out}: the hub's receive path finds its SA by SPI and decrypts it. */
    private EspStatus hubReceives(final HubTables tables, final SecurityAssociation spokeOut)
    {
        final MutableDirectBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(512));
        assertEquals(EspStatus.OK, esp.encrypt(spokeOut, buffer, 128, 40, 512));
        final int offset = esp.espOffset();
        final int length = esp.espLength();
        final SecurityAssociation in = tables.spis().find(buffer.getInt(offset, ByteOrder.BIG_ENDIAN));
        return in == null ? null : esp.decrypt(in, buffer, offset, length, SPOKE, HUB);
    }

    @Test
    void aRekeyAcceptsTheOldInboundSaThroughTheOverlapAndClosesTheOldOnesOnlyWhenNoWorkerCanHoldThem()
    {
        final HubTables tables = new HubTables(16, 1);
        final int reader = tables.readers().register();
        final PeerSaRegistry registry = new PeerSaRegistry(tables);
        final int saId = registry.assign(SPOKE);
        registry.install(saId, ike.pair(HUB, 0x1000, SPOKE, 0x2000));
        final PeerSas sas = tables.peerSas(saId);
        final SecurityAssociation oldIn = sas.currentInbound();
        final SecurityAssociation oldOut = sas.outbound();
        try (SecurityAssociation spokeOld = ike.sa(Direction.OUTBOUND, SPOKE, HUB, 0x1000);
             SecurityAssociation spokeNew = ike.sa(Direction.OUTBOUND, SPOKE, HUB, 0x1001))
        {
            assertEquals(EspStatus.OK, hubReceives(tables, spokeOld));

            final long now = 5_000_000_000L;
            registry.rekey(saId, ike.pair(HUB, 0x1001, SPOKE, 0x2001), now, now + OVERLAP);
            assertSame(sas, tables.peerSas(saId), "rekeyed in place: a worker's id still finds the peer's SAs");
            assertNotSame(oldOut, sas.outbound());
            assertEquals(0x2001, sas.outbound().spi());
            assertSame(sas.outbound(), tables.outboundSa(saId), "the workers' outbound array follows the switch");
            assertFalse(oldOut.isHardExpired(), "a packet a worker already took the old outbound SA for still leaves");
            final MutableDirectBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(512));
            assertEquals(EspStatus.OK, esp.encrypt(oldOut, buffer, 128, 40, 512));

            // Through the overlap: the spoke's packets under the old SA (sent before it switched) and the new one.
            assertEquals(EspStatus.OK, hubReceives(tables, spokeOld));
            assertEquals(EspStatus.OK, hubReceives(tables, spokeNew));
            assertEquals(0, registry.endOverlaps(now + OVERLAP - 1));
            assertEquals(EspStatus.OK, hubReceives(tables, spokeOld));

            assertEquals(1, registry.endOverlaps(now + OVERLAP));
            assertNull(hubReceives(tables, spokeOld), "after the overlap the old SPI is unknown");
            assertEquals(EspStatus.OK, hubReceives(tables, spokeNew));
            assertTrue(oldIn.isHardExpired());
            assertNull(sas.previousInbound());
            assertEquals(1, registry.rekeys());

            // Closed only once the worker has passed a quiescent point.
            assertEquals(0, registry.reclaim());
            tables.readers().quiescent(reader);
            assertEquals(2, registry.reclaim(), "the old outbound and the old inbound SA");
        }
        registry.release(SPOKE);
        tables.readers().quiescent(reader);
        assertEquals(1, registry.reclaim());
    }

    /**
     * The time lifetime at the hub: SAs not rekeyed within it end. Those of an address no entry
     * uses go with their id (a spoke that moved on before it registered there); those in use are
     * marked expired and keep their id; SAs keyed by hand never end.
     */
    @Test
    void sasNotRekeyedWithinTheirLifetimeEnd()
    {
        final HubTables tables = new HubTables(16, 1);
        final int reader = tables.readers().register();
        final PeerSaRegistry registry = new PeerSaRegistry(tables);
        final int lonely = 0xC612_0009;
        final int used = registry.assign(SPOKE);
        final int unused = registry.assign(lonely);
        final int manual = registry.assign(0xC612_000A);
        registry.rekey(used, ike.pair(HUB, 0x1000, SPOKE, 0x2000), 0, OVERLAP);
        registry.rekey(unused, ike.pair(HUB, 0x1001, lonely, 0x2001), 0, OVERLAP);
        registry.install(manual, ike.pair(HUB, 0x1002, 0xC612_000A, 0x2002));
        final long hard = 3600 * 1_000_000_000L;
        assertEquals(0, registry.endLifetimes(hard - 1, hard, nbma -> nbma == SPOKE));
        assertEquals(2, registry.endLifetimes(hard, hard, nbma -> nbma == SPOKE));
        assertEquals(0, registry.saIdOf(lonely), "withdrawn with its id");
        assertNull(tables.outboundSa(unused), "and gone from the workers' outbound array");
        assertNull(tables.spis().find(0x1001));
        assertEquals(used, registry.saIdOf(SPOKE), "in use: its id stays with the entry");
        assertTrue(tables.peerSas(used).outbound().isHardExpired());
        assertTrue(tables.peerSas(used).currentInbound().isHardExpired());
        assertFalse(tables.peerSas(manual).outbound().isHardExpired(), "keyed by hand: no lifetime");
        assertEquals(0, registry.endLifetimes(2 * hard, hard, nbma -> nbma == SPOKE), "each ends once");
        assertEquals(1, registry.endLifetimes(2 * hard, hard, nbma -> false), "withdrawn once its entry went too");
        assertEquals(0, registry.saIdOf(SPOKE));
        assertNull(tables.spis().find(0x1000));
        assertEquals(0, registry.endLifetimes(3 * hard, hard, nbma -> false));
        tables.readers().quiescent(reader);
        registry.reclaim();
    }

    @Test
    void aRekeyRenewsTheLifetime()
    {
        final HubTables tables = new HubTables(16, 1);
        final int reader = tables.readers().register();
        final PeerSaRegistry registry = new PeerSaRegistry(tables);
        final int saId = registry.assign(SPOKE);
        final long hard = 120 * 1_000_000_000L;
        registry.rekey(saId, ike.pair(HUB, 0x1000, SPOKE, 0x2000), 0, OVERLAP);
        registry.rekey(saId, ike.pair(HUB, 0x1001, SPOKE, 0x2001), hard / 10 * 9, hard / 10 * 9 + OVERLAP);
        assertEquals(0, registry.endLifetimes(hard, hard, nbma -> true), "rekeyed at 90%: it lives on");
        assertFalse(tables.peerSas(saId).outbound().isHardExpired());
        assertEquals(1, registry.endLifetimes(hard / 10 * 19, hard, nbma -> true));
        tables.readers().quiescent(reader);
        registry.release(SPOKE);
        tables.readers().quiescent(reader);
        registry.reclaim();
    }

    @Test
    void aRekeyWithinAnOverlapEndsThatOverlapAndAPeerWithoutSasIsInstalled()
    {
        final HubTables tables = new HubTables(16, 1);
        final int reader = tables.readers().register();
        final PeerSaRegistry registry = new PeerSaRegistry(tables);
        final int saId = registry.assign(SPOKE);
        registry.rekey(saId, ike.pair(HUB, 0x1000, SPOKE, 0x2000), 0, OVERLAP);
        assertEquals(0, registry.rekeys(), "nothing to rekey: installed");
        final SecurityAssociation first = tables.peerSas(saId).currentInbound();
        registry.rekey(saId, ike.pair(HUB, 0x1001, SPOKE, 0x2001), OVERLAP, 2 * OVERLAP);
        registry.rekey(saId, ike.pair(HUB, 0x1002, SPOKE, 0x2002), 2 * OVERLAP, 3 * OVERLAP);
        assertNull(tables.spis().find(0x1000), "the first SA's overlap ended with the second rekey");
        assertTrue(first.isHardExpired());
        assertEquals(0x1001, tables.peerSas(saId).previousInbound().spi());
        assertEquals(0x1002, tables.spis().find(0x1002).spi());
        // The ended overlap's entry finds its SA gone and does nothing; the second one's ends.
        assertEquals(2, registry.endOverlaps(3 * OVERLAP));
        assertNull(tables.spis().find(0x1001));
        assertEquals(0x1002, tables.spis().find(0x1002).spi());
        tables.readers().quiescent(reader);
        registry.release(SPOKE);
        tables.readers().quiescent(reader);
        registry.reclaim();
    }
}
