package net.dmvpnhub.nhrp.eigrp;

import net.dmvpnhub.nhrp.eigrp.EigrpConfig.Prefix;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.eigrp.Eigrp;
import net.dmvpnhub.wire.eigrp.EigrpPacket;
import net.dmvpnhub.wire.eigrp.EigrpPacketWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A hub and stub spokes running {@link EigrpRouter} over an in-memory tunnel that carries their
 * real packets (each one checked by the codec on the way): the hub's multicast reaches every spoke,
 * a spoke's reaches the hub, unicast reaches its address. The seeds' Phase 2 and Phase 3 routing,
 * neighbour loss, lost and duplicated packets, goodbyes, restarts and refused neighbours.
 */
class EigrpRouterTest
{
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final int AS = 100;
    private static final int HUB = parse("10.0.0.1");
    private static final Prefix TUNNEL = new Prefix(parse("10.0.0.0"), 24);
    private static final Prefix HUB_LAN = new Prefix(parse("172.16.0.0"), 16);
    private static final Prefix SUMMARY = new Prefix(parse("192.168.0.0"), 16);

    /** A routing table: prefix to next hop (0 for a summary's Null0) and metric. */
    static final class Table implements EigrpRouter.Rib
    {
        final Map<String, String> routes = new TreeMap<>();

        @Override
        public void route(final Prefix prefix, final int nextHop, final long metric)
        {
            routes.put(prefix.toString(), "via " + net.dmvpnhub.wire.Ipv4Address.toString(nextHop) + " [90/" + metric + "]");
        }

        @Override
        public void noRoute(final Prefix prefix)
        {
            assertNotNull(routes.remove(prefix.toString()), "withdrawn without having been installed: " + prefix);
        }

        @Override
        public void summary(final Prefix prefix, final long metric)
        {
            routes.put(prefix.toString(), "is a summary, Null0 [5/" + metric + "]");
        }

        @Override
        public void noSummary(final Prefix prefix)
        {
            assertNotNull(routes.remove(prefix.toString()));
        }
    }

    private record Packet(int from, int to, byte[] bytes)
    {
    }

    /** The tunnel: hub and spokes, a queue of packets in flight, a clock, and a filter that may lose packets. */
    final class Lab
    {
        final Map<Integer, EigrpRouter> routers = new LinkedHashMap<>();
        final Map<Integer, Table> tables = new LinkedHashMap<>();
        final ArrayDeque<Packet> inFlight = new ArrayDeque<>();
        final List<Integer> silent = new ArrayList<>();
        Predicate<Packet> lose = p -> false;
        final List<Packet> sent = new ArrayList<>();
        long nowNs = 1_000 * SECOND;

        void add(final EigrpConfig config)
        {
            final int self = config.routerAddress();
            final Table table = new Table();
            tables.put(self, table);
            routers.put(self, new EigrpRouter(config, (destination, packet, offset, length) -> send(self, destination, packet, offset, length),
                table));
        }

        private boolean send(final int from, final int destination, final DirectBuffer packet, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            packet.getBytes(offset, bytes);
            final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(new UnsafeBuffer(bytes), 0, length);
            assertEquals(DecodeStatus.OK, ip.validate(), "every packet a router sends is good IPv4");
            assertEquals(from, ip.source());
            assertEquals(DecodeStatus.OK, new EigrpPacket().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength()).validate(),
                "and good EIGRP");
            if (destination == Eigrp.ALL_ROUTERS)
            {
                // The hub's multicast reaches every spoke (its multicast list); a spoke's reaches the hub (its NHS).
                for (final int to : routers.keySet())
                {
                    if (to != from && (from == HUB || to == HUB))
                    {
                        enqueue(new Packet(from, to, bytes));
                    }
                }
            }
            else
            {
                enqueue(new Packet(from, destination, bytes));
            }
            return true;
        }

        private void enqueue(final Packet packet)
        {
            sent.add(packet);
            if (!lose.test(packet) && !silent.contains(packet.from()))
            {
                inFlight.add(packet);
            }
        }

        /** Runs every router and delivers every packet, 10 ms of time a step, for {@code durationNs}. */
        void run(final long durationNs)
        {
            final long end = nowNs + durationNs;
            while (nowNs < end)
            {
                for (final Map.Entry<Integer, EigrpRouter> router : routers.entrySet())
                {
                    if (!silent.contains(router.getKey()))
                    {
                        router.getValue().doWork(nowNs);
                    }
                }
                while (!inFlight.isEmpty())
                {
                    final Packet packet = inFlight.poll();
                    final EigrpRouter to = routers.get(packet.to());
                    if (to != null && !silent.contains(packet.to()))
                    {
                        to.receive(new UnsafeBuffer(packet.bytes().clone()), 0, packet.bytes().length, nowNs);
                    }
                }
                nowNs += 10 * MS;
            }
        }

