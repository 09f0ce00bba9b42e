package net.dmvpnhub.trafficgen.lab;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Dir24Fib;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.nhrp.SaLifetime;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.config.ConfigException;
import net.dmvpnhub.nhrp.config.HubConfiguration;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.nhrp.hub.NhrpTraffic;
import net.dmvpnhub.nhrp.config.RouterConfig;
import net.dmvpnhub.nhrp.hub.RegistrationListener;
import net.dmvpnhub.nhrp.show.HubShow;
import net.dmvpnhub.nhrp.show.Json;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.trafficgen.spoke.SpokeShow;
import net.dmvpnhub.trafficgen.spoke.AddressPlan;
import net.dmvpnhub.trafficgen.spoke.SpokeCacheEntry;
import net.dmvpnhub.trafficgen.spoke.SpokeConfig;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.trafficgen.spoke.SpokeEigrp;
import net.dmvpnhub.trafficgen.spoke.SpokeState;
import net.dmvpnhub.trafficgen.spoke.Spokes;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.Icmp4Flyweight;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.nhrp.config.EigrpConfiguration;
import net.dmvpnhub.nhrp.eigrp.EigrpConfig;
import net.dmvpnhub.nhrp.eigrp.EigrpRouter;
import net.dmvpnhub.nhrp.eigrp.HubEigrp;
import net.dmvpnhub.nhrp.show.EigrpShow;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A DMVPN network built from IOS configuration files, one router per file: exactly one hub (the
 * router whose tunnel is multipoint with no {@code tunnel destination} and no {@code ip nhrp nhs})
 * and any number of spokes, each from its own file. The hub is the real one (its dataplane and
 * NHS, {@link HubConfiguration}); the spokes are simulated ({@link Spokes}), all on one manual clock run
 * in lockstep ({@link LockstepLab}), so the same files and actions give the same output every time.
 * <p>
 * What a spoke's file sets: its tunnel address, its NBMA address (its {@code tunnel source}
 * interface's address), its LAN (its first other interface with an address, a loopback in the
 * reference labs; that address is the spoke's own and answers pings), the phase (Phase 1: {@code
 * tunnel destination}; Phase 2: multipoint; Phase 3: multipoint with {@code ip nhrp shortcut}), its
 * first static route via the hub's tunnel address (the hub's summary, Phases 2 and 3), its holding
 * time, authentication and IPsec profile. Everything that must agree between files is checked
 * before anything is built, and a disagreement is a {@link ConfigException} naming {@code file:line}
 * and why: two hubs, an NHS or static map or tunnel destination that is not the hub, a tunnel key,
 * subnet, authentication or transform other than the hub's. The simulated spokes share one
 * configuration, so their phase, holding time, LAN prefix length and {@code ip nhrp registration
 * no-unique} must also agree.
 * <p>
 * Spokes always run IPsec with the hub (simulated IKE): a network whose files have no {@code
 * tunnel protection} uses AES-GCM-128. A Phase 1 spoke does not register when the hub has a static
 * map for every Phase 1 spoke (the reference lab), and registers otherwise.
 * <p>
 * Operator commands: {@link #show}, {@link #ping} and {@link #traceroute} (real ICMP and UDP probes
 * through the hub's dataplane, answered as IOS answers them), {@link #changeNbma}, {@link #shutdown}
 * and {@link #noShutdown}. Not thread-safe: one caller drives it.
 */
public final class SimulatedNetwork implements AutoCloseable
{
    public static final long SECOND = LockstepLab.SECOND;
    private static final long MILLISECOND = 1_000_000L;
    /** IOS's ping timeout. */
    private static final long PING_TIMEOUT_NS = 2 * SECOND;
    /** IOS's traceroute probe timeout. */
    private static final long TRACEROUTE_TIMEOUT_NS = 3 * SECOND;
    private static final int TRACEROUTE_MAX_TTL = 30;
    private static final int TRACEROUTE_PROBES = 3;
    private static final int TRACEROUTE_SOURCE_PORT = 49152;
    private static final int PING_IDENTIFIER = 0x1D0C;
    private static final byte[] DEFAULT_PSK = "cisco123".getBytes(StandardCharsets.US_ASCII);
    private static final List<String> HUB_COMMANDS = List.of("show ip nhrp", "show ip nhrp detail", "show dmvpn", "show dmvpn detail",
        "show ip nhrp traffic", "show ip nhrp multicast",
        "show ip route", "show ip route nhrp", "show crypto ipsec sa", "show interface TUNNEL");
    private static final List<String> EIGRP_COMMANDS = List.of("show ip eigrp neighbors", "show ip eigrp topology", "show ip route eigrp");
    private static final List<String> SPOKE_COMMANDS = List.of("show ip nhrp", "show ip nhrp detail", "show dmvpn",
        "show ip nhrp traffic", "show ip nhrp multicast", "show ip route", "show ip route nhrp", "show crypto ipsec sa", "show interface TUNNEL");

    /**
     * One router of the network, in file order.
     *
     * @param pointToPoint a spoke whose tunnel has a {@code tunnel destination} (point-to-point GRE,
     * Phase 1): it does not forward by NHRP, so IOS never marks its mapping used.
     * @param multicastMaps the tunnel's {@code ip nhrp map multicast} lines ({@code dynamic} or an NBMA address).
     */
    private record Router(
        String name, String source, boolean hub, int spoke, String tunnelName, int tunnelAddress, boolean pointToPoint,
        List<String> multicastMaps)
    {
    }

    /** IOS's "used" window: data forwarded through an entry within its last periodic check, every 60 s. */
    private static final long USED_WINDOW_NS = 60 * SECOND;

    /** An ICMP answer heard by a router's probes. */
    private record Answer(int router, int type, int code, int from, int quotedProtocol, int key, long atNs)
    {
    }

    private final LockstepLab lab;
    private final HubSpec hub;
    private final List<Router> routers;
    private final Map<String, Router> byName = new LinkedHashMap<>();
    private final long builtNs;
    private final List<Answer> answers = new ArrayList<>();
    private final Icmp4Flyweight icmp = new Icmp4Flyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final UnsafeBuffer packet = new UnsafeBuffer(new byte[FrameSlabDescriptor.DEFAULT_SLOT_SIZE]);
    private final PeerTable.View peer = new PeerTable.View();
    private int identification;
    /** The hub's EIGRP and the spokes', when their configurations run it; null otherwise. */
    private EigrpRouter hubEigrp;
    private SpokeEigrp spokeEigrp;
    private int nextProbePort = Spokes.TRACEROUTE_FIRST_PORT;
    private int nextPingSequence;

    private SimulatedNetwork(final LockstepLab lab, final HubSpec hub, final List<Router> routers)
    {
        this.lab = lab;
        this.hub = hub;
        this.routers = routers;
        routers.forEach(r -> byName.put(r.name(), r));
        this.builtNs = lab.driver().nowNs();
    }

    // ---------------------------------------------------------------------------------------
    // Building

    /** What one spoke's file says, checked against the hub's. */
    private record SpokeFile(
        RouterConfig config, RouterConfig.Interface tunnel, int nbma, int lan, int lanLength, int lanAddress, SpokeConfig.Phase phase,
        int summary, int summaryLength, boolean staticallyMappedAtHub)
    {
    }

    /**
     * @param routers parsed configurations, one per router, in the order routers are listed.
     * @throws ConfigException naming every inconsistency as {@code file:line: reason}.
     */
    public static SimulatedNetwork build(final List<RouterConfig> routers) throws ConfigException
    {
        return build(routers, Map.of());
    }

    /**
     * @param routers parsed configurations, one per router, in the order routers are listed.
     * @param nats for the spokes that sit behind a one-to-one NAT, the address it gives their
     *             packets ({@link net.dmvpnhub.trafficgen.spoke.Spokes#natAddress}).
     * @throws ConfigException naming every inconsistency as {@code file:line: reason}.
     */
    public static SimulatedNetwork build(final List<RouterConfig> routers, final Map<RouterConfig, Integer> nats) throws ConfigException
    {
        final List<String> problems = new ArrayList<>();
        if (routers.isEmpty())
        {
            throw new ConfigException(List.of("no configuration files: a network needs a hub"));
        }
        RouterConfig hubConfig = null;
        RouterConfig.Interface hubTunnel = null;
        final Map<String, RouterConfig> names = new LinkedHashMap<>();
        for (final RouterConfig config : routers)
        {
            final List<RouterConfig.Interface> tunnels = config.tunnels();
            if (tunnels.size() != 1)
            {
                problems.add(config.source() + ": a router of the network needs exactly one tunnel interface, not " + tunnels.size());
                continue;
            }
            final RouterConfig.Interface tunnel = tunnels.get(0);
            final RouterConfig previous = names.putIfAbsent(config.hostname(), config);
            if (previous != null)
            {
                problems.add(at(config, tunnel) + "hostname " + config.hostname() + " is already " + previous.source() + "'s");
            }
            if (isHub(tunnel))
            {
                if (hubConfig != null)
                {
                    problems.add(at(config, tunnel) + config.hostname() + " is a second hub (multipoint, no NHS, no tunnel destination): " +
                        hubConfig.hostname() + " at " + where(hubConfig, hubTunnel) + " is the hub already");
                }
                else
                {
                    hubConfig = config;
                    hubTunnel = tunnel;
                }
            }
        }
        if (hubConfig == null && problems.isEmpty())
        {
            final RouterConfig first = routers.get(0);
            problems.add((first.tunnels().isEmpty() ? first.source() + ": " : at(first, first.tunnels().get(0))) + "no hub among the files (a router whose tunnel is multipoint, with no 'ip nhrp nhs' " +
                "and no 'tunnel destination')");
        }
        if (!problems.isEmpty())
        {
            throw new ConfigException(problems);
        }
        final HubSpec hub = HubConfiguration.spec(hubConfig);
        final List<SpokeFile> spokes = new ArrayList<>();
        for (final RouterConfig config : routers)
        {
            if (config != hubConfig)
            {
                final SpokeFile spoke = spokeFile(config, config.tunnels().get(0), hub, hubConfig, hubTunnel, problems);
                if (spoke != null)
                {
                    spokes.add(spoke);
                }
            }
        }
        agree(spokes, problems);
        if (!problems.isEmpty())
        {
            throw new ConfigException(problems);
        }
        return assemble(routers, hubConfig, hub, spokes, nats);
    }

    private static boolean isHub(final RouterConfig.Interface tunnel)
    {
        return tunnel.tunnel().multipoint() && tunnel.tunnel().destination() == 0 && tunnel.nhrp().servers().isEmpty();
    }

    private static String at(final RouterConfig config, final RouterConfig.Interface tunnel)
    {
        return config.source() + ":" + tunnel.line() + ": ";
    }

    private static String where(final RouterConfig config, final RouterConfig.Interface tunnel)
    {
        return config.source() + ":" + tunnel.line();
    }

    private static String address(final int address)
    {
        return Ipv4Address.toString(address);
    }

    private static SpokeFile spokeFile(
        final RouterConfig config, final RouterConfig.Interface tunnel, final HubSpec hub, final RouterConfig hubConfig,
        final RouterConfig.Interface hubTunnel, final List<String> problems)
    {
        final int before = problems.size();
        final String at = at(config, tunnel);
        final int hubNbma = hub.hubConfig().hubNbma();
        final int hubAddress = hub.nhsConfig().hubTunnel();
        final int prefixLength = hub.nhsConfig().tunnelPrefixLength();
        final RouterConfig.Tunnel t = tunnel.tunnel();
        final RouterConfig.Nhrp nhrp = tunnel.nhrp();
        if (!t.multipoint() && t.destination() == 0)
        {
            problems.add(at + "a spoke's tunnel needs 'tunnel destination' (Phase 1) or 'tunnel mode gre multipoint'");
        }
        if (t.destination() != 0 && t.destination() != hubNbma)
        {
            problems.add(at + "tunnel destination " + address(t.destination()) + " is not the hub's NBMA address " + address(hubNbma));
        }
        if (t.multipoint() && nhrp.servers().isEmpty())
        {
            problems.add(at + "a multipoint spoke needs 'ip nhrp nhs' naming the hub " + address(hubAddress));
        }
        for (final RouterConfig.Nhs nhs : nhrp.servers())
        {
            if (nhs.tunnel() != hubAddress)
            {
                problems.add(config.source() + ":" + nhs.line() + ": NHS " + address(nhs.tunnel()) + " is not the hub's tunnel address " +
                    address(hubAddress) + " (" + hubConfig.hostname() + ")");
            }
            else if (nhs.nbma() != 0 && nhs.nbma() != hubNbma)
            {
                problems.add(config.source() + ":" + nhs.line() + ": NHS NBMA address " + address(nhs.nbma()) + " is not the hub's " +
                    address(hubNbma));
            }
        }
        for (final RouterConfig.NhrpMap map : nhrp.maps())
        {
            if (map.tunnel() != hubAddress)
            {
                problems.add(config.source() + ":" + map.line() + ": a static map for " + address(map.tunnel()) +
                    ", which is not the hub: spokes' static maps to other spokes are not simulated");
            }
            else if (map.nbma() != hubNbma)
            {
                problems.add(config.source() + ":" + map.line() + ": maps the hub's address " + address(hubAddress) + " to " +
                    address(map.nbma()) + ", but the hub's NBMA address is " + address(hubNbma));
            }
        }
        if (t.key() != hub.hubConfig().tunnelKey())
        {
            problems.add(at + "tunnel key " + key(t.key()) + " differs from the hub's tunnel key " + key(hub.hubConfig().tunnelKey()) +
                " (" + where(hubConfig, hubTunnel) + ")");
        }
        if (tunnel.prefixLength() != prefixLength ||
            (tunnel.address() & Dir24Fib.mask(prefixLength)) != (hubAddress & Dir24Fib.mask(prefixLength)))
        {
            problems.add(at + "tunnel address " + address(tunnel.address()) + "/" + tunnel.prefixLength() + " is not in the hub's tunnel subnet " +
                address(hubAddress & Dir24Fib.mask(prefixLength)) + "/" + prefixLength);
        }
        if (tunnel.address() == hubAddress)
        {
            problems.add(at + "tunnel address " + address(tunnel.address()) + " is the hub's");
        }
        final Transform transform = transform(config, t);
        if (transform != hub.transform())
        {
            problems.add(at + "tunnel protection " + (transform == null ? "none" : transform.iosName()) + " differs from the hub's " +
                (hub.transform() == null ? "none" : hub.transform().iosName()));
        }
        final String hubAuthentication = hubTunnel.nhrp().authentication();
        if (!java.util.Objects.equals(nhrp.authentication(), hubAuthentication))
        {
            problems.add(at + "ip nhrp authentication differs from the hub's: the hub would drop every NHRP packet");
        }
        final int nbma = nbma(config, tunnel, problems);
        RouterConfig.Interface lan = null;
        for (final RouterConfig.Interface other : config.interfaces().values())
        {
            if (!other.isTunnel() && other.address() != 0 && !other.name().equals(t.source()) && lan == null)
            {
                lan = other;
            }
        }
        if (lan == null)
        {
            problems.add(at + "a spoke needs a LAN: an interface other than its tunnel and tunnel source with an address");
        }
        else if (lan.prefixLength() < 8 || lan.prefixLength() > 30)
        {
            problems.add(config.source() + ":" + lan.line() + ": a LAN of /" + lan.prefixLength() + " is outside the /8 to /30 simulated");
        }
        int summary = 0;
        int summaryLength = -1;
        for (final RouterConfig.StaticRoute route : config.routes())
        {
            if (route.outInterface() == null && route.nextHop() == hubAddress && summaryLength < 0)
            {
                summary = route.prefix();
                summaryLength = route.prefixLength();
            }
        }
        if (problems.size() > before)
        {
            return null;
        }
        final SpokeConfig.Phase phase = !t.multipoint() ? SpokeConfig.Phase.PHASE_1 :
            nhrp.shortcut() ? SpokeConfig.Phase.PHASE_3 : SpokeConfig.Phase.PHASE_2;
        final boolean mapped = hub.staticMaps().stream().anyMatch(m -> m.tunnel() == tunnel.address());
        return new SpokeFile(config, tunnel, nbma, lan.address() & Dir24Fib.mask(lan.prefixLength()), lan.prefixLength(), lan.address(),
            phase, summary, summaryLength, mapped);
    }

    private static String key(final long key)
    {
        return key < 0 ? "none" : Long.toString(key);
    }

    private static Transform transform(final RouterConfig config, final RouterConfig.Tunnel tunnel)
    {
        if (tunnel.protectionProfile() == null)
        {
            return null;
        }
        final RouterConfig.IpsecProfile profile = config.ipsecProfiles().get(tunnel.protectionProfile());
        return config.transformSets().get(profile.transformSet()).transform();
    }

    private static int nbma(final RouterConfig config, final RouterConfig.Interface tunnel, final List<String> problems)
    {
        final String source = tunnel.tunnel().source();
        if (source == null)
        {
            problems.add(at(config, tunnel) + "a spoke's tunnel needs 'tunnel source'");
            return 0;
        }
        if (Character.isDigit(source.charAt(0)))
        {
            return Ipv4Address.parse(source);
        }
        final RouterConfig.Interface underlay = config.interfaces().get(source);
        if (underlay == null || underlay.address() == 0)
        {
            problems.add(at(config, tunnel) + "tunnel source " + source + " has no address");
            return 0;
        }
        return underlay.address();
    }

    /** What the simulated spokes share must be the same in every spoke's file. */
    private static void agree(final List<SpokeFile> spokes, final List<String> problems)
    {
        if (spokes.isEmpty())
        {
            return;
        }
        final SpokeFile first = spokes.get(0);
        final String firstAt = where(first.config(), first.tunnel());
        for (final SpokeFile s : spokes.subList(1, spokes.size()))
        {
            final String at = at(s.config(), s.tunnel());
            if (s.phase() != first.phase())
            {
                problems.add(at + s.config().hostname() + " is a " + phase(s.phase()) + " spoke but " + first.config().hostname() + " (" +
                    firstAt + ") is " + phase(first.phase()) + ": the spokes of one network share a phase");
            }
            if (s.tunnel().nhrp().holdtimeS() != first.tunnel().nhrp().holdtimeS())
            {
                problems.add(at + "ip nhrp holdtime " + s.tunnel().nhrp().holdtimeS() + " differs from " + first.config().hostname() + "'s " +
                    first.tunnel().nhrp().holdtimeS() + " (" + firstAt + "): the simulated spokes share one");
            }
            if (s.tunnel().nhrp().noUnique() != first.tunnel().nhrp().noUnique())
            {
                problems.add(at + "'ip nhrp registration no-unique' is " + (s.tunnel().nhrp().noUnique() ? "" : "not ") + "set, but " +
                    (first.tunnel().nhrp().noUnique() ? "is" : "not") + " on " + first.config().hostname() + " (" + firstAt +
                    "): the simulated spokes share one");
            }
            if (s.lanLength() != first.lanLength())
            {
                problems.add(at + "a /" + s.lanLength() + " LAN where " + first.config().hostname() + " has a /" + first.lanLength() + " (" +
                    firstAt + "): the simulated spokes share one LAN prefix length");
            }
            if (s.phase() != SpokeConfig.Phase.PHASE_1 && (s.summary() != first.summary() || s.summaryLength() != first.summaryLength()))
            {
                problems.add(at + "the route via the hub differs from " + first.config().hostname() + "'s (" + firstAt +
                    "): the simulated spokes share one summary route");
            }
        }
        for (int i = 0; i < spokes.size(); i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (spokes.get(i).nbma() == spokes.get(j).nbma())
                {
                    problems.add(at(spokes.get(i).config(), spokes.get(i).tunnel()) + "NBMA address " + address(spokes.get(i).nbma()) +
                        " is already " + spokes.get(j).config().hostname() + "'s");
                }
                if (spokes.get(i).tunnel().address() == spokes.get(j).tunnel().address())
                {
                    problems.add(at(spokes.get(i).config(), spokes.get(i).tunnel()) + "tunnel address " +
                        address(spokes.get(i).tunnel().address()) + " is already " + spokes.get(j).config().hostname() + "'s");
                }
            }
        }
    }

    private static String phase(final SpokeConfig.Phase phase)
    {
        return "Phase " + (phase.ordinal() + 1);
    }

    private static SimulatedNetwork assemble(
        final List<RouterConfig> files, final RouterConfig hubConfig, final HubSpec hub, final List<SpokeFile> spokes,
        final Map<RouterConfig, Integer> nats) throws ConfigException
    {
        // EIGRP's settings first: a problem in them must not leave a lab half built.
        final EigrpConfig hubEigrpConfig = EigrpConfiguration.of(hubConfig);
        final Map<RouterConfig, EigrpConfig> spokeEigrpConfigs = new LinkedHashMap<>();
        for (final SpokeFile s : spokes)
        {
            final EigrpConfig c = EigrpConfiguration.of(s.config());
            if (c != null)
            {
                spokeEigrpConfigs.put(s.config(), c);
            }
        }
        final SpokeFile first = spokes.isEmpty() ? null : spokes.get(0);
        // Spokes with no route via the hub in their files that run EIGRP with a summarising hub route by the summary EIGRP gives them.
        final boolean summaryByEigrp = first != null && first.summaryLength() < 0 && !spokeEigrpConfigs.isEmpty() && hubEigrpConfig != null &&
            !hubEigrpConfig.summaries().isEmpty();
        final SpokeConfig.Phase phase = first == null ? SpokeConfig.Phase.PHASE_3 : first.phase();
        final boolean register = phase != SpokeConfig.Phase.PHASE_1 || spokes.stream().anyMatch(s -> !s.staticallyMappedAtHub());
        final SpokeConfig.Builder spokeConfig = SpokeConfig.builder()
            .phase(phase)
            .register(register)
            .hub(hub.hubConfig().hubNbma(), hub.nhsConfig().hubTunnel(), hub.nhsConfig().tunnelPrefixLength())
            .tunnelKey(hub.hubConfig().tunnelKey())
            .authentication(hub.nhsConfig().authentication())
            .unique(first == null || !first.tunnel().nhrp().noUnique());
        if (first != null)
        {
            spokeConfig.holdingTimeS(first.tunnel().nhrp().holdtimeS());
            // Without a route via the hub, the tunnel subnet (connected anyway) stands in for the summary.
            if (summaryByEigrp)
            {
                spokeConfig.summary(hubEigrpConfig.summaries().get(0).prefix(), hubEigrpConfig.summaries().get(0).length());
            }
            else
            {
                spokeConfig.summary(first.summaryLength() < 0 ? hub.nhsConfig().hubTunnel() & Dir24Fib.mask(hub.nhsConfig().tunnelPrefixLength()) :
                    first.summary(), first.summaryLength() < 0 ? hub.nhsConfig().tunnelPrefixLength() : first.summaryLength());
            }
        }
        final int lanLength = first == null ? 24 : first.lanLength();
        final AddressPlan plan = first == null ? AddressPlan.defaults() :
            new AddressPlan(first.tunnel().address(), first.nbma(), first.lan(), lanLength);
        byte[] psk = DEFAULT_PSK;
        if (!hubConfig.isakmpKeys().isEmpty())
        {
            psk = hubConfig.isakmpKeys().get(0).key().getBytes(StandardCharsets.US_ASCII);
        }
        final Transform transform = hub.transform() == null ? Transform.AES_GCM_128 : hub.transform();
        // IKE settles on the shorter of the two ends' lifetimes; every spoke talks to the hub, so the shortest of all.
        final SaLifetime lifetime = new SaLifetime(files.stream().mapToLong(f -> f.saLifetime().seconds()).min().orElseThrow(),
            files.stream().mapToLong(f -> f.saLifetime().kilobytes()).min().orElseThrow());
        final SimulatedIke ike = new SimulatedIke(CryptoProvider.OPENSSL, transform, psk, false, lifetime);
        final LockstepLab lab = new LockstepLab(hub, spokeConfig.build(), plan, new LockstepLab.Sizing(spokes.size(), 1024, 256, 1), ike,
            RegistrationListener.NONE);
        final List<Router> routers = new ArrayList<>();
        final Map<RouterConfig, Integer> index = new LinkedHashMap<>();
        for (final SpokeFile s : spokes)
        {
            if (hubEigrpConfig == null)
            {
                // Without a routing protocol at the hub, it learns each spoke's LAN from its registration (a simplification).
                lab.routing().lan(s.tunnel().address(), s.lan());
            }
            index.put(s.config(), lab.spokes().addSpoke(s.tunnel().address(), s.nbma(), s.lan(), s.lanAddress()));
        }
        final List<String> natProblems = new ArrayList<>();
        // In the order the routers are listed, so that problems are reported the same way every time.
        files.forEach(config ->
        {
            final int nat = nats.getOrDefault(config, 0);
            if (nat == 0)
            {
                return;
            }
            if (!index.containsKey(config))
            {
                natProblems.add(config.source() + ": a NAT in front of the hub is not simulated; only spokes can sit behind one");
                return;
            }
            try
            {
                lab.spokes().natAddress(index.get(config), nat);
            }
            catch (final IllegalArgumentException e)
            {
                natProblems.add(config.source() + ": NAT address " + Ipv4Address.toString(nat) + " is another router's address");
            }
        });
        if (!natProblems.isEmpty())
        {
            lab.close();
            throw new ConfigException(natProblems);
        }
        for (final RouterConfig config : files)
        {
            final RouterConfig.Interface tunnel = config.tunnels().get(0);
            routers.add(new Router(config.hostname(), config.source(), config == hubConfig, config == hubConfig ? -1 : index.get(config),
                tunnel.name(), tunnel.address(), !tunnel.tunnel().multipoint() && tunnel.tunnel().destination() != 0,
                tunnel.nhrp().multicastMaps()));
        }
        final SimulatedNetwork network = new SimulatedNetwork(lab, hub, List.copyOf(routers));
        lab.spokes().icmpReceiver(network::spokeHeard);
        lab.server().localReceiver(network::hubHeard);
        if (hubEigrpConfig != null)
        {
            network.hubEigrp = HubEigrp.attach(hubEigrpConfig, lab.server(), lab.tables());
        }
        if (!spokeEigrpConfigs.isEmpty())
        {
            if (summaryByEigrp)
            {
                lab.spokes().summaryByRouting();
            }
            network.spokeEigrp = new SpokeEigrp(lab.spokes());
            spokeEigrpConfigs.forEach((config, c) -> network.spokeEigrp.add(index.get(config), c));
            lab.spokes().routing(network.spokeEigrp);
        }
        for (final SpokeFile s : spokes)
        {
            if (!s.tunnel().shutdown())
            {
                lab.spokes().start(index.get(s.config()));
            }
        }
        lab.driver().runUntilIdle();
        return network;
    }

    // ---------------------------------------------------------------------------------------
    // Time

    /** @return hostnames, in file order. */
    public List<String> routerNames()
    {
        return routers.stream().map(Router::name).toList();
    }

    /** @return the simulated clock. */
    public long nowNs()
    {
        return lab.driver().nowNs();
    }

    /**
     * Moves the clock forward, a second at a time, running the hub and the spokes after each step so
     * timers fire when due.
     */
    public void advance(final long nanos)
    {
        if (nanos < 0)
        {
            throw new IllegalArgumentException("time does not go back: " + nanos + " ns");
        }
        lab.driver().advance(nanos, SECOND);
    }

    /** Runs the hub and the spokes until nothing is left to do at the current time. */
    public void runUntilIdle()
    {
        lab.driver().runUntilIdle();
    }

    // ---------------------------------------------------------------------------------------
    // Show commands

    private Router router(final String name)
    {
        final Router router = byName.get(name);
        if (router == null)
        {
            throw new IllegalArgumentException("no router named '" + name + "': the network has " + String.join(", ", routerNames()));
        }
        return router;
    }

    /**
     * An IOS show command on a router, in IOS's layout, or as JSON with a trailing {@code json}.
     * The hub knows show ip nhrp [detail], show dmvpn, show ip nhrp traffic, show ip route [nhrp],
     * show crypto ipsec sa and show interface TunnelN; a spoke the same.
     *
     * @throws IllegalArgumentException for an unknown router or command, naming what is accepted.
     */
    public String show(final String routerName, final String command)
    {
        final Router router = router(routerName);
        String normalized = command.trim().replaceAll("\\s+", " ");
        final boolean json = normalized.endsWith(" json");
        if (json)
        {
            normalized = normalized.substring(0, normalized.length() - " json".length());
        }
        final String lower = normalized.toLowerCase(Locale.ROOT);
        final boolean isInterface = lower.equals("show interface " + router.tunnelName().toLowerCase(Locale.ROOT));
        final Object result = router.hub() ? hubShow(lower, isInterface, json) : spokeShow(router, lower, isInterface, json);
        if (result == null)
        {
            final List<String> accepted = new ArrayList<>((router.hub() ? HUB_COMMANDS : SPOKE_COMMANDS).stream()
                .map(c -> c.replace("TUNNEL", router.tunnelName())).toList());
            if (router.hub() ? hubEigrp != null : spokeEigrp != null && spokeEigrp.router(router.spoke()) != null)
            {
                accepted.addAll(EIGRP_COMMANDS);
            }
            throw new IllegalArgumentException(router.name() + " does not know '" + command.trim() + "': " +
                (router.hub() ? "the hub" : "a spoke") + " accepts " + String.join(", ", accepted) + ", each also with json");
        }
        return result instanceof String text ? text : Json.write(result);
    }

    private Object hubShow(final String command, final boolean isInterface, final boolean json)
    {
        final HubShow show = new HubShow(hub.interfaceName(), lab.server(), lab.tables().routes(), lab.dataplane());
        if (isInterface)
        {
            return json ? show.interfaceJson() : show.interfaceCounters();
        }
        return switch (command)
        {
            case "show ip nhrp" -> json ? show.ipNhrpJson() : show.ipNhrp(false);
            case "show ip nhrp detail" -> json ? show.ipNhrpJson() : show.ipNhrp(true);
            case "show dmvpn" -> json ? show.dmvpnJson() : show.dmvpn();
            case "show dmvpn detail" -> json ? show.dmvpnJson(true) : show.dmvpn(true);
            case "show ip nhrp traffic" -> json ? show.ipNhrpTrafficJson() : show.ipNhrpTraffic();
            case "show ip nhrp multicast" -> json ? show.ipNhrpMulticastJson() : show.ipNhrpMulticast();
            case "show ip route" -> json ? show.ipRouteJson(false) : show.ipRoute(false);
            case "show ip route nhrp" -> json ? show.ipRouteJson(true) : show.ipRoute(true);
            case "show crypto ipsec sa" -> json ? show.cryptoIpsecSaJson() : show.cryptoIpsecSa();
            default -> eigrpShow(hubEigrp, hub.interfaceName(), command, json);
        };
    }

    /** The EIGRP show commands of a router that runs EIGRP; null (unknown) for one that does not. */
    private Object eigrpShow(final EigrpRouter router, final String interfaceName, final String command, final boolean json)
    {
        if (router == null)
        {
            return null;
        }
        return switch (command)
        {
            case "show ip eigrp neighbors" -> json ? EigrpShow.neighborsJson(router, interfaceName, nowNs()) :
                EigrpShow.neighbors(router, interfaceName, nowNs());
            case "show ip eigrp topology" -> json ? EigrpShow.topologyJson(router) : EigrpShow.topology(router, interfaceName);
            case "show ip route eigrp" -> json ? EigrpShow.routesJson(router) : EigrpShow.routes(router, interfaceName);
            default -> null;
        };
    }

    private Object spokeShow(final Router router, final String command, final boolean isInterface, final boolean json)
    {
        final int s = router.spoke();
        final SpokeShow show = new SpokeShow(lab.spokes(), router.tunnelName(), nowNs());
        if (isInterface)
        {
            final Map<String, Object> counters = spokeInterface(router);
            if (json)
            {
                return counters;
            }
            return router.tunnelName() + " is " + (lab.spokes().state(s) == SpokeState.DOWN ? "administratively down, line protocol is down" :
                "up, line protocol is up") + "\n" +
                "  Tunnel source " + address(lab.spokes().nbma(s)) + ", destination " +
                (lab.spokes().config().phase() == SpokeConfig.Phase.PHASE_1 ? address(lab.spokes().config().hubNbma()) : "multipoint") + "\n" +
                "     " + counters.get("packetsInput") + " packets input\n" +
                "     " + counters.get("packetsOutput") + " packets output\n";
        }
        return switch (command)
        {
            case "show ip nhrp", "show ip nhrp detail" -> json ? Map.of("entries", spokeNhrpJson(router)) : spokeNhrp(router, show);
            case "show dmvpn" -> json ? Map.of("peers", spokeNhrpJson(router)) : spokeDmvpn(router);
            case "show ip route" -> json ? show.ipRouteJson(s) : show.ipRoute(s);
            case "show ip route nhrp" -> json ? nhrpRoutesOnly(show.ipRouteJson(s)) : nhrpRoutesOnly(show.ipRoute(s));
            case "show crypto ipsec sa" -> json ? show.cryptoIpsecSaJson(s) : show.cryptoIpsecSa(s);
            case "show ip nhrp multicast" -> json ? HubShow.multicastListJson(router.tunnelName(), spokeMulticast(router)) :
                HubShow.multicastList(router.tunnelName(), spokeMulticast(router));
            case "show ip nhrp traffic" -> json ? spokeNhrpTrafficJson(router) :
                NhrpTraffic.render(router.tunnelName(), type -> lab.spokes().counters().nhrpSent(s, type),
                    type -> lab.spokes().counters().nhrpReceived(s, type));
            default -> eigrpShow(spokeEigrp == null ? null : spokeEigrp.router(s), router.tunnelName(), command, json);
        };
    }

    /**
     * A spoke's multicast list: its static {@code ip nhrp map multicast} addresses (the hub's, as
     * DMVPN spokes carry). A simulated spoke serves no NHRP clients, so {@code dynamic} adds none.
     */
    private static List<String[]> spokeMulticast(final Router router)
    {
        return router.multicastMaps().stream().filter(m -> !m.equals("dynamic")).distinct().map(m -> new String[]{m, "static"}).toList();
    }

    /** A spoke's {@code show ip nhrp traffic json}: the hub's layout, sent and received per type. */
    private Map<String, Object> spokeNhrpTrafficJson(final Router router)
    {
        final int s = router.spoke();
        final Map<String, Object> sent = new LinkedHashMap<>();
        final Map<String, Object> received = new LinkedHashMap<>();
        for (int type = Nhrp.TYPE_RESOLUTION_REQUEST; type <= Nhrp.TYPE_TRAFFIC_INDICATION; type++)
        {
            sent.put(Nhrp.typeName(type), lab.spokes().counters().nhrpSent(s, type));
            received.put(Nhrp.typeName(type), lab.spokes().counters().nhrpReceived(s, type));
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("interface", router.tunnelName());
        json.put("sent", sent);
        json.put("received", received);
        return json;
    }

    private Map<String, Object> spokeInterface(final Router router)
    {
        final int s = router.spoke();
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("interface", router.tunnelName());
        json.put("up", lab.spokes().state(router.spoke()) != SpokeState.DOWN);
        json.put("packetsInput", lab.spokes().counters().get(s, Counter.FRAMES_RECEIVED));
        json.put("packetsOutput", lab.spokes().counters().get(s, Counter.FRAMES_TO_HUB) + lab.spokes().counters().get(s, Counter.FRAMES_DIRECT));
        return json;
    }

    /** The codes header and the H routes of a {@code show ip route}. */
    private static String nhrpRoutesOnly(final String routes)
    {
        final StringBuilder out = new StringBuilder();
        for (final String line : routes.split("\n"))
        {
            if (line.startsWith("Codes:"))
            {
                out.append(line).append("\n\n");
            }
            else if (line.startsWith("H "))
            {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static Map<String, Object> nhrpRoutesOnly(final Map<String, Object> json)
    {
        final Map<String, Object> filtered = new LinkedHashMap<>(json);
        @SuppressWarnings("unchecked") final List<Map<String, Object>> routes = (List<Map<String, Object>>)json.get("routes");
        filtered.put("routes", routes.stream().filter(r -> "H".equals(r.get("code"))).toList());
        return filtered;
    }

    /**
     * IOS's rule for a static map's "used" flag: set when data went through the entry since the
     * cache's last periodic check (every 60 s), cleared otherwise; never on a point-to-point spoke.
     */
    private boolean staticMapUsed(final Router router)
    {
        final long last = lab.spokes().dataToHubNs(router.spoke());
        return !router.pointToPoint() && last != Long.MIN_VALUE && nowNs() - last < USED_WINDOW_NS;
    }

    /** The spoke's static map to the hub ({@code ip nhrp map}, or Phase 1's tunnel destination), then its dynamic entries. */
    private String spokeNhrp(final Router router, final SpokeShow show)
    {
        final int s = router.spoke();
        final String hubAddress = address(lab.spokes().config().hubTunnel());
        final String staticEntry = hubAddress + "/32 via " + hubAddress + "\n" +
            "   " + router.tunnelName() + " created " + HubShow.duration(nowNs() - builtNs) + ", never expire\n" +
            "   Type: static, Flags: " + (staticMapUsed(router) ? "used" : "") + "\n" +
            "   NBMA address: " + address(lab.spokes().config().hubNbma()) + "\n";
        if (lab.spokes().state(s) == SpokeState.DOWN)
        {
            return "";
        }
        // IOS lists by address; the hub's entry goes where its address sorts.
        final List<String> blocks = new ArrayList<>();
        final List<Integer> keys = new ArrayList<>();
        blocks.add(staticEntry);
        keys.add(lab.spokes().config().hubTunnel());
        final String dynamic = show.ipNhrp(s);
        for (final SpokeCacheEntry entry : lab.spokes().cache(s))
        {
            if (entry.kind() != SpokeCacheEntry.Kind.ROUTE)
            {
                keys.add(entry.prefix());
            }
        }
        final String[] lines = dynamic.split("\n");
        int start = 0;
        for (int i = 1; i <= lines.length; i++)
        {
            if (i == lines.length || !lines[i].startsWith(" "))
            {
                blocks.add(String.join("\n", java.util.Arrays.copyOfRange(lines, start, i)) + "\n");
                start = i;
            }
        }
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < Math.min(blocks.size(), keys.size()); i++)
        {
            order.add(i);
        }
        order.sort((a, b) -> Integer.compareUnsigned(keys.get(a), keys.get(b)));
        final StringBuilder out = new StringBuilder();
        order.forEach(i -> out.append(blocks.get(i)));
        return dynamic.isEmpty() ? staticEntry : out.toString();
    }

    private List<Map<String, Object>> spokeNhrpJson(final Router router)
    {
        final int s = router.spoke();
        final List<Map<String, Object>> entries = new ArrayList<>();
        if (lab.spokes().state(s) == SpokeState.DOWN)
        {
            return entries;
        }
        final Map<String, Object> hubEntry = new LinkedHashMap<>();
        hubEntry.put("tunnel", address(lab.spokes().config().hubTunnel()));
        hubEntry.put("nbma", address(lab.spokes().config().hubNbma()));
        hubEntry.put("type", "static");
        hubEntry.put("createdSeconds", (nowNs() - builtNs) / SECOND);
        entries.add(hubEntry);
        for (final SpokeCacheEntry e : lab.spokes().cache(s))
        {
            if (e.kind() == SpokeCacheEntry.Kind.ROUTE)
            {
                continue;
            }
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("tunnel", address(e.prefix()));
            entry.put("nbma", e.kind() == SpokeCacheEntry.Kind.PENDING ? null : address(e.nbma()));
            entry.put("type", e.kind() == SpokeCacheEntry.Kind.PENDING ? "incomplete" : "dynamic");
            entry.put("expiresInSeconds", Math.max(0, (e.expiresNs() - nowNs()) / SECOND));
            entries.add(entry);
        }
        return entries;
    }

    /** {@code show dmvpn} on a spoke: the hub (static) and the spokes it has bindings for, in IOS's layout. */
    private String spokeDmvpn(final Router router)
    {
        final List<Map<String, Object>> peers = spokeNhrpJson(router);
        final StringBuilder out = new StringBuilder();
        out.append(HubShow.DMVPN_LEGEND);
        out.append("Interface: ").append(router.tunnelName()).append(", IPv4 NHRP Details \n");
        out.append("Type:Spoke, NHRP Peers:").append(peers.size()).append(", \n\n");
        out.append(" # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb\n");
        out.append(" ----- --------------- --------------- ----- -------- -----\n");
        for (final Map<String, Object> p : peers)
        {
            final boolean isStatic = "static".equals(p.get("type"));
            final boolean incomplete = "incomplete".equals(p.get("type"));
            final String state = isStatic ? (lab.spokes().state(router.spoke()) == SpokeState.REGISTERED ||
                lab.spokes().state(router.spoke()) == SpokeState.STATIC ? "UP" : "NHRP") : incomplete ? "NHRP" : "UP";
            out.append(String.format(Locale.ROOT, " %5d %15s %15s %5s %8s %5s%n", 1, incomplete ? "UNKNOWN" : p.get("nbma"), p.get("tunnel"),
                state, isStatic ? HubShow.duration(nowNs() - builtNs) : "never", isStatic ? "S" : incomplete ? "I" : "D"));
        }
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------
    // Ping and traceroute

    /**
     * IOS {@code ping}: {@code count} ICMP Echo Requests of {@code sizeBytes} (the whole IP
     * datagram, as IOS counts) from the router's tunnel address, each answered or timed out (2 s of
     * simulated time) before the next; times are simulated milliseconds.
     */
    public String ping(final String routerName, final int destination, final int count, final int sizeBytes)
    {
        final Router router = router(routerName);
        if (count < 1 || sizeBytes < Ipv4Flyweight.MIN_HEADER_LENGTH + Icmp4Flyweight.HEADER_LENGTH || sizeBytes > 1400)
        {
            throw new IllegalArgumentException("ping needs a count of at least 1 and a size of 28 to 1400 bytes, not " + count + " and " +
                sizeBytes);
        }
        final StringBuilder marks = new StringBuilder();
        long min = Long.MAX_VALUE;
        long max = 0;
        long total = 0;
        int received = 0;
        for (int i = 0; i < count; i++)
        {
            final int sequence = nextPingSequence++ & 0xFFFF;
            final int length = writeEcho(router.tunnelAddress(), destination, sequence, sizeBytes);
            final long sentNs = nowNs();
            final Answer answer = send(router, length, a -> a.type() == Icmp4Flyweight.TYPE_ECHO_REPLY && a.key() == sequence ||
                a.type() != Icmp4Flyweight.TYPE_ECHO_REPLY && a.quotedProtocol() == Ipv4Flyweight.PROTOCOL_ICMP && a.key() == sequence,
                PING_TIMEOUT_NS);
            if (answer == null)
            {
                marks.append('.');
            }
            else if (answer.type() == Icmp4Flyweight.TYPE_ECHO_REPLY)
            {
                marks.append('!');
                final long ms = (answer.atNs() - sentNs) / MILLISECOND;
                min = Math.min(min, ms);
                max = Math.max(max, ms);
                total += ms;
                received++;
            }
            else
            {
                marks.append(answer.type() == Icmp4Flyweight.TYPE_TIME_EXCEEDED ? '&' : 'U');
            }
        }
        final StringBuilder out = new StringBuilder();
        out.append("Type escape sequence to abort.\n");
        out.append("Sending ").append(count).append(", ").append(sizeBytes).append("-byte ICMP Echos to ").append(address(destination))
            .append(", timeout is 2 seconds:\n");
        out.append(marks).append('\n');
        out.append("Success rate is ").append(received * 100 / count).append(" percent (").append(received).append('/').append(count)
            .append(')');
        if (received > 0)
        {
            out.append(", round-trip min/avg/max = ").append(min).append('/').append(total / received).append('/').append(max).append(" ms");
        }
        return out.append('\n').toString();
    }

    /**
     * IOS {@code traceroute}: UDP probes (IOS sends UDP to ports from 33434, one more per probe),
     * TTL 1 to 30, three per hop, each answered or timed out (3 s of simulated time) before the
     * next; a hop's line names who answered (Time Exceeded from a router on the way, Port
     * Unreachable from the destination, which ends the trace), {@code *} for a probe lost.
     */
    public String traceroute(final String routerName, final int destination)
    {
        final Router router = router(routerName);
        final StringBuilder out = new StringBuilder();
        out.append("Type escape sequence to abort.\n");
        out.append("Tracing the route to ").append(address(destination)).append('\n');
        out.append("VRF info: (vrf in name/id, vrf out name/id)\n");
        boolean reached = false;
        for (int ttl = 1; ttl <= TRACEROUTE_MAX_TTL && !reached; ttl++)
        {
            out.append(String.format(Locale.ROOT, "%3d", ttl));
            int lastFrom = 0;
            for (int probe = 0; probe < TRACEROUTE_PROBES; probe++)
            {
                final int port = nextProbePort;
                nextProbePort = nextProbePort + 1 - Spokes.TRACEROUTE_FIRST_PORT >= 1024 ? Spokes.TRACEROUTE_FIRST_PORT : nextProbePort + 1;
                final int length = writeUdpProbe(router.tunnelAddress(), destination, ttl, port);
                final long sentNs = nowNs();
                final Answer answer = send(router, length, a -> a.quotedProtocol() == Ipv4Flyweight.PROTOCOL_UDP && a.key() == port &&
                    (a.type() == Icmp4Flyweight.TYPE_TIME_EXCEEDED || a.type() == Icmp4Flyweight.TYPE_DESTINATION_UNREACHABLE),
                    TRACEROUTE_TIMEOUT_NS);
                if (answer == null)
                {
                    out.append(" *");
                    continue;
                }
                if (answer.from() != lastFrom)
                {
                    out.append(' ').append(address(answer.from()));
                    lastFrom = answer.from();
                }
                out.append(' ').append((answer.atNs() - sentNs) / MILLISECOND).append(" msec");
                if (answer.type() == Icmp4Flyweight.TYPE_DESTINATION_UNREACHABLE)
                {
                    reached = true;
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** An Echo Request in {@link #packet}: identifier fixed, the sequence numbers the probes apart. */
    private int writeEcho(final int source, final int destination, final int sequence, final int sizeBytes)
    {
        final int icmpLength = sizeBytes - Ipv4Flyweight.MIN_HEADER_LENGTH;
        for (int i = Icmp4Flyweight.HEADER_LENGTH; i < icmpLength; i++)
        {
            // IOS's ping pattern: 0xABCD repeated.
            packet.putByte(Ipv4Flyweight.MIN_HEADER_LENGTH + i, (byte)(i % 2 == 0 ? 0xAB : 0xCD));
        }
        icmp.wrap(packet, Ipv4Flyweight.MIN_HEADER_LENGTH, icmpLength).writeEcho(Icmp4Flyweight.TYPE_ECHO_REQUEST, PING_IDENTIFIER, sequence)
            .updateChecksum();
        ip.wrap(packet, 0, sizeBytes).writeHeader(0, sizeBytes, identification++ & 0xFFFF, 0, 255, Ipv4Flyweight.PROTOCOL_ICMP, source,
            destination);
        return sizeBytes;
    }

    /** A traceroute probe in {@link #packet}: UDP to {@code port} with 12 zero bytes, as IOS sends (40 bytes in all). */
    private int writeUdpProbe(final int source, final int destination, final int ttl, final int port)
    {
        final int udpLength = 8 + 12;
        final int length = Ipv4Flyweight.MIN_HEADER_LENGTH + udpLength;
        final int udp = Ipv4Flyweight.MIN_HEADER_LENGTH;
        packet.putShort(udp, (short)TRACEROUTE_SOURCE_PORT, ByteOrder.BIG_ENDIAN);
        packet.putShort(udp + 2, (short)port, ByteOrder.BIG_ENDIAN);
        packet.putShort(udp + 4, (short)udpLength, ByteOrder.BIG_ENDIAN);
        packet.putShort(udp + 6, (short)0);
        packet.setMemory(udp + 8, 12, (byte)0);
        ip.wrap(packet, 0, length).writeHeader(0, length, identification++ & 0xFFFF, 0, ttl, Ipv4Flyweight.PROTOCOL_UDP, source, destination);
        return length;
    }

    /**
     * Sends the packet in {@link #packet} from the router, runs until idle, and waits (simulated)
     * up to {@code timeoutNs} for the answer {@code match} picks.
     */
    private Answer send(final Router router, final int length, final java.util.function.Predicate<Answer> match, final long timeoutNs)
    {
        final int index = routers.indexOf(router);
        answers.clear();
        if (router.hub())
        {
            originateAtHub(packet, 0, length);
        }
        else
        {
            lab.spokes().sendPacket(router.spoke(), packet, 0, length);
        }
        lab.driver().runUntilIdle();
        Answer answer = find(index, match);
        if (answer == null)
        {
            advance(timeoutNs);
            answer = find(index, match);
        }
        return answer;
    }

    private Answer find(final int router, final java.util.function.Predicate<Answer> match)
    {
        for (final Answer a : answers)
        {
            if (a.router() == router && match.test(a))
            {
                return a;
            }
        }
        return null;
    }

    /**
     * Sends a packet the hub itself originates: the control plane resolves it by the FIB and the
     * peer table, as the hub's process level would, and injects it for the dataplane to encapsulate.
     *
     * @return false when there is no route or binding, or no slot or ring room.
     */
    private boolean originateAtHub(final DirectBuffer bytes, final int offset, final int length)
    {
        return lab.server().originate(bytes, offset, length);
    }

    /** The hub's host stack: ICMP answers to its probes are recorded; a traceroute probe to it is answered Port Unreachable. */
    private void hubHeard(final DirectBuffer buffer, final int offset, final int length)
    {
        final int hubIndex = indexOfHub();
        final Ipv4Flyweight received = new Ipv4Flyweight().wrap(copy(buffer, offset, length), 0, length);
        if (received.validate() != DecodeStatus.OK)
        {
            return;
        }
        if (received.protocol() == Ipv4Flyweight.PROTOCOL_ICMP)
        {
            record(hubIndex, received);
        }
        else if (received.protocol() == Ipv4Flyweight.PROTOCOL_UDP && received.payloadLength() >= 8)
        {
            final int port = received.buffer().getShort(received.payloadOffset() + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (port >= Spokes.TRACEROUTE_FIRST_PORT && port < Spokes.TRACEROUTE_FIRST_PORT + 1024)
            {
                final int quote = Icmp4Flyweight.quoteLength(received.headerLength(), received.totalLength());
                final UnsafeBuffer error = new UnsafeBuffer(new byte[28 + quote]);
                error.putBytes(28, received.buffer(), 0, quote);
                new Icmp4Flyweight().wrap(error, 20, 8 + quote)
                    .writeError(Icmp4Flyweight.TYPE_DESTINATION_UNREACHABLE, Icmp4Flyweight.CODE_PORT_UNREACHABLE).updateChecksum();
                new Ipv4Flyweight().wrap(error, 0, 28 + quote).writeHeader(0, 28 + quote, identification++ & 0xFFFF, 0, 255,
                    Ipv4Flyweight.PROTOCOL_ICMP, received.destination(), received.source());
                originateAtHub(error, 0, 28 + quote);
            }
        }
    }

    private void spokeHeard(final int spoke, final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < routers.size(); i++)
        {
            if (routers.get(i).spoke() == spoke)
            {
                record(i, new Ipv4Flyweight().wrap(copy(buffer, offset, length), 0, length));
                return;
            }
        }
    }

    private static UnsafeBuffer copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new UnsafeBuffer(bytes);
    }

    /** Keeps an ICMP answer: an echo reply by sequence, an error by the probe it quotes (UDP port or echo sequence). */
    private void record(final int router, final Ipv4Flyweight received)
    {
        final Icmp4Flyweight message = new Icmp4Flyweight().wrap(received.buffer(), received.payloadOffset(), received.payloadLength());
        if (message.validate() != DecodeStatus.OK)
        {
            return;
        }
        if (message.type() == Icmp4Flyweight.TYPE_ECHO_REPLY)
        {
            answers.add(new Answer(router, message.type(), message.code(), received.source(), Ipv4Flyweight.PROTOCOL_ICMP, message.sequence(),
                nowNs()));
            return;
        }
        if (!message.isError())
        {
            return;
        }
        final Ipv4Flyweight quoted = new Ipv4Flyweight().wrap(received.buffer(), message.quotedOffset(), message.quotedLength());
        final int data = message.quotedOffset() + quoted.headerLength();
        final int key = quoted.protocol() == Ipv4Flyweight.PROTOCOL_UDP ?
            received.buffer().getShort(data + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF :
            received.buffer().getShort(data + Icmp4Flyweight.SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        answers.add(new Answer(router, message.type(), message.code(), received.source(), quoted.protocol(), key, nowNs()));
    }

    private int indexOfHub()
    {
        for (int i = 0; i < routers.size(); i++)
        {
            if (routers.get(i).hub())
            {
                return i;
            }
        }
        throw new IllegalStateException("no hub");
    }

    // ---------------------------------------------------------------------------------------
    // Actions

    private int spokeIndex(final String routerName, final String action)
    {
        final Router router = router(routerName);
        if (router.hub())
        {
            throw new IllegalArgumentException(action + " is simulated for spokes only, and " + routerName + " is the hub");
        }
        return router.spoke();
    }

    /**
     * A spoke with a dynamic NBMA address gets a new one: it purges the shortcuts others hold to
     * it, does IKE from the new address and registers again (NAK 14 while a unique registration of
     * the old address lives at the hub).
     */
    public void changeNbma(final String routerName, final int newNbma)
    {
        lab.spokes().changeNbma(spokeIndex(routerName, "changing the NBMA address"), newNbma);
        lab.driver().runUntilIdle();
    }

    /**
     * Puts a spoke behind a one-to-one NAT that gives its packets {@code postNatNbma} as their
     * source ({@code 0}: no NAT); it keys and registers again from there
     * ({@link net.dmvpnhub.trafficgen.spoke.Spokes#natAddress}).
     */
    public void natAddress(final String routerName, final int postNatNbma)
    {
        lab.spokes().natAddress(spokeIndex(routerName, "a NAT"), postNatNbma);
        lab.driver().runUntilIdle();
    }

    /**
     * The hub sends one IPv4 packet from its tunnel address to {@code group} (a multicast group or
     * a broadcast address) out of the tunnel, as a routing protocol sends its hellos: the
     * dataplane replicates it to every peer of the multicast list ({@code show ip nhrp multicast}),
     * and each spoke that gets a copy counts it ({@link Counter#MULTICAST_RECEIVED}).
     *
     * @param payloadLength bytes after the IPv4 header (a repeating pattern).
     * @return false when the hub could not send it (an empty multicast list, no slot, a full ring).
     */
    public boolean multicastFromHub(final int group, final int protocol, final int payloadLength)
    {
        final int length = Ipv4Flyweight.MIN_HEADER_LENGTH + payloadLength;
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[length]);
        // TTL 1 for the Local Network Control Block (RFC 5771: link-local groups are never forwarded).
        final int ttl = (group & 0xFFFF_FF00) == 0xE000_0000 ? 1 : 64;
        new Ipv4Flyweight().wrap(packet, 0, length)
            .writeHeader(0xC0, length, 0, 0, ttl, protocol, lab.server().config().hubTunnel(), group);
        for (int i = 0; i < payloadLength; i++)
        {
            packet.putByte(Ipv4Flyweight.MIN_HEADER_LENGTH + i, (byte)i);
        }
        final boolean sent = lab.server().sendMulticast(packet, 0, length);
        lab.driver().runUntilIdle();
        return sent;
    }

    /** @return multicast packets (link-local groups, the limited broadcast) a spoke took, from {@link #multicastFromHub}. */
    public long multicastReceived(final String routerName)
    {
        return lab.spokes().counters().get(spokeIndex(routerName, "counting multicast"), Counter.MULTICAST_RECEIVED);
    }

    /**
     * {@code shutdown} ({@code down}) or {@code no shutdown} under a spoke's {@code router eigrp}:
     * its EIGRP says goodbye and stops (the hub drops it at once and withdraws its LAN), or starts
     * again from nothing and forms the adjacency anew.
     *
     * @throws IllegalArgumentException for the hub, or a spoke that runs no EIGRP.
     */
    public void eigrpShutdown(final String routerName, final boolean down)
    {
        final int s = spokeIndex(routerName, "stopping and starting EIGRP");
        if (spokeEigrp == null || !spokeEigrp.configured(s))
        {
            throw new IllegalArgumentException(routerName + " runs no EIGRP (its configuration has no 'router eigrp')");
        }
        if (down)
        {
            spokeEigrp.shutdown(s);
        }
        else
        {
            spokeEigrp.noShutdown(s);
        }
        lab.driver().runUntilIdle();
    }

    /** {@code shutdown} on a spoke's tunnel: it goes silent; the hub forgets it when its entries expire. */
    public void shutdown(final String routerName)
    {
        lab.spokes().stop(spokeIndex(routerName, "shutdown"));
        lab.driver().runUntilIdle();
    }

    /**
     * {@code no shutdown}: the spoke comes back, does IKE and registers. Takes one simulated second
     * (its start is a timer, which fires on the next tick of the spokes' wheel).
     */
    public void noShutdown(final String routerName)
    {
        lab.spokes().start(spokeIndex(routerName, "no shutdown"));
        lab.driver().advance(SECOND, SECOND / 10);
    }

    /**
     * @return true when, once idle, every frame is accounted for at the hub and at the spokes, and
     * no slot of either slab is held.
     */
    public boolean conserved()
    {
        return lab.conservationProblem() == null;
    }

    /** @return what breaks conservation, or null (for messages). */
    public String conservationProblem()
    {
        return lab.conservationProblem();
    }

    /** @return the assembled parts, for tests and tools that look deeper than the show commands. */
    public LockstepLab lab()
    {
        return lab;
    }

    @Override
    public void close()
    {
        lab.close();
    }
}
