package net.dmvpnhub.trafficgen.scenario;

import net.dmvpnhub.nhrp.config.ConfigException;
import net.dmvpnhub.trafficgen.scenario.ScenarioScript.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScenarioParserTest
{
    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final List<String> LAB = List.of(
        "! the Phase 1 lab",
        "router phase1-R1.cfg",
        "router phase1-R3.cfg",
        "router phase1-R4.cfg",
        "");

    private static ScenarioScript script(final String... steps) throws ConfigException
    {
        final List<String> lines = new ArrayList<>(LAB);
        lines.addAll(List.of(steps));
        return ScenarioParser.parse("lab.scn", EXAMPLES, lines);
    }

    private static String problem(final String... steps)
    {
        return String.join("\n", assertThrows(ConfigException.class, () -> script(steps)).problems());
    }

    @Test
    void readsRoutersAndStepsWithAbsoluteAndRelativeTimes() throws Exception
    {
        final ScenarioScript script = script(
            "at 00:00:05 R4 ping 192.168.1.2 repeat 3 size 200",
            "at +1s500ms R4 traceroute 192.168.1.2",
            "at 00:44:20 R1 show ip nhrp",
            "at +0s R1 show dmvpn json",
            "# a comment",
            "at 2h R3 nbma 3.3.3.9",
            "at +1m R3 shutdown",
            "at +1m R3 no shutdown");

        assertEquals(List.of("R1", "R3", "R4"), script.routers().stream().map(r -> r.config().hostname()).toList());
        final List<Step> steps = script.steps();
        assertEquals(7, steps.size());
        assertEquals(new ScenarioScript.Ping(parse("192.168.1.2"), 3, 200), steps.get(0).command());
        assertEquals(TimeUnit.SECONDS.toNanos(5), steps.get(0).atNs());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(6_500), steps.get(1).atNs());
        assertEquals(new ScenarioScript.Traceroute(parse("192.168.1.2")), steps.get(1).command());
        assertEquals(new ScenarioScript.Show("show ip nhrp"), steps.get(2).command());
        assertEquals(TimeUnit.SECONDS.toNanos(44 * 60 + 20), steps.get(3).atNs());
        assertEquals("show dmvpn json", steps.get(3).text());
        assertEquals(new ScenarioScript.ChangeNbma(parse("3.3.3.9")), steps.get(4).command());
        assertEquals(TimeUnit.HOURS.toNanos(2), steps.get(4).atNs());
        assertEquals(new ScenarioScript.Shutdown(), steps.get(5).command());
        assertEquals(new ScenarioScript.NoShutdown(), steps.get(6).command());
        assertEquals(TimeUnit.HOURS.toNanos(2) + TimeUnit.MINUTES.toNanos(2), steps.get(6).atNs());
        assertEquals(13, steps.get(6).line(), "line numbers count every line, comments included");
        assertEquals(new ScenarioScript.Ping(parse("192.168.1.2"), 5, 100), script("at 0s R4 ping 192.168.1.2").steps().get(0).command(),
            "IOS's defaults: 5 echos of 100 bytes");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "hello world                          | lab.scn:6: unknown line 'hello world': expected 'router FILE' or 'at TIME ROUTER COMMAND'",
        "at 5s R4                             | lab.scn:6: expected 'at TIME ROUTER COMMAND'",
        "at soon R4 show ip nhrp              | lab.scn:6: time 'soon' is neither hh:mm:ss[.mmm] nor amounts with units such as 90s, 1m30s, 2h, 250ms",
        "at 00:61:00 R4 show ip nhrp          | lab.scn:6: time '00:61:00' is neither hh:mm:ss[.mmm] nor amounts with units such as 90s, 1m30s, 2h, 250ms",
        "at 9000h R4 show ip nhrp             | lab.scn:6: time '9000h' is too large (at most 365 days)",
        "at 5s R9 show ip nhrp                | lab.scn:6: no router 'R9': the routers are R1, R3, R4",
        "at 5s R4 reload                      | lab.scn:6: unknown command 'reload': expected show, ping, traceroute, nbma, nat, no nat, shutdown, no shutdown, eigrp shutdown or no eigrp shutdown",
        "at 5s R4 show                        | lab.scn:6: 'show' needs a command, for example 'show ip nhrp' or 'show dmvpn json'",
        "at 5s R4 ping 192.168.1.300          | lab.scn:6: '192.168.1.300' is not an IPv4 address",
        "at 5s R4 ping 192.168.1.2 repeat 0   | lab.scn:6: repeat count '0' is not a number from 1 to 100000",
        "at 5s R4 ping 192.168.1.2 size 9000  | lab.scn:6: ping size '9000' is not a number from 36 to 1400",
        "at 5s R4 ping 192.168.1.2 df-bit     | lab.scn:6: 'df-bit' needs a number after it",
        "at 5s R4 ping 192.168.1.2 tos 1      | lab.scn:6: unknown ping option 'tos': expected 'repeat N' or 'size BYTES'",
        "at 5s R4 traceroute                  | lab.scn:6: expected 'traceroute ADDRESS'",
        "at 5s R4 nbma                        | lab.scn:6: expected 'nbma ADDRESS' (the router's new underlay address)",
        "at 5s R4 nat                         | lab.scn:6: expected 'nat ADDRESS' (the address a one-to-one NAT in front of the router gives its packets)",
        "at 5s R4 nat 203.0.113.300           | lab.scn:6: '203.0.113.300' is not an IPv4 address",
        "at 5s R4 nat 0.0.0.0                 | lab.scn:6: 'nat 0.0.0.0' names no address: 'no nat' takes a router from behind its NAT",
        "at 5s R4 shutdown now                | lab.scn:6: 'shutdown' takes nothing after it",
        "at 5s R4 no ip nhrp                  | lab.scn:6: unknown command 'no ip nhrp' (of the 'no' commands only 'no shutdown', 'no nat' and 'no eigrp shutdown' are accepted)",
        "at 5s R4 eigrp stop                  | lab.scn:6: expected 'eigrp shutdown' (the router's EIGRP stops) or 'no eigrp shutdown' (it starts again)",
    })
    void eachKindOfBadLineNamesItsLineAndReason(final String line, final String expected)
    {
        assertEquals(expected, problem(line));
    }

    @Test
    void timeNeverGoesBackAndEveryProblemIsReportedTogether()
    {
        assertEquals("""
            lab.scn:7: time 00:00:05 is before the step above it (00:00:10): steps run in the order written
            lab.scn:8: no router 'R7': the routers are R1, R3, R4""",
            problem("at 10s R4 ping 192.168.1.2", "at 00:00:05 R4 ping 192.168.1.2", "at +1s R7 show ip nhrp"));
    }

    @Test
    void routerFilesComeFirstExistAndHaveDistinctHostnames() throws ConfigException
    {
        final ConfigException late = assertThrows(ConfigException.class, () -> ScenarioParser.parse("s.scn", EXAMPLES,
            List.of("router phase1-R1.cfg", "at 0s R1 show ip nhrp", "router phase1-R3.cfg")));
        assertEquals(List.of("s.scn:3: 'router' after the first step: name every router before the steps"), late.problems());

        final ConfigException missing = assertThrows(ConfigException.class, () -> ScenarioParser.parse("s.scn", EXAMPLES,
            List.of("router no-such.cfg")));
        assertEquals(1, missing.problems().size());
        assertEquals(true, missing.problems().get(0).startsWith("s.scn:1: no configuration file 'no-such.cfg' (looked for "),
            missing.problems().get(0));

        final ConfigException twice = assertThrows(ConfigException.class, () -> ScenarioParser.parse("s.scn", EXAMPLES,
            List.of("router phase1-R1.cfg", "router ./phase1-R1.cfg")));
        assertEquals(List.of("s.scn:2: hostname 'R1' of ./phase1-R1.cfg is already the hostname of phase1-R1.cfg (line 1)"),
            twice.problems());

        final ConfigException nat = assertThrows(ConfigException.class, () -> ScenarioParser.parse("s.scn", EXAMPLES,
            List.of("router phase1-R1.cfg", "router phase1-R3.cfg nat", "router phase1-R4.cfg nat 203.0.113.400")));
        assertEquals(List.of("s.scn:2: expected 'router FILE' (one configuration file, relative to the script's folder), or " +
            "'router FILE nat ADDRESS' (a spoke behind a one-to-one NAT that gives its packets ADDRESS)",
            "s.scn:3: '203.0.113.400' is not an IPv4 address"), nat.problems());
        final ScenarioScript natted = ScenarioParser.parse("s.scn", EXAMPLES, List.of("router phase1-R1.cfg",
            "router phase1-R4.cfg nat 203.0.113.4", "at 1s R4 nat 203.0.113.5", "at 2s R4 no nat"));
        assertEquals(parse("203.0.113.4"), natted.routers().get(1).natNbma());
        assertEquals(new ScenarioScript.Nat(parse("203.0.113.5")), natted.steps().get(0).command());
        assertEquals(new ScenarioScript.Nat(0), natted.steps().get(1).command());
        final ConfigException zero = assertThrows(ConfigException.class, () -> ScenarioParser.parse("s.scn", EXAMPLES,
            List.of("router phase1-R1.cfg", "router phase1-R4.cfg nat 0.0.0.0")));
        assertEquals(List.of("s.scn:2: 'nat 0.0.0.0' names no address: leave 'nat ADDRESS' off a router that is not behind a NAT"),
            zero.problems());

        final ConfigException none = assertThrows(ConfigException.class, () -> ScenarioParser.parse("s.scn", EXAMPLES,
            List.of("! nothing")));
        assertEquals(List.of("s.scn:1: the script names no router: add 'router FILE' lines for the hub and its spokes"),
            none.problems());
    }

    @Test
    void aBadConfigurationFileReportsItsOwnLinesThenTheScriptLine(@org.junit.jupiter.api.io.TempDir final Path dir)
        throws Exception
    {
        java.nio.file.Files.writeString(dir.resolve("bad.cfg"), "hostname R9\nfrobnicate\n");
        final ConfigException e = assertThrows(ConfigException.class, () -> ScenarioParser.parse("s.scn", dir,
            List.of("router bad.cfg")));
        assertEquals(List.of(
            "bad.cfg:2: unknown command 'frobnicate'",
            "s.scn:1: configuration file 'bad.cfg' has 1 problem(s), listed above"), e.problems());
    }

    @Test
    void clockPrintsHoursMinutesSecondsAndMillisecondsWhenThereAreAny()
    {
        assertEquals("00:44:20", ScenarioParser.clock(TimeUnit.SECONDS.toNanos(2660)));
        assertEquals("02:00:01.250", ScenarioParser.clock(TimeUnit.MILLISECONDS.toNanos(7_201_250)));
    }
}
