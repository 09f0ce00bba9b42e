package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.dataplane.Drop;
import net.dmvpnhub.dataplane.DropReasons;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpCieFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpExtensionFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static net.dmvpnhub.nhrp.hub.HubRig.HUB_NBMA;
import static net.dmvpnhub.nhrp.hub.HubRig.HUB_TUNNEL;
import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub's NHS, message by message, with hand-built NHRP from raw clients through the real
 * dataplane (ESP, GRE): what it answers, what it changes, and that a bad request changes nothing.
 */
class NhrpServerTest
{
    private static final long SECOND = 1_000_000_000L;
    private HubRig rig;

    @AfterEach
    void conservedAndNoLeak()
    {
        if (rig != null)
        {
            rig.assertConservedAndNoLeak();
        }
    }

    /** A client that has done IKE and registered (unique, 7200 s), its successful reply consumed. */
    private HubRig.Client registered(final String tunnel, final String nbma)
    {
        final HubRig.Client client = rig.client(tunnel, nbma).ike();
        client.register(true, 7200, null);
        rig.run();
        assertEquals(Nhrp.CIE_SUCCESS, cieCode(client.next()));
        return client;
    }

    private static int cieCode(final NhrpPacket packet)
    {
        return new NhrpCieFlyweight().wrap(packet.buffer(), packet.bodyOffset()).code();
    }

    private static NhrpCieFlyweight firstCie(final NhrpPacket packet)
    {
        return new NhrpCieFlyweight().wrap(packet.buffer(), packet.bodyOffset());
    }

    /**
     * A static multicast peer ({@code ip nhrp map multicast}, another hub, say) that has no SAs
     * yet gets no copy (the tunnel requires IPsec, a named drop); once IKE gives it SAs, without
     * any NHRP registration, the next packet reaches it, decrypted under its own SA.
     */
    @Test
    void aStaticMulticastPeerGetsCopiesOnceIkeGaveItSasWithoutRegistering()
    {
        final int peer = parse("198.18.0.9");
        rig = new HubRig(NhsConfig.phase3(HubRig.HUB_NBMA, HubRig.HUB_TUNNEL, 16).withRedirect(false).withMulticast(false, List.of(peer)));
        final UnsafeBuffer hello = new UnsafeBuffer(new byte[60]);
        new Ipv4Flyweight().wrap(hello, 0, 60).writeHeader(0xC0, 60, 0, 0, 1, 88, HubRig.HUB_TUNNEL, parse("224.0.0.10"));
        assertTrue(rig.server.sendMulticast(hello, 0, 60));
        rig.run();
        final int noSa = DropReasons.index(Drop.NO_OUTBOUND_SA);
        assertEquals(1, rig.dataplane.totals().drops(noSa), "no SAs with the static peer yet");

        final HubRig.Client other = rig.client("10.0.9.9", "198.18.0.9").ike();
        assertTrue(rig.server.sendMulticast(hello, 0, 60));
        rig.run();
        assertEquals(1, other.data.size(), "the copy, decrypted under the peer's SA");
        assertEquals(parse("224.0.0.10"), new UnsafeBuffer(other.data.peek()).getInt(16, ByteOrder.BIG_ENDIAN));
        assertEquals(1, rig.dataplane.totals().drops(noSa));
        assertEquals(2, rig.server.traffic().multicastSent());
        assertEquals(2, rig.server.traffic().multicastListsPublished(), "published again when the peer got its SA id");
        assertThrows(IllegalArgumentException.class, () -> rig.server.sendMulticast(new UnsafeBuffer(new byte[4000]), 0, 4000),
            "longer than the MTU and a slot");
    }

