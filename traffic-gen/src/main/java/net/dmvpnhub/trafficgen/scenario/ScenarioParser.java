package net.dmvpnhub.trafficgen.scenario;

import net.dmvpnhub.nhrp.config.ConfigException;
import net.dmvpnhub.nhrp.config.IosConfigParser;
import net.dmvpnhub.nhrp.config.RouterConfig;
import net.dmvpnhub.trafficgen.scenario.ScenarioScript.Command;
import net.dmvpnhub.wire.Ipv4Address;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a scenario script: the routers' configuration files, then timed commands, one per line.
 * <pre>
 * ! Phase 1 lab: R4 reaches R3 through the hub
 * router phase1-R1.cfg
 * router phase1-R3.cfg
 * router phase1-R4.cfg
 * at 00:00:05  R4 ping 192.168.1.2
 * at +1s       R4 traceroute 192.168.1.2
 * at 00:44:20  R1 show ip nhrp
 * at +0s       R1 show dmvpn json
 * </pre>
 * A {@code router} line names a configuration file, relative to the script's folder. A step is
 * {@code at TIME ROUTER COMMAND}: TIME is simulated time since the network came up, either
 * {@code hh:mm:ss[.mmm]} or a sum of amounts with units ({@code 2h}, {@code 90s},
 * {@code 1m30s}, {@code 250ms}); with a leading {@code +} it counts from the step before. Steps
 * run in the order written, so time never goes back. COMMAND is {@code show ...} (anything the
 * router's show commands accept, with {@code json} at the end for JSON), {@code ping ADDRESS
 * [repeat N] [size BYTES]}, {@code traceroute ADDRESS}, {@code nbma ADDRESS} (the router's
 * underlay address changes), {@code nat ADDRESS} or {@code no nat} (a one-to-one NAT in front of
 * it gives its packets ADDRESS), {@code shutdown} or {@code no shutdown} (its tunnel interface).
 * <p>
 * Every line is checked, and every configuration file is parsed; all problems are reported
 * together, each as {@code file:line: reason}. Nothing is returned unless there are none.
 */
public final class ScenarioParser
{
    private static final Pattern CLOCK = Pattern.compile("(\\d+):([0-5]\\d):([0-5]\\d)(?:\\.(\\d{1,3}))?");
    private static final Pattern AMOUNT = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final long MAX_NS = TimeUnit.DAYS.toNanos(365);

    private final String source;
    private final Path folder;
    private final List<Problem> problems = new ArrayList<>();
    private final List<ScenarioScript.RouterFile> routers = new ArrayList<>();
    private final List<PendingStep> pending = new ArrayList<>();
    private long lastNs;
    private int lineNumber;

    private record Problem(int order, String text)
    {
    }

    /** A step whose router is checked once every configuration has been read. */
    private record PendingStep(int line, long atNs, String router, Command command, String text)
    {
    }

    private ScenarioParser(final String source, final Path folder)
    {
        this.source = source;
        this.folder = folder;
    }

    /**
     * @param script the script file.
     * @return the checked scenario.
     * @throws ConfigException every problem, each as {@code file:line: reason}.
     * @throws IOException     when the script itself cannot be read.
     */
    public static ScenarioScript parse(final Path script) throws IOException, ConfigException
    {
        final Path folder = script.toAbsolutePath().getParent();
        return parse(script.getFileName().toString(), folder, Files.readAllLines(script));
    }

    /**
     * @param source the script's name for messages.
     * @param folder where {@code router} lines' relative paths start.
     * @param lines  the script's lines.
     */
    public static ScenarioScript parse(final String source, final Path folder, final List<String> lines)
        throws ConfigException
    {
        final ScenarioParser parser = new ScenarioParser(source, folder);
        for (final String line : lines)
        {
            parser.lineNumber++;
            parser.line(line);
        }
        return parser.finish();
    }

    private void error(final String reason)
    {
        problems.add(new Problem(lineNumber, source + ":" + lineNumber + ": " + reason));
    }

    private void line(final String raw)
    {
        final String text = raw.strip();
        if (text.isEmpty() || text.startsWith("!") || text.startsWith("#"))
        {
            return;
        }
        final String[] words = text.split("\\s+");
        switch (words[0])
        {
            case "router" -> router(words);
            case "at" -> step(words, text);
            default -> error("unknown line '" + text + "': expected 'router FILE' or 'at TIME ROUTER COMMAND'");
        }
    }

