package net.dmvpnhub.bench.runners;

import net.dmvpnhub.bench.fixtures.HairpinTraffic;
import net.dmvpnhub.bench.fixtures.StormSpokes;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.hub.NhrpBinding;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.TunnelFrameDecoder;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The registration-storm benchmark's set-up: its frames are what a spoke sends, the hub takes
 * every one of them through its real path, every spoke ends registered (bound, published, with its
 * SA pair and LAN route) in each of two rounds on a restarted hub, and the hub's frame accounting
 * holds. Behaviour only, no timing.
 */
class StormRunTest
{
    private static StormRun.Options small()
    {
        return new StormRun.Options(16, 300, 2, 0, 20, "64", 64, 100, 7, "backoff", HubConfig.DEFAULT_INJECT_WEIGHT);
    }

    @Test
    void everyStormSpokeRegistersThroughTheHubInEveryRound()
    {
        final StormRun run = new StormRun(small());
        try
        {
            final int n = run.spokes().count();
            for (int round = 0; round < 2; round++)
            {
                final StormRun.Round r = run.round(round, false);
                assertEquals(n, r.registered());
                assertEquals(n, r.storm().stormRequests(), "one Registration Request per spoke, no retry");
                assertEquals(n, r.storm().stormReplies(), "every reply left through the worker");
                assertEquals(0, r.steady().stormRequests());
                assertEquals(0, r.steadyAfter().stormReplies());
                assertTrue(r.steady().hairpinTransmitted() > 0 && r.storm().hairpinTransmitted() > 0 && r.steadyAfter().hairpinTransmitted() > 0,
                    "forwarding ran in every window");
                assertEquals(n, run.nhs().cacheSize());
                assertEquals(n, run.nhs().traffic().ikeExchanges(), "a new hub: one IKE exchange per storm spoke");
                assertEquals(0, run.nhs().traffic().admissionNaks());
                // The hairpin stream never runs dry, storm or not (it must not stall at the end of each pass of its ring for as
                // long as storm requests keep arriving).
                assertEquals(0, r.steady().hairpinStalls() + r.storm().hairpinStalls() + r.steadyAfter().hairpinStalls());
                // At most one redirect signal per hairpinning pair (64 frames: at most 64 pairs) per 1 s interval.
                final long intervals = 1 + (r.steady().ns() + r.storm().ns() + r.steadyAfter().ns()) / 1_000_000_000L;
                assertTrue(r.steady().redirectSignals() + r.storm().redirectSignals() + r.steadyAfter().redirectSignals() <= 64 * intervals,
                    "redirect signals: " + r.steady().redirectSignals() + " + " + r.storm().redirectSignals() + " + " +
                        r.steadyAfter().redirectSignals());
                final PeerTable.View view = new PeerTable.View();
                for (int i = 0; i < n; i++)
                {
                    final NhrpBinding binding = run.nhs().binding(run.spokes().plan().tunnel(i));
                    assertNotNull(binding, "storm spoke " + i + " registered");
                    assertEquals(run.spokes().plan().nbma(i), binding.nbma());
                    assertTrue(run.tables().peers().lookup(run.spokes().plan().tunnel(i), view), "binding published to the peer table");
                    assertEquals(run.spokes().plan().nbma(i), view.nbma);
                    assertEquals(binding.saId(), view.saId);
                    assertNotNull(run.tables().peerSas(view.saId), "the SA pair IKE built is installed");
                }
                assertEquals(n, run.advertiser().advertised(), "each registration published its spoke's LAN route");
                assertTrue(run.dataplane().conserved());
            }
        }
        finally
        {
            run.close();
        }
    }

    @Test
    void aStormFrameIsARegistrationRequestInEspThatTheHubsSaOpens()
    {
        final SimulatedIke ike = new SimulatedIke(CryptoProvider.OPENSSL, HairpinTraffic.TRANSFORM,
            "test".getBytes(StandardCharsets.US_ASCII), false);
        final StormSpokes spokes = new StormSpokes(3, ike);
        final int hubSpi = 0x0001_0000;
        spokes.build(hubSpi);
        for (int i = 0; i < 3; i++)
        {
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[spokes.length(i)]);
            frame.putBytes(0, spokes.store(), spokes.offset(i), spokes.length(i));
            final TunnelFrameDecoder decoder = new TunnelFrameDecoder();
            assertEquals(DecodeStatus.OK, decoder.decode(frame, 0, frame.capacity()));
            assertEquals(TunnelFrameDecoder.KIND_ESP, decoder.kind());
            assertEquals(spokes.plan().nbma(i), decoder.outer().source());
            assertEquals(HairpinTraffic.HUB_NBMA, decoder.outer().destination());
            assertEquals(hubSpi + i, decoder.esp().spi());
            final EspProcessor esp = new EspProcessor();
            try (SecurityAssociation hub = ike.sa(SecurityAssociation.Direction.INBOUND, spokes.plan().nbma(i), HairpinTraffic.HUB_NBMA,
                hubSpi + i))
            {
                assertEquals(EspStatus.OK, esp.decrypt(hub, frame, decoder.esp().offset(), decoder.esp().capacity()));
            }
            assertEquals(DecodeStatus.OK, decoder.decodeGre(frame, esp.innerOffset(), esp.innerLength()));
            assertEquals(TunnelFrameDecoder.KIND_GRE_NHRP, decoder.kind());
            assertEquals(HairpinTraffic.KEY, decoder.gre().key());
            final NhrpPacket nhrp = decoder.nhrp();
            assertEquals(Nhrp.TYPE_REGISTRATION_REQUEST, nhrp.type());
            assertTrue(nhrp.verifyChecksum());
            assertEquals(spokes.plan().tunnel(i), nhrp.sourceProtocol());
            assertEquals(spokes.plan().nbma(i), nhrp.sourceNbma());
            assertEquals(StormSpokes.HUB_TUNNEL, nhrp.destinationProtocol());
        }
    }

    @Test
    void optionsRefuseAWindowTheAdmissionBoundWouldNak()
    {
        assertEquals(100_000, StormRun.Options.parse("--storm-spokes", "100000").stormSpokes());
        assertThrows(IllegalArgumentException.class, () -> StormRun.Options.parse("--window", "768"));
        assertThrows(IllegalArgumentException.class, () -> StormRun.Options.parse("--rounds", "x"));
        assertThrows(IllegalArgumentException.class, () -> StormRun.Options.parse("--bogus", "1"));
        assertThrows(IllegalArgumentException.class, () -> StormRun.Options.parse("--nhs-idle", "sleepy"));
        assertEquals("busy", StormRun.Options.parse("--nhs-idle", "busy").nhsIdle());
    }
}