    @Test
    void registrationBindsTheSpokeAndPublishesItToTheDataplane()
    {
        rig = new HubRig();
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        final long id = a.register(true, 7200, null);
        rig.run();

        final NhrpPacket reply = a.next();
        assertEquals(Nhrp.TYPE_REGISTRATION_REPLY, reply.type());
        assertEquals(id, reply.requestId());
        assertEquals(a.tunnel, reply.sourceProtocol());
        assertEquals(a.nbma, reply.sourceNbma());
        assertEquals(Nhrp.CIE_SUCCESS, cieCode(reply));
        assertEquals(7200, firstCie(reply).holdingTimeS());
        // The Responder Address names the hub.
        final NhrpExtensionFlyweight responder = new NhrpExtensionFlyweight().wrap(reply.buffer(), reply.responderAddressExtension());
        final NhrpCieFlyweight hub = new NhrpCieFlyweight().wrap(reply.buffer(), responder.valueOffset());
        assertEquals(HUB_NBMA, hub.clientNbma());
        assertEquals(HUB_TUNNEL, hub.clientProtocol());

        final NhrpBinding binding = rig.server.binding(a.tunnel);
        assertNotNull(binding);
        assertEquals(a.nbma, binding.nbma());
        assertTrue(binding.unique());
        final PeerTable.View view = new PeerTable.View();
        assertTrue(rig.tables.peers().lookup(a.tunnel, view));
        assertEquals(a.nbma, view.nbma);
        assertEquals(PeerTable.Type.DYNAMIC, view.type);
        assertNotNull(rig.tables.peerSas(view.saId), "the binding points at the spoke's SAs");
        assertEquals(1, rig.server.traffic().received(Nhrp.TYPE_REGISTRATION_REQUEST));
        assertEquals(1, rig.server.traffic().sent(Nhrp.TYPE_REGISTRATION_REPLY));
        assertEquals(1, rig.registered.size());
    }

    /**
     * A worker that drains its injection ring slowly (a small injection weight while it forwards):
     * the NHS handles no more requests than their answers have room for, waits until a chunk of
     * answers fits, leaves the rest in the punt ring and answers them once there is room; no
     * answer is lost to a full ring.
     */
    @Test
    void withTheInjectionRingFullTheNhsWaitsAndLosesNothing()
    {
        rig = new HubRig();
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        rig.run();
        final long id = a.register(true, 7200, null);
        rig.dataplane.doWork(rig.clock.nanoTime());
        assertEquals(1, rig.dataplane.nhrpPuntRings()[0].size(), "the request is decrypted and punted");
        // Fill the injection ring until a chunk of answers no longer fits beside the spare room, as a slowly drained ring would be.
        final var inject = rig.dataplane.injectFor(0);
        final int chunk = rig.server.injectChunk();
        assertEquals(Math.min(NhrpServer.INJECT_CHUNK, rig.dataplane.injectCapacity() / 4), chunk, "a chunk: at most a quarter of the ring");
        int filler = 0;
        while (rig.dataplane.injectRoom() >= NhrpServer.INJECT_SPARE + chunk)
        {
            assertTrue(inject.offerPair(-1, -1));
            filler++;
        }
        rig.server.doWork();
        assertEquals(1, rig.dataplane.nhrpPuntRings()[0].size(), "the request waits");
        assertEquals(0, rig.server.traffic().registrationsAccepted());
        assertEquals(1, rig.server.traffic().injectPacedCycles());
        final long[] pair = new long[2];
        for (int i = 0; i < filler; i++)
        {
            assertTrue(inject.pollPair(pair));
        }
        rig.run();
        final NhrpPacket reply = a.next();
        assertEquals(Nhrp.TYPE_REGISTRATION_REPLY, reply.type());
        assertEquals(id, reply.requestId());
        assertEquals(Nhrp.CIE_SUCCESS, cieCode(reply));
        assertEquals(1, rig.server.traffic().registrationsAccepted());
        assertEquals(0, rig.server.traffic().ignored(NhrpTraffic.Ignored.INJECT_RING_FULL));
    }