    private void router(final String[] words)
    {
        if (words.length != 2 && !(words.length == 4 && words[2].equals("nat")))
        {
            error("expected 'router FILE' (one configuration file, relative to the script's folder), or 'router FILE nat ADDRESS' " +
                "(a spoke behind a one-to-one NAT that gives its packets ADDRESS)");
            return;
        }
        final long nat = words.length == 4 ? address(words[3]) : 0;
        if (nat < 0)
        {
            return;
        }
        if (words.length == 4 && nat == 0)
        {
            error("'nat 0.0.0.0' names no address: leave 'nat ADDRESS' off a router that is not behind a NAT");
            return;
        }
        if (!pending.isEmpty())
        {
            error("'router' after the first step: name every router before the steps");
            return;
        }
        final Path path = folder.resolve(words[1]).normalize();
        try
        {
            final RouterConfig config = IosConfigParser.parse(path);
            for (final ScenarioScript.RouterFile other : routers)
            {
                if (other.config().hostname().equals(config.hostname()))
                {
                    error("hostname '" + config.hostname() + "' of " + words[1] + " is already the hostname of "
                        + other.path().getFileName() + " (line " + other.line() + ")");
                    return;
                }
            }
            routers.add(new ScenarioScript.RouterFile(path, config, lineNumber, (int)nat));
        }
        catch (final NoSuchFileException e)
        {
            error("no configuration file '" + words[1] + "' (looked for " + path + ")");
        }
        catch (final IOException e)
        {
            error("cannot read configuration file '" + words[1] + "': " + e.getMessage());
        }
        catch (final ConfigException e)
        {
            // The configuration's own problems come first, in their own file's terms, then what it means here.
            for (final String problem : e.problems())
            {
                problems.add(new Problem(lineNumber, problem));
            }
            error("configuration file '" + words[1] + "' has " + e.problems().size() + " problem(s), listed above");
        }
    }

    private void step(final String[] words, final String text)
    {
        if (words.length < 4)
        {
            error("expected 'at TIME ROUTER COMMAND'");
            return;
        }
        final boolean relative = words[1].startsWith("+");
        final long amountNs = duration(relative ? words[1].substring(1) : words[1]);
        if (amountNs < 0)
        {
            return;
        }
        final long atNs = relative ? lastNs + amountNs : amountNs;
        if (atNs < lastNs)
        {
            error("time " + words[1] + " is before the step above it (" + clock(lastNs) + "): steps run in the order written");
            return;
        }
        final String commandText = String.join(" ", List.of(words).subList(3, words.length));
        final Command command = command(words, commandText);
        if (command == null)
        {
            return;
        }
        lastNs = atNs;
        pending.add(new PendingStep(lineNumber, atNs, words[2], command, commandText));
    }

