package net.dmvpnhub.nhrp.config;

import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.nhrp.SaLifetime;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.eigrp.Eigrp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one router's configuration in the IOS subset DMVPN needs (see the README's "Configuring
 * routers" section for the list) as {@code show running-config} prints it: a command at the left
 * margin is global and may open a sub-mode ({@code interface}, {@code crypto ...}); the indented
 * lines after it belong to that sub-mode. {@code !} lines and blank lines are comments.
 * <p>
 * Every line is checked, and so is what lines refer to (a profile's transform set, a tunnel's
 * source interface). All problems are reported together, each as {@code file:line: reason}, and
 * no configuration is returned unless there are none: nothing is ever half-applied.
 */
public final class IosConfigParser
{
    private final String source;
    private final List<Problem> errors = new ArrayList<>();

    private record Problem(int line, String text)
    {
    }
    private int lineNumber;

    private String hostname = "Router";
    private long saLifetimeSeconds = SaLifetime.IOS_DEFAULT.seconds();
    private long saLifetimeKilobytes = SaLifetime.IOS_DEFAULT.kilobytes();
    private final Map<String, InterfaceBuilder> interfaces = new LinkedHashMap<>();
    private final List<RouterConfig.StaticRoute> routes = new ArrayList<>();
    private final Map<String, TransformSetBuilder> transformSets = new LinkedHashMap<>();
    private final Map<String, ProfileBuilder> profiles = new LinkedHashMap<>();
    private final List<RouterConfig.IsakmpKey> isakmpKeys = new ArrayList<>();
    private final List<RouterConfig.IsakmpPolicy> isakmpPolicies = new ArrayList<>();
    private final List<ManualSaBuilder> manualSas = new ArrayList<>();
    private int eigrpAs;
    private int eigrpLine;
    private final List<RouterConfig.EigrpNetwork> eigrpNetworks = new ArrayList<>();
    private int eigrpStub;
    /** The sub-mode the indented lines go to, or null at the global level. */
    private Mode mode;

    private interface Mode
    {
        void command(List<String> words);
    }

    private IosConfigParser(final String source)
    {
        this.source = source;
    }

    public static RouterConfig parse(final Path file) throws IOException, ConfigException
    {
        return parse(file.getFileName().toString(), Files.readAllLines(file));
    }

    public static RouterConfig parse(final String source, final List<String> lines) throws ConfigException
    {
        final IosConfigParser parser = new IosConfigParser(source);
        for (final String line : lines)
        {
            parser.lineNumber++;
            parser.line(line);
        }
        parser.lineNumber = 0;
        final RouterConfig config = parser.build();
        if (!parser.errors.isEmpty())
        {
            throw new ConfigException(parser.errors.stream()
                .sorted(java.util.Comparator.comparingInt(Problem::line))
                .map(Problem::text)
                .toList());
        }
        return config;
    }

    private void error(final String reason)
    {
        errorAt(lineNumber, reason);
    }

    private void errorAt(final int line, final String reason)
    {
        errors.add(new Problem(line, source + ":" + line + ": " + reason));
    }