    @Test
    void aSecondNbmaForAUniqueAddressGetsNak14AndTheBindingStays()
    {
        rig = new HubRig();
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        final HubRig.Client thief = rig.client("10.0.0.11", "203.0.113.99").ike();
        a.register(true, 7200, null);
        rig.run();
        assertEquals(Nhrp.CIE_SUCCESS, cieCode(a.next()));

        thief.register(true, 7200, null);
        rig.run();
        assertEquals(Nhrp.CIE_ALREADY_REGISTERED, cieCode(thief.next()));
        assertEquals(a.nbma, rig.server.binding(a.tunnel).nbma());
        final PeerTable.View view = new PeerTable.View();
        assertTrue(rig.tables.peers().lookup(a.tunnel, view));
        assertEquals(a.nbma, view.nbma);
        assertEquals(1, rig.server.traffic().naksSent(Nhrp.CIE_ALREADY_REGISTERED));
    }

    @Test
    void withoutTheUniqueFlagANewNbmaTakesOverAndResolversArePurged()
    {
        rig = new HubRig();
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        final HubRig.Client c = rig.client("10.0.0.13", "203.0.113.13").ike();
        a.register(false, 7200, null);
        c.register(true, 7200, null);
        rig.run();
        a.next();
        c.next();

        // c learns a's binding from the hub (Phase 2: the hub answers).
        c.resolve(a.tunnel);
        rig.run();
        final NhrpPacket answer = c.next();
        assertEquals(Nhrp.TYPE_RESOLUTION_REPLY, answer.type());
        assertTrue((answer.flags() & Nhrp.FLAG_RESOLUTION_A) != 0, "authoritative");
        assertEquals(a.nbma, firstCie(answer).clientNbma());

        // a's address changes (dynamic IP): IKE from the new address, then re-registration.
        final HubRig.Client moved = rig.client("10.0.0.11", "203.0.113.111").ike();
        moved.register(false, 7200, null);
        rig.run();
        assertEquals(Nhrp.CIE_SUCCESS, cieCode(moved.next()));
        assertEquals(moved.nbma, rig.server.binding(a.tunnel).nbma());

        final NhrpPacket purge = c.next();
        assertEquals(Nhrp.TYPE_PURGE_REQUEST, purge.type());
        assertEquals(a.tunnel, firstCie(purge).clientProtocol());
        assertEquals(1, rig.server.traffic().purgesSent());
    }

    @Test
    void phase3ForwardsTheResolutionToTheOwnerWithTheHubInTheTransitRecord()
    {
        rig = new HubRig(NhsConfig.phase3(HUB_NBMA, HUB_TUNNEL, 16));
        final HubRig.Client a = registered("10.0.0.11", "203.0.113.11");
        final HubRig.Client b = registered("10.0.0.12", "203.0.113.12");
        rig.lanRoute(parse("192.168.12.0"), 24, b.tunnel);

        final long id = a.resolve(parse("192.168.12.7"));
        rig.run();
        assertTrue(a.received.isEmpty(), "the owner answers, not the hub");
        final NhrpPacket forwarded = b.next();
        assertEquals(Nhrp.TYPE_RESOLUTION_REQUEST, forwarded.type());
        assertEquals(id, forwarded.requestId());
        assertEquals(a.nbma, forwarded.sourceNbma());
        assertEquals(a.tunnel, forwarded.sourceProtocol());
        assertEquals(parse("192.168.12.7"), forwarded.destinationProtocol());
        assertEquals(Nhrp.DEFAULT_HOP_COUNT - 1, forwarded.hopCount());
        final NhrpExtensionFlyweight transit = new NhrpExtensionFlyweight().wrap(forwarded.buffer(), forwarded.forwardTransitExtension());
        final NhrpCieFlyweight hop = new NhrpCieFlyweight().wrap(forwarded.buffer(), transit.valueOffset());
        assertEquals(HUB_TUNNEL, hop.clientProtocol());
        assertEquals(HUB_NBMA, hop.clientNbma());
        assertEquals(1, rig.server.traffic().resolutionsForwarded());
    }

