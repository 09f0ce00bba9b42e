package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.nhrp.SaLifetime;
import net.dmvpnhub.nhrp.SimulatedIke;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The spoke-to-spoke SA pairs on their own: both ends made, used and deleted together, a spoke
 * that moves to another post-NAT address leaving nothing behind, and a rekey whose previous
 * inbound SAs decrypt until the overlap ends. Addresses: A's own 198.18.0.2, B's own 198.18.0.3,
 * B behind a NAT at 203.0.113.3 (then 203.0.113.30).
 */
class DirectTunnelsTest
{
    private static final int A = parse("198.18.0.2");
    private static final int B = parse("198.18.0.3");
    private static final int B_NAT = parse("203.0.113.3");
    private static final int B_NAT_2 = parse("203.0.113.30");
    private static final long SECOND = 1_000_000_000L;

    /** Own address to the one that reaches it, as Spokes.wireNbma; the inverse from it. */
    private final Map<Integer, Integer> wire = new HashMap<>(Map.of(A, A, B, B_NAT));
    private final SimulatedIke ike = new SimulatedIke(CryptoProvider.preferred(), Transform.AES_GCM_128, new byte[16], false,
        new SaLifetime(120, SaLifetime.IOS_DEFAULT.kilobytes()));
    private final DirectTunnels tunnels = new DirectTunnels(ike, new DirectTunnels.Addresses()
    {
        @Override
        public int ownOf(final int address)
        {
            return wire.entrySet().stream().filter(e -> e.getValue() == address).map(Map.Entry::getKey).findFirst().orElse(address);
        }

        @Override
        public int wireOf(final int own)
        {
            return wire.getOrDefault(own, own);
        }
    });
    private final EspProcessor esp = new EspProcessor();
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(512));

    @AfterEach
    void close()
    {
        tunnels.close();
    }

    /** Seals a packet under {@code from}'s outbound SA and opens it with {@code to}'s SAs, as the receiving spoke would. */
    private EspStatus send(final PeerSas from, final PeerSas to, final int source, final int destination)
    {
        buffer.setMemory(0, 512, (byte)0);
        final SecurityAssociation out = from.outbound();
        if (esp.encrypt(out, buffer, 128, 40, 512) != EspStatus.OK)
        {
            return EspStatus.AUTHENTICATION_FAILED;
        }
        final SecurityAssociation in = to.inbound(buffer.getInt(esp.espOffset(), java.nio.ByteOrder.BIG_ENDIAN));
        return in == null ? EspStatus.SPI_MISMATCH : esp.decrypt(in, buffer, esp.espOffset(), esp.espLength(), source, destination);
    }

    @Test
    void bothEndsAreKeyedTogetherBoundToWhatEachSeesAndGoWhenNeitherSendsThroughThem()
    {
        tunnels.establish(A, B_NAT, 0);
        tunnels.retain(A, B_NAT);
        final PeerSas a = tunnels.get(A, B_NAT);
        final PeerSas b = tunnels.get(B, A);
        assertNotNull(a, "A's end: its own address, B's post-NAT one");
        assertNotNull(b, "B's end: its own address, A's");
        // A to B: sealed by A, on the wire from A to B's post-NAT address, past the NAT to B's own address.
        assertEquals(EspStatus.OK, send(a, b, A, B));
        assertEquals(EspStatus.OK, send(b, a, B_NAT, A), "and back: A sees B's post-NAT address");
        tunnels.retain(B, A);
        tunnels.release(A, B_NAT);
        assertEquals(2, tunnels.ends(), "B still sends through the pair: A's end keeps its half");
        tunnels.release(B, A);
        assertEquals(0, tunnels.ends(), "neither sends through it: both ends go");
    }

    @Test
    void aSpokeThatMovedLeavesNoHalfBehind()
    {
        tunnels.establish(A, B_NAT, 0);
        tunnels.retain(A, B_NAT);
        tunnels.retain(B, A);
        // B goes behind another NAT: its end's binding goes first, A's later (on B's purge).
        wire.put(B, B_NAT_2);
        tunnels.release(B, A);
        assertEquals(2, tunnels.ends(), "A still holds its binding to B's old address");
        tunnels.release(A, B_NAT);
        assertEquals(0, tunnels.ends(), "the pair is found by its ends, not by B's present address");

        // A new pair to the new address while an old end nobody uses still stands: it goes too.
        wire.put(B, B_NAT);
        tunnels.establish(A, B_NAT, 0);
        wire.put(B, B_NAT_2);
        tunnels.establish(A, B_NAT_2, 0);
        assertNull(tunnels.get(A, B_NAT), "A's end to B's old address: unused, closed with its partner replaced");
        assertEquals(2, tunnels.ends(), "one pair, to B's new address");
    }

    @Test
    void aRekeyKeepsThePreviousInboundSasUntilTheOverlapEnds()
    {
        tunnels.establish(A, B_NAT, 0);
        final PeerSas a = tunnels.get(A, B_NAT);
        final PeerSas b = tunnels.get(B, A);
        final SecurityAssociation oldAOut = a.outbound();
        // A packet sealed before the rekey, delivered after it.
        assertEquals(EspStatus.OK, esp.encrypt(oldAOut, buffer, 128, 40, 512));
        final int sealedSpi = buffer.getInt(esp.espOffset(), java.nio.ByteOrder.BIG_ENDIAN);
        final byte[] inFlight = new byte[esp.espLength()];
        buffer.getBytes(esp.espOffset(), inFlight);
        final int inFlightOffset = esp.espOffset();

        assertEquals(0, tunnels.maintain(SaLifetime.IOS_DEFAULT.softNs() / 100), "nothing due");
        final long soft = new SaLifetime(120, SaLifetime.IOS_DEFAULT.kilobytes()).softNs();
        assertEquals(1, tunnels.maintain(soft + SECOND), "the pair's soft time lifetime: one rekey, both ends");
        assertEquals(1, tunnels.rekeys());
        assertSame(a, tunnels.get(A, B_NAT), "rekeyed in place");
        assertNotEquals(sealedSpi, a.outbound().spi(), "A sends under a new SA");
        assertEquals(b.previousInbound().spi(), sealedSpi, "B still accepts the old one");
        buffer.putBytes(inFlightOffset, inFlight);
        assertEquals(EspStatus.OK, esp.decrypt(b.inbound(sealedSpi), buffer, inFlightOffset, inFlight.length, A, B),
            "the packet sealed before the switch opens after it");
        assertEquals(EspStatus.OK, send(a, b, A, B), "and new packets under the new SAs");

        assertEquals(0, tunnels.maintain(soft + 2 * SECOND), "within the overlap: nothing ends");
        assertNotNull(b.previousInbound());
        tunnels.maintain(soft + SECOND + SaLifetime.OVERLAP_NS + SECOND);
        assertNull(b.previousInbound(), "the overlap over: the previous inbound SA is gone");
        assertNull(b.inbound(sealedSpi));
        assertEquals(2, tunnels.ends());
    }
}