    private void line(final String raw)
    {
        final String text = raw.stripTrailing();
        final String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("!"))
        {
            return;
        }
        final List<String> words = List.of(trimmed.split("\\s+"));
        final boolean indented = Character.isWhitespace(text.charAt(0));
        if (indented)
        {
            if (mode == null)
            {
                error("indented line '" + trimmed + "' outside any interface or crypto section");
                return;
            }
            if (words.equals(List.of("exit")))
            {
                mode = null;
                return;
            }
            mode.command(words);
            return;
        }
        mode = null;
        global(words, trimmed);
    }

    private void global(final List<String> w, final String text)
    {
        switch (w.get(0))
        {
            case "hostname" ->
            {
                if (arity(w, 2, "hostname NAME"))
                {
                    hostname = w.get(1);
                }
            }
            case "end", "exit" ->
            {
            }
            case "interface" ->
            {
                if (arity(w, 2, "interface NAME"))
                {
                    final InterfaceBuilder builder = interfaces.computeIfAbsent(w.get(1), name -> new InterfaceBuilder(name, lineNumber));
                    mode = builder::command;
                }
            }
            case "ip" -> globalIp(w);
            case "crypto" -> crypto(w);
            case "router" -> router(w, text);
            default -> error("unknown command '" + text + "'");
        }
    }

    /** {@code router eigrp AS} and its section: {@code network}, {@code eigrp stub}, {@code eigrp router-id}, {@code no auto-summary}. */
    private void router(final List<String> w, final String text)
    {
        if (w.size() != 3 || !w.get(1).equals("eigrp"))
        {
            error("unknown command '" + text + "' (of the routing protocols only 'router eigrp AS' is accepted)");
            return;
        }
        if (eigrpAs != 0)
        {
            error("a second 'router eigrp' (this router runs one EIGRP process, from line " + eigrpLine + ")");
            return;
        }
        final long as = number(w.get(2), 1, 65535, "EIGRP autonomous system");
        if (as < 0)
        {
            return;
        }
        eigrpAs = (int)as;
        eigrpLine = lineNumber;
        mode = this::eigrpCommand;
    }

    private void eigrpCommand(final List<String> w)
    {
        final String text = String.join(" ", w);
        switch (w.get(0))
        {
            case "network" ->
            {
                if (w.size() != 2 && w.size() != 3)
                {
                    error("expected 'network A.B.C.D [WILDCARD]'");
                    return;
                }
                final long parsed = anyAddress(w.get(1));
                if (parsed < 0)
                {
                    return;
                }
                final int address = (int)parsed;
                final long wildcard = w.size() == 3 ? anyAddress(w.get(2)) : classfulWildcard(address);
                if (wildcard < 0)
                {
                    return;
                }
                if (Integer.bitCount((int)~wildcard) != Integer.numberOfLeadingZeros((int)wildcard))
                {
                    error("'" + w.get(2) + "' is not a contiguous wildcard mask");
                    return;
                }
                eigrpNetworks.add(new RouterConfig.EigrpNetwork(address, (int)wildcard, lineNumber));
            }
            case "eigrp" ->
            {
                if (w.size() >= 2 && w.get(1).equals("stub"))
                {
                    int flags = 0;
                    for (final String option : w.subList(2, w.size()))
                    {
                        switch (option)
                        {
                            case "connected" -> flags |= Eigrp.STUB_CONNECTED;
                            case "summary" -> flags |= Eigrp.STUB_SUMMARY;
                            case "static" -> flags |= Eigrp.STUB_STATIC;
                            case "redistributed" -> flags |= Eigrp.STUB_REDISTRIBUTED;
                            case "receive-only" -> flags |= Eigrp.STUB_RECEIVE_ONLY;
                            default ->
                            {
                                error("unknown 'eigrp stub' option '" + option + "' (connected, summary, static, redistributed, receive-only)");
                                return;
                            }
                        }
                    }
                    eigrpStub = flags == 0 ? Eigrp.STUB_CONNECTED | Eigrp.STUB_SUMMARY : flags;
                }
                else if (w.size() == 3 && w.get(1).equals("router-id"))
                {
                    address(w.get(2));
                }
                else
                {
                    error("unknown EIGRP command '" + text + "' (accepted: network, eigrp stub, eigrp router-id, no auto-summary)");
                }
            }
            case "no" ->
            {
                if (!text.equals("no auto-summary"))
                {
                    error("unknown EIGRP command '" + text + "' (accepted: network, eigrp stub, eigrp router-id, no auto-summary)");
                }
            }
            default -> error("unknown EIGRP command '" + text + "' (accepted: network, eigrp stub, eigrp router-id, no auto-summary)");
        }
    }

    /** The wildcard of {@code network A.B.C.D} without one: the address's class (A /8, B /16, C /24). */
    private static long classfulWildcard(final int address)
    {
        final int first = address >>> 24;
        return first < 128 ? 0x00FF_FFFFL : first < 192 ? 0x0000_FFFFL : 0x0000_00FFL;
    }

    private void globalIp(final List<String> w)
    {
        if (w.size() >= 2 && w.get(1).equals("route"))
        {
            if (w.size() < 5 || w.size() > 6)
            {
                error("expected 'ip route PREFIX MASK NEXT-HOP|INTERFACE [DISTANCE]'");
                return;
            }
            final long parsed = anyAddress(w.get(2));
            final int length = mask(w.get(3));
            if (parsed < 0 || length < 0)
            {
                return;
            }
            final int prefix = (int)parsed;
            if ((prefix & ~maskOf(length)) != 0)
            {
                error("'" + w.get(2) + " " + w.get(3) + "' has host bits set");
                return;
            }
            int nextHop = 0;
            String outInterface = null;
            if (Character.isDigit(w.get(4).charAt(0)))
            {
                nextHop = address(w.get(4));
                if (nextHop == ERROR)
                {
                    return;
                }
            }
            else
            {
                outInterface = w.get(4);
            }
            final int distance = w.size() == 6 ? (int)number(w.get(5), 1, 255, "administrative distance") : 1;
            if (distance >= 0)
            {
                routes.add(new RouterConfig.StaticRoute(prefix, length, nextHop, outInterface, distance, lineNumber));
            }
            return;
        }
        error("unknown command '" + String.join(" ", w) + "' (of the global 'ip' commands only 'ip route' is accepted)");
    }

    private void crypto(final List<String> w)
    {
        final String what = w.size() >= 3 ? w.get(1) + " " + w.get(2) : String.join(" ", w);
        switch (what)
        {
            case "isakmp policy" ->
            {
                if (arity(w, 4, "crypto isakmp policy PRIORITY"))
                {
                    final int priority = (int)number(w.get(3), 1, 10000, "policy priority");
                    final List<String> settings = new ArrayList<>();
                    isakmpPolicies.add(new RouterConfig.IsakmpPolicy(priority, settings));
                    mode = words ->
                    {
                        switch (words.get(0))
                        {
                            case "encr", "encryption", "hash", "authentication", "group", "lifetime" -> settings.add(String.join(" ", words));
                            default -> error("unknown isakmp policy setting '" + String.join(" ", words) + "'");
                        }
                    };
                }
            }
            case "isakmp key" ->
            {
                // crypto isakmp key KEY address A.B.C.D [MASK]
                if (w.size() < 6 || w.size() > 7 || !w.get(4).equals("address"))
                {
                    error("expected 'crypto isakmp key KEY address ADDRESS [MASK]'");
                    return;
                }
                final long address = anyAddress(w.get(5));
                final int length = w.size() == 7 ? mask(w.get(6)) : 32;
                if (address >= 0 && length >= 0)
                {
                    isakmpKeys.add(new RouterConfig.IsakmpKey(w.get(3), (int)address, length));
                }
            }
            case "ipsec transform-set" -> transformSet(w);
            case "ipsec security-association" ->
            {
                // crypto ipsec security-association lifetime seconds N | kilobytes N
                if (w.size() != 6 || !w.get(3).equals("lifetime") || !w.get(4).equals("seconds") && !w.get(4).equals("kilobytes"))
                {
                    error("expected 'crypto ipsec security-association lifetime seconds N' or '... lifetime kilobytes N'");
                    return;
                }
                if (w.get(4).equals("seconds"))
                {
                    final long seconds = number(w.get(5), SaLifetime.MIN_SECONDS, SaLifetime.MAX_SECONDS, "SA lifetime seconds");
                    saLifetimeSeconds = seconds < 0 ? saLifetimeSeconds : seconds;
                }
                else
                {
                    final long kilobytes = number(w.get(5), SaLifetime.MIN_KILOBYTES, SaLifetime.MAX_KILOBYTES, "SA lifetime kilobytes");
                    saLifetimeKilobytes = kilobytes < 0 ? saLifetimeKilobytes : kilobytes;
                }
            }
            case "ipsec profile" ->
            {
                if (arity(w, 4, "crypto ipsec profile NAME"))
                {
                    final ProfileBuilder profile = profiles.computeIfAbsent(w.get(3), name -> new ProfileBuilder(name, lineNumber));
                    mode = words ->
                    {
                        if (words.size() == 3 && words.get(0).equals("set") && words.get(1).equals("transform-set"))
                        {
                            profile.transformSet = words.get(2);
                            profile.transformSetLine = lineNumber;
                        }
                        else
                        {
                            error("unknown ipsec profile setting '" + String.join(" ", words) + "' (expected 'set transform-set NAME')");
                        }
                    };
                }
            }
            default ->
            {
                if (w.size() == 5 && w.get(1).equals("map") && w.get(4).equals("ipsec-manual"))
                {
                    manualMap(w);
                    return;
                }
                error("unknown command '" + String.join(" ", w) + "'");
            }
        }
    }

    private void transformSet(final List<String> w)
    {
        if (w.size() < 5)
        {
            error("expected 'crypto ipsec transform-set NAME esp-gcm 128|esp-gcm 192|esp-gcm 256|esp-aes 256 esp-sha256-hmac'");
            return;
        }
        final String spec = String.join(" ", w.subList(4, w.size()));
        final Transform transform = switch (spec)
        {
            case "esp-gcm 128", "esp-gcm" -> Transform.AES_GCM_128;
            case "esp-gcm 192" -> Transform.AES_GCM_192;
            case "esp-gcm 256" -> Transform.AES_GCM_256;
            case "esp-aes 256 esp-sha256-hmac" -> Transform.AES_256_CBC_HMAC_SHA256;
            default -> null;
        };
        if (transform == null)
        {
            error("unsupported transform '" + spec + "' (supported: esp-gcm 128, esp-gcm 192, esp-gcm 256, esp-aes 256 esp-sha256-hmac)");
            return;
        }
        final TransformSetBuilder set = new TransformSetBuilder(w.get(3), transform, lineNumber);
        transformSets.put(set.name, set);
        mode = words ->
        {
            if (words.size() == 2 && words.get(0).equals("mode") && (words.get(1).equals("transport") || words.get(1).equals("tunnel")))
            {
                set.transport = words.get(1).equals("transport");
            }
            else
            {
                error("unknown transform-set setting '" + String.join(" ", words) + "' (expected 'mode transport' or 'mode tunnel')");
            }
        };
    }

    private void manualMap(final List<String> w)
    {
        final ManualSaBuilder sa = new ManualSaBuilder(w.get(2), (int)number(w.get(3), 1, 65535, "crypto map sequence"), lineNumber);
        manualSas.add(sa);
        mode = words ->
        {
            if (words.size() == 3 && words.get(0).equals("set") && words.get(1).equals("peer"))
            {
                sa.peer = address(words.get(2));
            }
            else if (words.size() == 3 && words.get(0).equals("set") && words.get(1).equals("transform-set"))
            {
                sa.transformSet = words.get(2);
            }
            else if (words.size() >= 7 && words.get(0).equals("set") && words.get(1).equals("session-key") &&
                words.get(3).equals("esp") && words.get(5).equals("cipher"))
            {
                // set session-key inbound|outbound esp SPI cipher HEX [authenticator HEX]
                final boolean inbound = words.get(2).equals("inbound");
                if (!inbound && !words.get(2).equals("outbound"))
                {
                    error("session-key direction must be inbound or outbound, not '" + words.get(2) + "'");
                    return;
                }
                final long spi = number(words.get(4), 256, 0xFFFF_FFFFL, "SPI");
                byte[] key = hex(words.get(6));
                if (words.size() == 9 && words.get(7).equals("authenticator"))
                {
                    final byte[] auth = hex(words.get(8));
                    if (key != null && auth != null)
                    {
                        final byte[] both = new byte[key.length + auth.length];
                        System.arraycopy(key, 0, both, 0, key.length);
                        System.arraycopy(auth, 0, both, key.length, auth.length);
                        key = both;
                    }
                }
                else if (words.size() != 7)
                {
                    error("expected 'set session-key inbound|outbound esp SPI cipher HEX [authenticator HEX]'");
                    return;
                }
                if (spi < 0 || key == null)
                {
                    return;
                }
                if (inbound)
                {
                    sa.inboundSpi = (int)spi;
                    sa.inboundKey = key;
                }
                else
                {
                    sa.outboundSpi = (int)spi;
                    sa.outboundKey = key;
                }
            }
            else
            {
                error("unknown crypto map setting '" + String.join(" ", words) + "'");
            }
        };
    }

    // -----------------------------------------------------------------------------------------
    // Interfaces

    private final class InterfaceBuilder
    {
        final String name;
        final int line;
        final boolean tunnelInterface;
        int address;
        int prefixLength;
        String description;
        boolean shutdown;
        String tunnelSource;
        int tunnelDestination;
        boolean multipoint;
        long tunnelKey = -1;
        String protection;
        int protectionLine;
        int sourceLine;
        int networkId;
        final List<RouterConfig.NhrpMap> maps = new ArrayList<>();
        final List<String> multicast = new ArrayList<>();
        final List<RouterConfig.Nhs> servers = new ArrayList<>();
        boolean redirect;
        boolean shortcut;
        int holdtime = 7200;
        String authentication;
        boolean noUnique;
        int firstNhrpLine;
        long bandwidthKbps;
        long delayMicros;
        int ipMtu;
        int eigrpHelloS;
        int eigrpHoldS;
        final List<int[]> eigrpSummaries = new ArrayList<>();
        boolean eigrpSplitHorizon = true;
        boolean eigrpNextHopSelf = true;
        final Map<Integer, Integer> eigrpAsLines = new LinkedHashMap<>();

        InterfaceBuilder(final String name, final int line)
        {
            this.name = name;
            this.line = line;
            this.tunnelInterface = name.toLowerCase(Locale.ROOT).startsWith("tunnel");
        }

        void command(final List<String> w)
        {
            final String text = String.join(" ", w);
            switch (w.get(0))
            {
                case "description" -> description = text.substring("description".length()).strip();
                case "shutdown" -> shutdown = true;
                case "no" ->
                {
                    if (text.equals("no shutdown"))
                    {
                        shutdown = false;
                    }
                    else if (w.size() == 5 && w.get(1).equals("ip") && w.get(3).equals("eigrp") &&
                        (w.get(2).equals("split-horizon") || w.get(2).equals("next-hop-self")))
                    {
                        if (eigrpAs(w.get(4)))
                        {
                            if (w.get(2).equals("split-horizon"))
                            {
                                eigrpSplitHorizon = false;
                            }
                            else
                            {
                                eigrpNextHopSelf = false;
                            }
                        }
                    }
                    else if (!text.equals("no ip address"))
                    {
                        error("unsupported '" + text + "' (of 'no' commands only 'no shutdown', 'no ip address', " +
                            "'no ip split-horizon eigrp AS' and 'no ip next-hop-self eigrp AS' are accepted)");
                    }
                }
                case "bandwidth" ->
                {
                    if (arity(w, 2, "bandwidth KBPS"))
                    {
                        bandwidthKbps = Math.max(0, number(w.get(1), 1, 10_000_000, "bandwidth (kbit/s)"));
                    }
                }
                case "delay" ->
                {
                    if (arity(w, 2, "delay TENS-OF-MICROSECONDS"))
                    {
                        final long tens = number(w.get(1), 1, 16_777_215, "delay (tens of microseconds)");
                        delayMicros = tens < 0 ? 0 : tens * 10;
                    }
                }
                case "ip" -> ip(w, text);
                case "tunnel" -> tunnel(w, text);
                default -> error("unknown interface command '" + text + "'");
            }
        }

        private void ip(final List<String> w, final String text)
        {
            if (w.size() == 4 && w.get(1).equals("address"))
            {
                final int a = address(w.get(2));
                final int length = mask(w.get(3));
                if (a != ERROR && length >= 0)
                {
                    address = a;
                    prefixLength = length;
                }
                return;
            }
            if (w.size() == 3 && (w.get(1).equals("mtu")))
            {
                ipMtu = (int)Math.max(0, number(w.get(2), 68, 9216, "MTU"));
                return;
            }
            if (w.size() == 5 && (w.get(1).equals("hello-interval") || w.get(1).equals("hold-time")) && w.get(2).equals("eigrp"))
            {
                final long seconds = number(w.get(4), 1, 65535, w.get(1).equals("hello-interval") ? "EIGRP hello interval" : "EIGRP hold time");
                if (eigrpAs(w.get(3)) && seconds > 0)
                {
                    if (w.get(1).equals("hello-interval"))
                    {
                        eigrpHelloS = (int)seconds;
                    }
                    else
                    {
                        eigrpHoldS = (int)seconds;
                    }
                }
                return;
            }
            if (w.size() == 6 && w.get(1).equals("summary-address") && w.get(2).equals("eigrp"))
            {
                final boolean as = eigrpAs(w.get(3));
                final int prefix = address(w.get(4));
                final int length = mask(w.get(5));
                if (as && prefix != ERROR && length >= 0)
                {
                    if ((prefix & ~maskOf(length)) != 0)
                    {
                        error("'" + w.get(4) + " " + w.get(5) + "' has host bits set");
                        return;
                    }
                    eigrpSummaries.add(new int[]{prefix, length});
                }
                return;
            }
            if (w.size() == 4 && w.get(1).equals("tcp") && w.get(2).equals("adjust-mss"))
            {
                number(w.get(3), 500, 1460, "TCP MSS");
                return;
            }
            if (w.size() >= 3 && w.get(1).equals("nhrp"))
            {
                if (!tunnelInterface)
                {
                    error("'" + text + "' on " + name + ", which is not a tunnel interface");
                    return;
                }
                if (firstNhrpLine == 0)
                {
                    firstNhrpLine = lineNumber;
                }
                nhrp(w, text);
                return;
            }
            error("unknown interface command '" + text + "'");
        }

        /** An interface command's EIGRP AS, kept with its line to be checked against {@code router eigrp}. */
        private boolean eigrpAs(final String text)
        {
            final long as = number(text, 1, 65535, "EIGRP autonomous system");
            if (as < 0)
            {
                return false;
            }
            eigrpAsLines.putIfAbsent((int)as, lineNumber);
            return true;
        }

        private void nhrp(final List<String> w, final String text)
        {
            switch (w.get(2))
            {
                case "network-id" ->
                {
                    if (arity(w, 4, "ip nhrp network-id N"))
                    {
                        networkId = (int)number(w.get(3), 1, 0xFFFF_FFFFL, "network id");
                    }
                }
                case "map" ->
                {
                    if (w.size() == 5 && w.get(3).equals("multicast"))
                    {
                        if (!w.get(4).equals("dynamic") && address(w.get(4)) == ERROR)
                        {
                            return;
                        }
                        multicast.add(w.get(4));
                    }
                    else if (w.size() == 5)
                    {
                        final int tunnel = address(w.get(3));
                        final int nbma = address(w.get(4));
                        if (tunnel != ERROR && nbma != ERROR)
                        {
                            maps.add(new RouterConfig.NhrpMap(tunnel, nbma, lineNumber));
                        }
                    }
                    else
                    {
                        error("expected 'ip nhrp map TUNNEL-ADDRESS NBMA-ADDRESS' or 'ip nhrp map multicast dynamic|NBMA-ADDRESS'");
                    }
                }
                case "nhs" ->
                {
                    if (w.size() == 4 || w.size() == 6 && w.get(4).equals("nbma"))
                    {
                        final int tunnel = address(w.get(3));
                        final int nbma = w.size() == 6 ? address(w.get(5)) : 0;
                        if (tunnel != ERROR && (w.size() == 4 || nbma != ERROR))
                        {
                            servers.add(new RouterConfig.Nhs(tunnel, nbma, lineNumber));
                        }
                    }
                    else
                    {
                        error("expected 'ip nhrp nhs TUNNEL-ADDRESS [nbma NBMA-ADDRESS]'");
                    }
                }
                case "redirect" ->
                {
                    if (arity(w, 3, "ip nhrp redirect"))
                    {
                        redirect = true;
                    }
                }
                case "shortcut" ->
                {
                    if (arity(w, 3, "ip nhrp shortcut"))
                    {
                        shortcut = true;
                    }
                }
                case "holdtime" ->
                {
                    if (arity(w, 4, "ip nhrp holdtime SECONDS"))
                    {
                        holdtime = (int)number(w.get(3), 1, 65535, "holding time");
                    }
                }
                case "authentication" ->
                {
                    if (arity(w, 4, "ip nhrp authentication STRING"))
                    {
                        if (w.get(3).length() > 8)
                        {
                            error("NHRP authentication string '" + w.get(3) + "' is longer than 8 characters");
                        }
                        else
                        {
                            authentication = w.get(3);
                        }
                    }
                }
                case "registration" ->
                {
                    if (text.equals("ip nhrp registration no-unique"))
                    {
                        noUnique = true;
                    }
                    else
                    {
                        error("unknown command '" + text + "' (expected 'ip nhrp registration no-unique')");
                    }
                }
                default -> error("unknown NHRP command '" + text + "'");
            }
        }

        private void tunnel(final List<String> w, final String text)
        {
            if (!tunnelInterface)
            {
                error("'" + text + "' on " + name + ", which is not a tunnel interface");
                return;
            }
            final String what = w.size() >= 2 ? w.get(1) : "";
            switch (what)
            {
                case "source" ->
                {
                    if (arity(w, 3, "tunnel source INTERFACE|ADDRESS"))
                    {
                        tunnelSource = w.get(2);
                        sourceLine = lineNumber;
                    }
                }
                case "destination" ->
                {
                    if (arity(w, 3, "tunnel destination ADDRESS"))
                    {
                        final int d = address(w.get(2));
                        if (d != ERROR)
                        {
                            tunnelDestination = d;
                        }
                    }
                }
                case "mode" ->
                {
                    if (text.equals("tunnel mode gre multipoint"))
                    {
                        multipoint = true;
                    }
                    else if (!text.equals("tunnel mode gre ip"))
                    {
                        error("unsupported '" + text + "' (expected 'tunnel mode gre multipoint' or 'tunnel mode gre ip')");
                    }
                }
                case "key" ->
                {
                    if (arity(w, 3, "tunnel key N"))
                    {
                        tunnelKey = number(w.get(2), 0, 0xFFFF_FFFFL, "tunnel key");
                    }
                }
                case "protection" ->
                {
                    if (w.size() == 5 && w.get(2).equals("ipsec") && w.get(3).equals("profile"))
                    {
                        protection = w.get(4);
                        protectionLine = lineNumber;
                    }
                    else
                    {
                        error("expected 'tunnel protection ipsec profile NAME'");
                    }
                }
                default -> error("unknown tunnel command '" + text + "'");
            }
        }

        RouterConfig.Interface build()
        {
            RouterConfig.Tunnel tunnel = null;
            RouterConfig.Nhrp nhrp = null;
            if (tunnelInterface)
            {
                if (tunnelSource == null)
                {
                    errorAt(line, name + " has no 'tunnel source'");
                }
                else if (!Character.isDigit(tunnelSource.charAt(0)) && !interfaces.containsKey(tunnelSource))
                {
                    errorAt(sourceLine, "tunnel source " + tunnelSource + " is not an interface of this router");
                }
                if (address == 0)
                {
                    errorAt(line, name + " has no 'ip address'");
                }
                if (multipoint && tunnelDestination != 0)
                {
                    errorAt(line, name + " is multipoint but has a 'tunnel destination'");
                }
                if (!multipoint && tunnelDestination == 0)
                {
                    errorAt(line, name + " is point-to-point GRE but has no 'tunnel destination'");
                }
                if (protection != null && !profiles.containsKey(protection))
                {
                    errorAt(protectionLine, "ipsec profile " + protection + " is not defined");
                }
                if (firstNhrpLine != 0 && networkId == 0)
                {
                    errorAt(firstNhrpLine, name + " uses NHRP but has no 'ip nhrp network-id'");
                }
                tunnel = new RouterConfig.Tunnel(tunnelSource, tunnelDestination, multipoint, tunnelKey, protection);
                nhrp = new RouterConfig.Nhrp(networkId, List.copyOf(maps), List.copyOf(multicast), List.copyOf(servers), redirect,
                    shortcut, holdtime, authentication, noUnique);
            }
            final RouterConfig.EigrpInterface eigrp = new RouterConfig.EigrpInterface(eigrpHelloS, eigrpHoldS, List.copyOf(eigrpSummaries),
                eigrpSplitHorizon, eigrpNextHopSelf, Map.copyOf(eigrpAsLines));
            return new RouterConfig.Interface(name, line, address, prefixLength, description, shutdown, tunnel, nhrp, bandwidthKbps,
                delayMicros, ipMtu, eigrp);
        }
    }

    private static final class TransformSetBuilder
    {
        final String name;
        final Transform transform;
        final int line;
        boolean transport;

        TransformSetBuilder(final String name, final Transform transform, final int line)
        {
            this.name = name;
            this.transform = transform;
            this.line = line;
        }
    }

    private static final class ProfileBuilder
    {
        final String name;
        final int line;
        String transformSet;
        int transformSetLine;

        ProfileBuilder(final String name, final int line)
        {
            this.name = name;
            this.line = line;
        }
    }

    private static final class ManualSaBuilder
    {
        final String map;
        final int sequence;
        final int line;
        int peer;
        String transformSet;
        int inboundSpi;
        byte[] inboundKey;
        int outboundSpi;
        byte[] outboundKey;

        ManualSaBuilder(final String map, final int sequence, final int line)
        {
            this.map = map;
            this.sequence = sequence;
            this.line = line;
        }
    }

    // -----------------------------------------------------------------------------------------
    // Whole-configuration checks

    private RouterConfig build()
    {
        final Map<String, RouterConfig.Interface> builtInterfaces = new LinkedHashMap<>();
        interfaces.forEach((name, builder) -> builtInterfaces.put(name, builder.build()));
        final Map<String, RouterConfig.TransformSet> sets = new LinkedHashMap<>();
        transformSets.forEach((name, b) -> sets.put(name, new RouterConfig.TransformSet(name, b.transform, b.transport, b.line)));
        final Map<String, RouterConfig.IpsecProfile> builtProfiles = new LinkedHashMap<>();
        profiles.forEach((name, b) ->
        {
            if (b.transformSet == null)
            {
                errorAt(b.line, "ipsec profile " + name + " has no 'set transform-set'");
            }
            else if (!sets.containsKey(b.transformSet))
            {
                errorAt(b.transformSetLine, "transform-set " + b.transformSet + " is not defined");
            }
            builtProfiles.put(name, new RouterConfig.IpsecProfile(name, b.transformSet, b.line));
        });
        final List<RouterConfig.ManualSa> sas = new ArrayList<>();
        for (final ManualSaBuilder b : manualSas)
        {
            final RouterConfig.TransformSet set = b.transformSet == null ? null : sets.get(b.transformSet);
            if (b.peer == 0 || set == null || b.inboundKey == null || b.outboundKey == null)
            {
                errorAt(b.line, "crypto map " + b.map + " " + b.sequence + " needs 'set peer', a defined 'set transform-set' and " +
                    "inbound and outbound 'set session-key'");
                continue;
            }
            final int length = set.transform().keyMaterialLength();
            if (b.inboundKey.length != length || b.outboundKey.length != length)
            {
                errorAt(b.line, "crypto map " + b.map + " " + b.sequence + ": " + set.transform().iosName() + " needs " + length +
                    " bytes of key material per direction (cipher key, then " +
                    (set.transform().isAead() ? "4-byte salt" : "authenticator key") + ")");
                continue;
            }
            sas.add(new RouterConfig.ManualSa(b.map, b.sequence, b.peer, b.transformSet, b.inboundSpi, b.inboundKey, b.outboundSpi,
                b.outboundKey, b.line));
        }
        for (final RouterConfig.StaticRoute route : routes)
        {
            if (route.outInterface() != null && !route.outInterface().equals("Null0") && !interfaces.containsKey(route.outInterface()))
            {
                errorAt(route.line(), "route out of " + route.outInterface() + ", which is not an interface of this router");
            }
        }
        for (final RouterConfig.Interface built : builtInterfaces.values())
        {
            built.eigrp().autonomousSystems().forEach((as, line) ->
            {
                if (as != eigrpAs)
                {
                    errorAt(line, eigrpAs == 0 ? "EIGRP " + as + " on " + built.name() + ", but there is no 'router eigrp " + as + "'" :
                        "EIGRP " + as + " on " + built.name() + ", but the router runs 'router eigrp " + eigrpAs + "'");
                }
            });
        }
        final RouterConfig.Eigrp eigrp = eigrpAs == 0 ? null : new RouterConfig.Eigrp(eigrpAs, List.copyOf(eigrpNetworks), eigrpStub, eigrpLine);
        if (eigrp != null && eigrpNetworks.isEmpty())
        {
            errorAt(eigrpLine, "router eigrp " + eigrpAs + " has no 'network' statement: it would run on no interface");
        }
        return new RouterConfig(source, hostname, Collections.unmodifiableMap(builtInterfaces), List.copyOf(routes),
            sets, builtProfiles, List.copyOf(isakmpKeys), List.copyOf(isakmpPolicies), List.copyOf(sas),
            new SaLifetime(saLifetimeSeconds, saLifetimeKilobytes), eigrp);
    }

    // -----------------------------------------------------------------------------------------
    // Values

    private static final int ERROR = 0;

    private boolean arity(final List<String> w, final int n, final String expected)
    {
        if (w.size() != n)
        {
            error("expected '" + expected + "', not '" + String.join(" ", w) + "'");
            return false;
        }
        return true;
    }

    /** @return the address, or {@link #ERROR} (0.0.0.0 is never a valid address here) with an error. */
    private int address(final String text)
    {
        try
        {
            final int a = Ipv4Address.parse(text);
            if (a == 0)
            {
                error("0.0.0.0 is not a usable address");
            }
            return a;
        }
        catch (final IllegalArgumentException ex)
        {
            error("'" + text + "' is not an IPv4 address");
            return ERROR;
        }
    }

    /** @return an address where 0.0.0.0 is allowed (a prefix, a wildcard), or -1 with an error. */
    private long anyAddress(final String text)
    {
        if (text.equals("0.0.0.0"))
        {
            return 0;
        }
        final int a = address(text);
        return a == ERROR ? -1 : a & 0xFFFF_FFFFL;
    }

    /** @return the prefix length of a dotted netmask, or -1 with an error. */
    private int mask(final String text)
    {
        final int m;
        try
        {
            m = text.equals("0.0.0.0") ? 0 : Ipv4Address.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            error("'" + text + "' is not a netmask");
            return -1;
        }
        final int length = Integer.bitCount(m);
        if (m != maskOf(length))
        {
            error("'" + text + "' is not a contiguous netmask");
            return -1;
        }
        return length;
    }

    private static int maskOf(final int length)
    {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    private long number(final String text, final long min, final long max, final String what)
    {
        try
        {
            final long n = Long.parseLong(text);
            if (n >= min && n <= max)
            {
                return n;
            }
            error(what + " " + n + " outside " + min + ".." + max);
        }
        catch (final NumberFormatException ex)
        {
            error(what + " '" + text + "' is not a number");
        }
        return -1;
    }

    private byte[] hex(final String text)
    {
        try
        {
            final byte[] bytes = HexFormat.of().parseHex(text);
            if (bytes.length == 0)
            {
                error("empty key");
                return null;
            }
            return bytes;
        }
        catch (final IllegalArgumentException ex)
        {
            error("key '" + text + "' is not an even number of hex digits");
            return null;
        }
    }
}