    /** @return nanoseconds, or -1 after reporting the problem. */
    private long duration(final String text)
    {
        final Matcher clock = CLOCK.matcher(text);
        if (clock.matches())
        {
            final String millis = clock.group(4) == null ? "0" : (clock.group(4) + "00").substring(0, 3);
            final long ns = TimeUnit.HOURS.toNanos(Long.parseLong(clock.group(1)))
                + TimeUnit.MINUTES.toNanos(Long.parseLong(clock.group(2)))
                + TimeUnit.SECONDS.toNanos(Long.parseLong(clock.group(3)))
                + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(millis));
            return bounded(text, ns);
        }
        final Matcher amount = AMOUNT.matcher(text);
        long ns = 0;
        int end = 0;
        while (amount.find() && amount.start() == end)
        {
            final long value;
            try
            {
                value = Long.parseLong(amount.group(1));
            }
            catch (final NumberFormatException e)
            {
                error("time '" + text + "' is too large (at most 365 days)");
                return -1;
            }
            final TimeUnit unit = switch (amount.group(2))
            {
                case "ms" -> TimeUnit.MILLISECONDS;
                case "s" -> TimeUnit.SECONDS;
                case "m" -> TimeUnit.MINUTES;
                default -> TimeUnit.HOURS;
            };
            // Saturating: a sum past the bound stays past it without overflowing.
            ns = Math.min(ns + Math.min(unit.toNanos(value), MAX_NS + 1), MAX_NS + 1);
            end = amount.end();
        }
        if (end != text.length() || text.isEmpty())
        {
            error("time '" + text + "' is neither hh:mm:ss[.mmm] nor amounts with units such as 90s, 1m30s, 2h, 250ms");
            return -1;
        }
        return bounded(text, ns);
    }

    private long bounded(final String text, final long ns)
    {
        if (ns > MAX_NS)
        {
            error("time '" + text + "' is too large (at most 365 days)");
            return -1;
        }
        return ns;
    }

    private Command command(final String[] words, final String commandText)
    {
        final List<String> w = List.of(words).subList(3, words.length);
        switch (w.get(0))
        {
            case "show":
                if (w.size() < 2)
                {
                    error("'show' needs a command, for example 'show ip nhrp' or 'show dmvpn json'");
                    return null;
                }
                return new ScenarioScript.Show(commandText);
            case "ping":
                return ping(w);
            case "traceroute":
                if (w.size() != 2)
                {
                    error("expected 'traceroute ADDRESS'");
                    return null;
                }
                final long destination = address(w.get(1));
                return destination < 0 ? null : new ScenarioScript.Traceroute((int)destination);
            case "nbma":
                if (w.size() != 2)
                {
                    error("expected 'nbma ADDRESS' (the router's new underlay address)");
                    return null;
                }
                final long nbma = address(w.get(1));
                return nbma < 0 ? null : new ScenarioScript.ChangeNbma((int)nbma);
            case "nat":
                if (w.size() != 2)
                {
                    error("expected 'nat ADDRESS' (the address a one-to-one NAT in front of the router gives its packets)");
                    return null;
                }
                final long postNat = address(w.get(1));
                if (postNat == 0)
                {
                    error("'nat 0.0.0.0' names no address: 'no nat' takes a router from behind its NAT");
                    return null;
                }
                return postNat < 0 ? null : new ScenarioScript.Nat((int)postNat);
            case "shutdown":
                if (w.size() != 1)
                {
                    error("'shutdown' takes nothing after it");
                    return null;
                }
                return new ScenarioScript.Shutdown();
            case "eigrp":
                if (w.size() != 2 || !w.get(1).equals("shutdown"))
                {
                    error("expected 'eigrp shutdown' (the router's EIGRP stops) or 'no eigrp shutdown' (it starts again)");
                    return null;
                }
                return new ScenarioScript.EigrpShutdown(true);
            case "no":
                if (w.size() == 2 && w.get(1).equals("nat"))
                {
                    return new ScenarioScript.Nat(0);
                }
                if (w.size() == 3 && w.get(1).equals("eigrp") && w.get(2).equals("shutdown"))
                {
                    return new ScenarioScript.EigrpShutdown(false);
                }
                if (w.size() != 2 || !w.get(1).equals("shutdown"))
                {
                    error("unknown command '" + commandText + "' (of the 'no' commands only 'no shutdown', 'no nat' and " +
                        "'no eigrp shutdown' are accepted)");
                    return null;
                }
                return new ScenarioScript.NoShutdown();
            default:
                error("unknown command '" + commandText + "': expected show, ping, traceroute, nbma, nat, no nat, shutdown, no shutdown, " +
                    "eigrp shutdown or no eigrp shutdown");
                return null;
        }
    }

    private Command ping(final List<String> w)
    {
        if (w.size() < 2)
        {
            error("expected 'ping ADDRESS [repeat N] [size BYTES]'");
            return null;
        }
        final long destination = address(w.get(1));
        int repeat = 5;
        int size = 100;
        boolean ok = destination >= 0;
        for (int i = 2; i < w.size(); i += 2)
        {
            if (i + 1 >= w.size())
            {
                error("'" + w.get(i) + "' needs a number after it");
                return null;
            }
            switch (w.get(i))
            {
                case "repeat" ->
                {
                    repeat = number(w.get(i + 1), 1, 100_000, "repeat count");
                    ok &= repeat > 0;
                }
                // 36 bytes is IOS's smallest ping; 1400 keeps a probe, with ESP, GRE and the outer header, within a 1500-byte underlay.
                case "size" ->
                {
                    size = number(w.get(i + 1), 36, 1400, "ping size");
                    ok &= size > 0;
                }
                default ->
                {
                    error("unknown ping option '" + w.get(i) + "': expected 'repeat N' or 'size BYTES'");
                    return null;
                }
            }
        }
        return ok ? new ScenarioScript.Ping((int)destination, repeat, size) : null;
    }

    private int number(final String text, final int min, final int max, final String what)
    {
        try
        {
            final int value = Integer.parseInt(text);
            if (value >= min && value <= max)
            {
                return value;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below, with the range
        }
        error(what + " '" + text + "' is not a number from " + min + " to " + max);
        return -1;
    }

    /** @return the address as an unsigned int in a long, or -1 after reporting the problem. */
    private long address(final String text)
    {
        try
        {
            return Ipv4Address.parse(text) & 0xFFFF_FFFFL;
        }
        catch (final IllegalArgumentException e)
        {
            error("'" + text + "' is not an IPv4 address");
            return -1;
        }
    }

    private ScenarioScript finish() throws ConfigException
    {
        final Map<String, ScenarioScript.RouterFile> byName = new HashMap<>();
        routers.forEach(r -> byName.put(r.config().hostname(), r));
        final List<ScenarioScript.Step> steps = new ArrayList<>();
        for (final PendingStep step : pending)
        {
            if (!byName.containsKey(step.router()))
            {
                lineNumber = step.line();
                error("no router '" + step.router() + "'" + (routers.isEmpty()
                    ? ": the script names no configuration file ('router FILE' lines come first)"
                    : ": the routers are " + String.join(", ", routers.stream().map(r -> r.config().hostname()).toList())));
                continue;
            }
            steps.add(new ScenarioScript.Step(step.line(), step.atNs(), step.router(), step.command(), step.text()));
        }
        if (routers.isEmpty() && problems.isEmpty())
        {
            lineNumber = Math.max(1, lineNumber);
            error("the script names no router: add 'router FILE' lines for the hub and its spokes");
        }
        if (!problems.isEmpty())
        {
            throw new ConfigException(problems.stream().sorted(Comparator.comparingInt(Problem::order)).map(Problem::text).toList());
        }
        return new ScenarioScript(source, List.copyOf(routers), List.copyOf(steps));
    }

    /** @return {@code hh:mm:ss}, or {@code hh:mm:ss.mmm} when there are milliseconds. */
    public static String clock(final long ns)
    {
        final long totalMs = TimeUnit.NANOSECONDS.toMillis(ns);
        final long seconds = totalMs / 1000;
        final String hms = String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
        return totalMs % 1000 == 0 ? hms : hms + String.format(".%03d", totalMs % 1000);
    }
}