    @Test
    void aRequestThatAlreadyCrossedThisHubIsALoop()
    {
        rig = new HubRig(NhsConfig.phase3(HUB_NBMA, HUB_TUNNEL, 16));
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        a.sendNhrp(w -> w.header(Nhrp.TYPE_RESOLUTION_REQUEST, 200)
            .mandatory(Nhrp.FLAG_RESOLUTION_Q, 77, a.nbma, a.tunnel, parse("192.168.12.7"))
            .cie(Nhrp.CIE_SUCCESS, 32, 1400, 7200, 0)
            .openExtension(Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD, false)
            .cie(Nhrp.CIE_SUCCESS, 32, 1400, 7200, 0, HUB_NBMA, HUB_TUNNEL)
            .closeExtension()
            .endExtensions()
            .finish());
        rig.run();
        final NhrpPacket error = a.next();
        assertEquals(Nhrp.TYPE_ERROR_INDICATION, error.type());
        assertEquals(Nhrp.ERROR_LOOP_DETECTED, error.errorCode());
        assertEquals(a.tunnel, error.destinationProtocol());
        assertEquals(1, rig.server.traffic().errorsSent(Nhrp.ERROR_LOOP_DETECTED));
    }

    @Test
    void anUnknownCompulsoryExtensionIsError1AndChangesNothing()
    {
        rig = new HubRig();
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        a.sendNhrp(w -> w.header(Nhrp.TYPE_REGISTRATION_REQUEST, 255)
            .mandatory(Nhrp.FLAG_REGISTRATION_U, 5, a.nbma, a.tunnel, HUB_TUNNEL)
            .cie(Nhrp.CIE_SUCCESS, 32, 1400, 7200, 0)
            .emptyExtension(0x1234, true)
            .endExtensions()
            .finish());
        rig.run();
        final NhrpPacket error = a.next();
        assertEquals(Nhrp.ERROR_UNRECOGNIZED_EXTENSION, error.errorCode());
        // The offset points at the extension in the packet in error, which the indication carries.
        final int offset = error.errorOffset();
        assertEquals(0x1234 | Nhrp.EXTENSION_COMPULSORY, error.buffer().getShort(error.bodyOffset() + offset, ByteOrder.BIG_ENDIAN) & 0xFFFF);
        assertNull(rig.server.binding(a.tunnel));
    }

    @Test
    void hopCountZeroIsError15()
    {
        rig = new HubRig();
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        a.sendNhrp(w -> w.header(Nhrp.TYPE_REGISTRATION_REQUEST, 0)
            .mandatory(Nhrp.FLAG_REGISTRATION_U, 5, a.nbma, a.tunnel, HUB_TUNNEL)
            .cie(Nhrp.CIE_SUCCESS, 32, 1400, 7200, 0)
            .finish());
        rig.run();
        assertEquals(Nhrp.ERROR_HOP_COUNT_EXCEEDED, a.next().errorCode());
        assertNull(rig.server.binding(a.tunnel));
    }

    @Test
    void aWrongAuthenticationKeyIsError11AndChangesNothing()
    {
        final byte[] key = "dmvpn".getBytes(StandardCharsets.US_ASCII);
        rig = new HubRig(NhsConfig.phase3(HUB_NBMA, HUB_TUNNEL, 16).withAuthentication(key));
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        a.register(true, 7200, "wrong".getBytes(StandardCharsets.US_ASCII));
        a.register(true, 7200, null);
        rig.run();
        assertEquals(Nhrp.ERROR_AUTHENTICATION_FAILURE, a.next().errorCode());
        assertEquals(Nhrp.ERROR_AUTHENTICATION_FAILURE, a.next().errorCode());
        assertNull(rig.server.binding(a.tunnel));

        a.register(true, 7200, key);
        rig.run();
        final NhrpPacket reply = a.next();
        assertEquals(Nhrp.CIE_SUCCESS, cieCode(reply));
        assertTrue(new NhrpExtensionFlyweight().wrap(reply.buffer(), reply.authenticationExtension()).authenticationMatches(key));
        assertNotNull(rig.server.binding(a.tunnel));
    }