        EigrpRouter hub()
        {
            return routers.get(HUB);
        }
    }

    private static int spoke(final int i)
    {
        return HUB + i;
    }

    private static Prefix lan(final int i)
    {
        return new Prefix(parse("192.168.0.0") + (i << 8), 24);
    }

    private static EigrpConfig spokeConfig(final int i)
    {
        return EigrpConfig.defaults(AS, spoke(i), List.of(TUNNEL, lan(i))).withStub(Eigrp.STUB_CONNECTED | Eigrp.STUB_SUMMARY)
            .withInterface(1000, 50_000, 1400);
    }

    private static EigrpConfig hubConfig()
    {
        return EigrpConfig.defaults(AS, HUB, List.of(TUNNEL, HUB_LAN)).withInterface(1000, 50_000, 1400);
    }

    private Lab lab(final EigrpConfig hub, final int spokes)
    {
        final Lab lab = new Lab();
        lab.add(hub);
        for (int i = 1; i <= spokes; i++)
        {
            lab.add(spokeConfig(i));
        }
        return lab;
    }

    /** A spoke's LAN at the hub: bandwidth 1000 kbit/s, the spoke's tunnel delay and the hub's. */
    private static final long ONE_HOP = Eigrp.scaledBandwidth(1000) + 2 * Eigrp.scaledDelay(50_000);

    @Test
    void phase3TheHubLearnsEverySpokesLanAndTheSpokesOnlyItsSummary()
    {
        final Lab lab = lab(hubConfig().withSummaries(List.of(SUMMARY)), 3);
        lab.run(12 * SECOND);
        assertEquals(3, lab.hub().neighborsUp());
        assertEquals(Map.of(
            "192.168.1.0/24", "via 10.0.0.2 [90/" + ONE_HOP + "]",
            "192.168.2.0/24", "via 10.0.0.3 [90/" + ONE_HOP + "]",
            "192.168.3.0/24", "via 10.0.0.4 [90/" + ONE_HOP + "]",
            "192.168.0.0/16", "is a summary, Null0 [5/" + ONE_HOP + "]"), lab.tables.get(HUB).routes,
            "the spokes' LANs as D routes, and the summary's discard route");
        for (int i = 1; i <= 3; i++)
        {
            assertEquals(Map.of(
                "172.16.0.0/16", "via 10.0.0.1 [90/" + ONE_HOP + "]",
                "192.168.0.0/16", "via 10.0.0.1 [90/" + (ONE_HOP + Eigrp.scaledDelay(50_000)) + "]"), lab.tables.get(spoke(i)).routes,
                "spoke " + i + ": the hub's LAN and its summary, no other spoke's LAN (the tunnel is connected)");
            assertEquals(1, lab.routers.get(spoke(i)).neighborsUp());
        }
        final List<EigrpRouter.NeighborView> neighbors = lab.hub().neighbors(lab.nowNs);
        assertEquals(List.of(spoke(1), spoke(2), spoke(3)), neighbors.stream().map(EigrpRouter.NeighborView::address).sorted().toList(),
            "listed in the order they were found (their first hellos spread over the interval)");
        assertTrue(neighbors.stream().allMatch(n -> n.up() && n.queued() == 0 && n.stubFlags() == (Eigrp.STUB_CONNECTED | Eigrp.STUB_SUMMARY)));
        assertEquals(0, lab.hub().counters().retransmissions(), "nothing lost, nothing sent twice");
        assertEquals(0, lab.hub().counters().duplicates());
    }

    @Test
    void phase2WithoutSplitHorizonAndNextHopSelfSpokesLearnEachOthersLansViaEachOther()
    {
        final Lab lab = lab(hubConfig().withSplitHorizonAndNextHopSelf(false, false), 3);
        lab.run(12 * SECOND);
        final Map<String, String> spoke1 = lab.tables.get(spoke(1)).routes;
        assertEquals("via 10.0.0.3 [90/" + (ONE_HOP + Eigrp.scaledDelay(50_000)) + "]", spoke1.get("192.168.2.0/24"),
            "spoke 2's LAN with spoke 2 as next hop: spoke-to-spoke traffic can go direct");
        assertEquals("via 10.0.0.4 [90/" + (ONE_HOP + Eigrp.scaledDelay(50_000)) + "]", spoke1.get("192.168.3.0/24"));
        assertEquals("via 10.0.0.1 [90/" + ONE_HOP + "]", spoke1.get("172.16.0.0/16"));
        assertNull(spoke1.get("192.168.1.0/24"), "its own LAN is connected, not learned back");
    }

    @Test
    void withSplitHorizonOnTheSpokesLearnNoOtherSpokesLan()
    {
        final Lab lab = lab(hubConfig(), 3);
        lab.run(12 * SECOND);
        assertEquals(Map.of("172.16.0.0/16", "via 10.0.0.1 [90/" + ONE_HOP + "]"), lab.tables.get(spoke(1)).routes,
            "the hub does not send routes learned on the tunnel back out of it");
        assertEquals(3, lab.tables.get(HUB).routes.size());
    }

    @Test
    void aSilentSpokeIsDroppedAfterTheHoldTimeAndItsLanWithdrawnEverywhere()
    {
        final Lab lab = lab(hubConfig().withSplitHorizonAndNextHopSelf(false, false), 3);
        lab.run(12 * SECOND);
        assertTrue(lab.tables.get(spoke(1)).routes.containsKey("192.168.3.0/24"));
        lab.silent.add(spoke(3));
        lab.run(10 * SECOND);
        assertEquals(3, lab.hub().neighborsUp(), "10 s of silence: still held (hold time 15 s)");
        lab.run(6 * SECOND);
        assertEquals(2, lab.hub().neighborsUp());
        assertEquals(1, lab.hub().counters().holdTimeExpiries());
        assertFalse(lab.tables.get(HUB).routes.containsKey("192.168.3.0/24"), "withdrawn at the hub");
        assertFalse(lab.tables.get(spoke(1)).routes.containsKey("192.168.3.0/24"), "and from the other spokes");
        assertFalse(lab.tables.get(spoke(2)).routes.containsKey("192.168.3.0/24"));
        assertTrue(lab.tables.get(spoke(1)).routes.containsKey("192.168.2.0/24"));

        // It speaks again: a neighbour again, its LAN back everywhere.
        lab.silent.clear();
        lab.run(10 * SECOND);
        assertEquals(3, lab.hub().neighborsUp());
        assertTrue(lab.tables.get(spoke(1)).routes.containsKey("192.168.3.0/24"));
    }

    @Test
    void aLostUpdateIsSentAgainAndALostAckMakesADuplicateThatIsIgnored()
    {
        final Lab lab = lab(hubConfig().withSummaries(List.of(SUMMARY)), 1);
        final int[] updatesFromSpoke = {0};
        final int[] acksFromHub = {0};
        lab.lose = p ->
        {
            final EigrpPacket eigrp = new EigrpPacket().wrap(new UnsafeBuffer(p.bytes()), 20, p.bytes().length - 20);
            if (p.from() == spoke(1) && eigrp.opcode() == Eigrp.OPCODE_UPDATE && (eigrp.flags() & Eigrp.FLAG_INIT) == 0)
            {
                return updatesFromSpoke[0]++ == 0;
            }
            if (p.from() == HUB && eigrp.isAck() && updatesFromSpoke[0] > 1)
            {
                return acksFromHub[0]++ == 0;
            }
            return false;
        };
        lab.run(12 * SECOND);
        assertEquals("via 10.0.0.2 [90/" + ONE_HOP + "]", lab.tables.get(HUB).routes.get("192.168.1.0/24"));
        assertEquals(2, lab.routers.get(spoke(1)).counters().retransmissions(), "the lost update, then the one whose ack was lost");
        assertEquals(3, updatesFromSpoke[0], "the table sent three times, no more");
        assertEquals(1, lab.hub().counters().duplicates(), "the update received twice, acknowledged twice");
        assertEquals(0, lab.routers.get(spoke(1)).neighbors(lab.nowNs).get(0).queued());
    }

    /**
     * The acknowledgement of an INIT lost, one way and then the other: the side that is up first
     * sends its table to a neighbour that is not, which must not take (nor acknowledge) it, so it
     * comes again once the startup is complete and nothing is lost for good.
     */
    @Test
    void anInitAcknowledgementLostEitherWayLosesNoRoute()
    {
        for (final int loser : new int[]{HUB, spoke(1)})
        {
            final Lab lab = lab(hubConfig().withSummaries(List.of(SUMMARY)), 1);
            final boolean[] lost = {false};
            lab.lose = p ->
            {
                final EigrpPacket eigrp = new EigrpPacket().wrap(new UnsafeBuffer(p.bytes()), 20, p.bytes().length - 20);
                // The first acknowledgement this side sends is the one of the other side's INIT.
                if (p.from() == loser && eigrp.isAck() && !lost[0])
                {
                    lost[0] = true;
                    return true;
                }
                return false;
            };
            lab.run(12 * SECOND);
            assertTrue(lost[0]);
            assertEquals("via 10.0.0.2 [90/" + ONE_HOP + "]", lab.tables.get(HUB).routes.get("192.168.1.0/24"), "lost by " + loser);
            assertEquals(2, lab.tables.get(spoke(1)).routes.size(), "the hub's LAN and summary at the spoke, lost by " + loser);
            assertEquals(1, lab.hub().neighborsUp());
        }
    }

    @Test
    void aNeighbourThatNeverAcknowledgesIsResetAfterTheRetryLimit()
    {
        final Lab lab = lab(hubConfig(), 1);
        // The spoke hears the hub's hellos but nothing the hub sends it by unicast: its INIT is never acknowledged.
        lab.lose = p -> p.from() == spoke(1) && new EigrpPacket().wrap(new UnsafeBuffer(p.bytes()), 20, p.bytes().length - 20).isAck();
        lab.run(8 * SECOND);
        assertTrue(lab.hub().counters().retryLimitResets() >= 1);
        assertEquals(0, lab.hub().neighborsUp());
    }

    @Test
    void aGoodbyeDropsTheNeighbourAtOnce()
    {
        final Lab lab = lab(hubConfig().withSummaries(List.of(SUMMARY)), 2);
        lab.run(12 * SECOND);
        lab.routers.get(spoke(2)).goodbye();
        lab.silent.add(spoke(2));
        lab.run(100 * MS);
        assertEquals(1, lab.hub().neighborsUp());
        assertEquals(1, lab.hub().counters().goodbyesReceived());
        assertFalse(lab.tables.get(HUB).routes.containsKey("192.168.2.0/24"));
        assertTrue(lab.tables.get(HUB).routes.containsKey("192.168.0.0/16"), "spoke 1's LAN still under the summary");
    }

    @Test
    void aRestartedSpokeIsNoticedByItsInitAndGetsTheTableAgain()
    {
        final Lab lab = lab(hubConfig().withSummaries(List.of(SUMMARY)), 1);
        lab.run(12 * SECOND);
        lab.add(spokeConfig(1));
        lab.run(12 * SECOND);
        assertEquals(1, lab.hub().counters().peerRestarts(), "its INIT carries sequence 1 again, as the first one did: a restart all the same");
        assertEquals(1, lab.hub().neighborsUp(), "one neighbour, up once");
        assertEquals(2, lab.tables.get(spoke(1)).routes.size(), "the new instance learned the hub's LAN and summary");
        assertTrue(lab.tables.get(HUB).routes.containsKey("192.168.1.0/24"));
    }

    @Test
    void aPacketTheWayOutRefusesIsCounted()
    {
        final EigrpRouter router = new EigrpRouter(hubConfig(), (destination, packet, offset, length) -> false, EigrpRouter.Rib.NONE);
        router.doWork(1_000 * SECOND);
        router.doWork(1_006 * SECOND);
        assertEquals(1, router.counters().sendsRefused(), "the hello that could not go");
        assertEquals(0, router.counters().hellosSent());
    }

    @Test
    void otherKValuesOrAnotherAsMakeNoNeighbour()
    {
        final Lab lab = lab(hubConfig(), 0);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[100]);
        final int length = new EigrpPacketWriter().wrap(packet, 20, 80).header(Eigrp.OPCODE_HELLO, 0, 0, 0, AS)
            .parameter(1, 1, 1, 0, 0, 0, 15).finish();
        new Ipv4Flyweight().wrap(packet, 0, 20 + length).writeHeader(Eigrp.TOS, 20 + length, 0, 0, 1, Eigrp.IP_PROTOCOL, spoke(9),
            Eigrp.ALL_ROUTERS);
        lab.hub().receive(packet, 0, 20 + length, lab.nowNs);
        assertEquals(1, lab.hub().counters().kMismatches());
        final int otherAs = new EigrpPacketWriter().wrap(packet, 20, 80).header(Eigrp.OPCODE_HELLO, 0, 0, 0, AS + 1)
            .parameter(1, 0, 1, 0, 0, 0, 15).finish();
        lab.hub().receive(packet, 0, 20 + otherAs, lab.nowNs);
        assertEquals(1, lab.hub().counters().otherAs());
        packet.putByte(25, (byte)(packet.getByte(25) ^ 1));
        lab.hub().receive(packet, 0, 20 + otherAs, lab.nowNs);
        assertEquals(Map.of(DecodeStatus.EIGRP_BAD_CHECKSUM, 1L), lab.hub().counters().rejected());
        assertTrue(lab.hub().neighbors(lab.nowNs).isEmpty());
    }

    @Test
    void aStubAnswersAQueryWithItsOwnRouteOrUnreachable()
    {
        final Lab lab = lab(hubConfig().withSummaries(List.of(SUMMARY)), 1);
        lab.run(12 * SECOND);
        // The hub asks the spoke for its LAN and for a prefix it does not have.
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[200]);
        final int length = new EigrpPacketWriter().wrap(packet, 20, 180).header(Eigrp.OPCODE_QUERY, 0, 999, 0, AS)
            .internalRoute(0, Eigrp.DELAY_UNREACHABLE, 0, 1400, 0, 255, 1, 0, 0, 24, lan(1).prefix())
            .internalRoute(0, Eigrp.DELAY_UNREACHABLE, 0, 1400, 0, 255, 1, 0, 0, 24, lan(7).prefix())
            .finish();
        new Ipv4Flyweight().wrap(packet, 0, 20 + length).writeHeader(Eigrp.TOS, 20 + length, 0, 0, 1, Eigrp.IP_PROTOCOL, HUB, spoke(1));
        final int before = lab.sent.size();
        lab.routers.get(spoke(1)).receive(packet, 0, 20 + length, lab.nowNs);
        final List<Packet> answers = lab.sent.subList(before, lab.sent.size());
        final Packet reply = answers.stream().filter(p -> new EigrpPacket().wrap(new UnsafeBuffer(p.bytes()), 20, p.bytes().length - 20)
            .opcode() == Eigrp.OPCODE_REPLY).findFirst().orElseThrow();
        final EigrpPacket eigrp = new EigrpPacket().wrap(new UnsafeBuffer(reply.bytes()), 20, reply.bytes().length - 20);
        final net.dmvpnhub.wire.eigrp.EigrpTlvFlyweight route = new net.dmvpnhub.wire.eigrp.EigrpTlvFlyweight();
        route.wrap(eigrp.buffer(), eigrp.firstTlvOffset());
        assertEquals(lan(1).prefix(), route.destination());
        assertEquals(Eigrp.scaledDelay(50_000), route.scaledDelay(), "its own LAN, connected");
        route.wrap(eigrp.buffer(), route.nextOffset());
        assertEquals(lan(7).prefix(), route.destination());
        assertTrue(route.isUnreachable());
        assertEquals(1, lab.routers.get(spoke(1)).counters().queriesReceived());
        assertTrue(answers.stream().anyMatch(p -> new EigrpPacket().wrap(new UnsafeBuffer(p.bytes()), 20, p.bytes().length - 20).ack() == 999),
            "the query acknowledged");
    }

    @Test
    void theHubsTopologyTableHoldsItsConnectedPrefixesTheSpokesLansAndItsSummary()
    {
        final Lab lab = lab(hubConfig().withSummaries(List.of(SUMMARY)), 2);
        lab.run(12 * SECOND);
        final List<String> topology = lab.hub().topology().stream()
            .map(v -> v.prefix() + (v.summary() ? " summary" : v.connected() ? " connected" : " via " +
                net.dmvpnhub.wire.Ipv4Address.toString(v.viaNeighbor())) + " FD " + v.feasibleDistance()).toList();
        final long connected = Eigrp.scaledBandwidth(1000) + Eigrp.scaledDelay(50_000);
        assertEquals(List.of(
            "10.0.0.0/24 connected FD " + connected,
            "172.16.0.0/16 connected FD " + connected,
            "192.168.0.0/16 summary FD " + ONE_HOP,
            "192.168.1.0/24 via 10.0.0.2 FD " + ONE_HOP,
            "192.168.2.0/24 via 10.0.0.3 FD " + ONE_HOP), topology);
    }
}

