package net.dmvpnhub.trafficgen.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example scenarios run and print exactly the transcripts kept beside them in examples/
 * (simulated time makes them the same every run), and {@code ./dmvpn scenario} refuses bad
 * command lines and scripts before anything runs.
 */
class ScenarioRunnerTest
{
    private static final Path EXAMPLES = Path.of("..", "examples");

    private record Result(int status, String out, String err)
    {
    }

    private static Result main(final String... args) throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = ScenarioMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"phase1-lab", "phase3-shortcut", "phase3-nat", "phase3-eigrp"})
    void exampleScenariosPrintTheirGoldenTranscripts(final String name, @TempDir final Path dir) throws Exception
    {
        final Path copy = dir.resolve("transcript.txt");
        final Result result = main(EXAMPLES.resolve(name + ".scn").toString(), "--out", copy.toString());
        assertEquals("", result.err());
        assertEquals(0, result.status(), result.out());
        assertEquals(Files.readString(EXAMPLES.resolve(name + ".transcript")), result.out());
        assertEquals(result.out(), Files.readString(copy), "--out holds what the console showed");
    }

    @Test
    void theGoldenTranscriptsShowWhatTheIssueAsksFor() throws Exception
    {
        final String eigrp = Files.readString(EXAMPLES.resolve("phase3-eigrp.transcript"));
        assertTrue(eigrp.contains("""
            D     10.128.0.0/9 is a summary, Null0
            D     10.128.0.0/24 [90/5120000] via 10.0.0.2, Tunnel0
            D     10.128.1.0/24 [90/5120000] via 10.0.0.3, Tunnel0
            """), "the hub's D routes and its summary");
        assertTrue(eigrp.contains("""
            SPOKE1#show ip route eigrp
            Codes: D - EIGRP

            D     10.128.0.0/9 [90/6400000] via 10.0.0.1, Tunnel0
            D     172.16.0.0/16 [90/5120000] via 10.0.0.1, Tunnel0
            """), "the spoke sees the summary, no other spoke's LAN");
        final String phase1 = Files.readString(EXAMPLES.resolve("phase1-lab.transcript"));
        assertTrue(phase1.contains("""
            R4#traceroute 192.168.1.2
            Type escape sequence to abort.
            Tracing the route to 192.168.1.2
            VRF info: (vrf in name/id, vrf out name/id)
              1 192.168.1.1 0 msec 0 msec 0 msec
              2 192.168.1.2 0 msec 0 msec 0 msec
            """), "R4 -> R3 crosses the hub: two hops");
        assertTrue(phase1.contains("""
            R1#traceroute 192.168.1.3
            Type escape sequence to abort.
            Tracing the route to 192.168.1.3
            VRF info: (vrf in name/id, vrf out name/id)
              1 192.168.1.3 0 msec 0 msec 0 msec
            """), "R1 -> R4: one hop");
        final String phase3 = Files.readString(EXAMPLES.resolve("phase3-shortcut.transcript"));
        assertTrue(phase3.contains("H     10.128.1.0/24 [250/1] via 10.0.0.3"), "the H route after the redirect");
        final int shortcut = phase3.indexOf("SPOKE1#show ip route nhrp");
        assertTrue(shortcut > 0 && phase3.indexOf("  1 10.128.1.1 0 msec 0 msec 0 msec", shortcut) > 0, "one hop over the shortcut");
    }

    @Test
    void aShowCommandTheRouterLacksStopsTheScriptBeforeAnyStepRuns(@TempDir final Path dir) throws Exception
    {
        final Path script = dir.resolve("bad.scn");
        Files.write(script, List.of(
            "router " + EXAMPLES.toAbsolutePath().resolve("phase1-R1.cfg"),
            "router " + EXAMPLES.toAbsolutePath().resolve("phase1-R3.cfg"),
            "at 1s R3 ping 192.168.1.1",
            "at 2s R3 show ip bgp"));
        final Result result = main(script.toString());
        assertEquals(2, result.status());
        assertEquals("", result.out(), "nothing ran");
        assertTrue(result.err().startsWith("bad.scn:4: R3 does not know 'show ip bgp': a spoke accepts "), result.err());
    }

    @Test
    void aStepTheNetworkRefusesWhenItsTimeComesStopsTheScriptNamingItsLine(@TempDir final Path dir) throws Exception
    {
        final Path script = dir.resolve("taken.scn");
        Files.write(script, List.of(
            "router " + EXAMPLES.toAbsolutePath().resolve("phase3-hub.cfg"),
            "router " + EXAMPLES.toAbsolutePath().resolve("phase3-spoke.cfg"),
            "router " + EXAMPLES.toAbsolutePath().resolve("phase3-spoke2.cfg"),
            "at 5s SPOKE2 nat 198.18.0.2"));
        final Result result = main(script.toString());
        assertEquals(2, result.status());
        assertEquals("taken.scn:4: NBMA address already in use: 198.18.0.2\n", result.err());
    }

    @Test
    void badCommandLinesAndScriptsExitTwoWithTheReason(@TempDir final Path dir) throws Exception
    {
        assertEquals(new Result(2, "", "dmvpn scenario: which script? (examples/*.scn are runnable examples)\n" +
            "usage: ./dmvpn scenario SCRIPT [--out FILE]\n"), main());
        assertEquals(new Result(2, "", "dmvpn scenario: unknown option --fast; the options are --out (see --help)\nusage: ./dmvpn scenario SCRIPT [--out FILE]\n"),
            main("x.scn", "--fast"));
        assertEquals(new Result(2, "", "dmvpn scenario: --out needs a value, see --help\nusage: ./dmvpn scenario SCRIPT [--out FILE]\n"),
            main("x.scn", "--out"));
        assertEquals(new Result(2, "", "dmvpn scenario: one script at a time ('b.scn' is a second)\n" +
            "usage: ./dmvpn scenario SCRIPT [--out FILE]\n"), main("a.scn", "b.scn"));
        assertEquals(2, main(dir.resolve("missing.scn").toString()).status());
        final Result unwritable = main(EXAMPLES.resolve("phase1-lab.scn").toString(), "--out", dir.resolve("no-such-folder").resolve("t.txt").toString());
        assertEquals(2, unwritable.status());
        assertTrue(unwritable.err().startsWith("dmvpn scenario: cannot write the transcript to "), unwritable.err());
        final Path script = dir.resolve("typo.scn");
        Files.write(script, List.of("router " + EXAMPLES.toAbsolutePath().resolve("phase1-R1.cfg"), "at 1s R1 reload"));
        assertEquals(new Result(2, "", "typo.scn:2: unknown command 'reload': expected show, ping, traceroute, nbma, nat, no nat, shutdown, no shutdown, eigrp shutdown or no eigrp shutdown\n"),
            main(script.toString()));
    }
}