    @Test
    void anErrorIndicationIsNeverAnswered()
    {
        rig = new HubRig();
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        a.sendNhrp(w -> w.header(Nhrp.TYPE_ERROR_INDICATION, 255)
            .errorIndication(Nhrp.ERROR_PROTOCOL_ERROR, 0, a.nbma, a.tunnel, HUB_TUNNEL)
            .finish());
        rig.run();
        assertTrue(a.received.isEmpty());
        assertEquals(1, rig.server.traffic().ignored(NhrpTraffic.Ignored.ERROR_INDICATION_RECEIVED));
        assertEquals(0, rig.server.traffic().totalSent());
    }

    @Test
    void noRouteIsError6AndNoBindingIsNak12()
    {
        rig = new HubRig();
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        a.register(true, 7200, null);
        rig.run();
        a.next();

        a.resolve(parse("172.16.0.1"));
        rig.run();
        assertEquals(Nhrp.ERROR_PROTOCOL_ADDRESS_UNREACHABLE, a.next().errorCode());

        a.resolve(parse("10.0.0.55"));
        rig.run();
        final NhrpPacket nak = a.next();
        assertEquals(Nhrp.TYPE_RESOLUTION_REPLY, nak.type());
        assertEquals(Nhrp.CIE_NO_BINDING, cieCode(nak));
    }

    @Test
    void aStormBeyondTheAdmissionBoundIsAnsweredNak5AndNothingIsLost()
    {
        rig = new HubRig(NhsConfig.phase3(HUB_NBMA, HUB_TUNNEL, 16).withRedirect(false).withAdmissionBound(8));
        final HubRig.Client[] spokes = new HubRig.Client[40];
        for (int i = 0; i < spokes.length; i++)
        {
            spokes[i] = rig.client("10.0.1." + (i + 1), "203.0.114." + (i + 1)).ike();
        }
        for (final HubRig.Client spoke : spokes)
        {
            spoke.register(true, 7200, null);
        }
        rig.run();
        int ok = 0;
        int busy = 0;
        for (final HubRig.Client spoke : spokes)
        {
            final int code = cieCode(spoke.next());
            ok += code == Nhrp.CIE_SUCCESS ? 1 : 0;
            busy += code == Nhrp.CIE_INSUFFICIENT_RESOURCES ? 1 : 0;
        }
        assertEquals(spokes.length, ok + busy, "every request answered");
        assertTrue(busy > 0, "the bound was exceeded");
        assertEquals(busy, rig.server.traffic().admissionNaks());
        assertEquals(ok, rig.server.cacheSize());

        // The refused retry, now without a backlog.
        for (final HubRig.Client spoke : spokes)
        {
            if (rig.server.binding(spoke.tunnel) == null)
            {
                spoke.register(true, 7200, null);
                rig.run();
                assertEquals(Nhrp.CIE_SUCCESS, cieCode(spoke.next()));
            }
        }
        assertEquals(spokes.length, rig.server.cacheSize());
    }

    @Test
    void anEntryExpiresAfterItsHoldingTimeUnlessRefreshed()
    {
        rig = new HubRig();
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        final HubRig.Client b = rig.client("10.0.0.12", "203.0.113.12").ike();
        a.register(true, 600, null);
        b.register(true, 600, null);
        rig.run();
        a.next();
        b.next();

        // a re-registers at a third of its holding time; b does not.
        for (int t = 0; t < 3; t++)
        {
            rig.advance(200 * SECOND);
            a.register(true, 600, null);
            rig.run();
            assertEquals(Nhrp.CIE_SUCCESS, cieCode(a.next()));
        }
        rig.advance(5 * SECOND);
        rig.run();
        assertNotNull(rig.server.binding(a.tunnel));
        assertNull(rig.server.binding(b.tunnel), "b expired after 605 s");
        assertFalse(rig.tables.peers().lookup(b.tunnel, new PeerTable.View()));
        assertEquals(1, rig.server.traffic().registrationsExpired());
        assertEquals(java.util.List.of(b.tunnel), rig.unregistered);

        rig.advance(7200 * SECOND);
        rig.run();
        assertNull(rig.server.binding(a.tunnel));
        assertEquals(0, rig.tables.peers().size());
    }

    @Test
    void aSpokeMayPurgeWhatItRegisteredButNotWhatOthersDid()
    {
        rig = new HubRig();
        final HubRig.Client a = registered("10.0.0.11", "203.0.113.11");
        final HubRig.Client b = registered("10.0.0.12", "203.0.113.12");

        b.sendNhrp(w -> w.header(Nhrp.TYPE_PURGE_REQUEST, 255)
            .mandatory(0, 9, b.nbma, b.tunnel, HUB_TUNNEL)
            .cie(Nhrp.CIE_SUCCESS, 32, 1400, 0, 0, a.nbma, a.tunnel)
            .finish());
        rig.run();
        assertEquals(Nhrp.TYPE_PURGE_REPLY, b.next().type());
        assertNotNull(rig.server.binding(a.tunnel), "b cannot purge a");
        assertEquals(1, rig.server.traffic().ignored(NhrpTraffic.Ignored.PURGE_NOT_OWNER));

        a.sendNhrp(w -> w.header(Nhrp.TYPE_PURGE_REQUEST, 255)
            .mandatory(Nhrp.FLAG_PURGE_N, 10, a.nbma, a.tunnel, HUB_TUNNEL)
            .cie(Nhrp.CIE_SUCCESS, 32, 1400, 0, 0, a.nbma, a.tunnel)
            .finish());
        rig.run();
        assertTrue(a.received.isEmpty(), "N: no reply wanted");
        assertNull(rig.server.binding(a.tunnel));
        assertFalse(rig.tables.peers().lookup(a.tunnel, new PeerTable.View()));
    }

    @Test
    void aHairpinGetsOneTrafficIndicationPerPairPerInterval()
    {
        rig = new HubRig(NhsConfig.phase3(HUB_NBMA, HUB_TUNNEL, 16));
        final HubRig.Client a = registered("10.0.0.11", "203.0.113.11");
        final HubRig.Client b = registered("10.0.0.12", "203.0.113.12");
        rig.lanRoute(parse("192.168.11.0"), 24, a.tunnel);
        rig.lanRoute(parse("192.168.12.0"), 24, b.tunnel);

        for (int i = 0; i < 5; i++)
        {
            a.sendData(parse("192.168.11.5"), parse("192.168.12.7"));
        }
        rig.run();
        assertEquals(5, b.data.size(), "every packet still forwarded");
        final NhrpPacket indication = a.next();
        assertEquals(Nhrp.TYPE_TRAFFIC_INDICATION, indication.type());
        assertEquals(Nhrp.TRAFFIC_CODE_REDIRECT, indication.trafficCode());
        assertTrue(indication.hopCount() >= 1);
        assertEquals(HUB_TUNNEL, indication.sourceProtocol());
        assertEquals(parse("192.168.11.5"), indication.destinationProtocol());
        // The embedded packet header names the destination a should resolve.
        assertEquals(parse("192.168.12.7"), indication.buffer().getInt(indication.bodyOffset() + 16, ByteOrder.BIG_ENDIAN));
        assertTrue(a.received.isEmpty(), "one indication per pair");

        // After the interval, another hairpin gets another indication.
        rig.advance(11 * SECOND);
        a.sendData(parse("192.168.11.5"), parse("192.168.12.7"));
        rig.run();
        assertEquals(Nhrp.TYPE_TRAFFIC_INDICATION, a.next().type());
        assertEquals(2, rig.server.traffic().sent(Nhrp.TYPE_TRAFFIC_INDICATION));
    }
}
