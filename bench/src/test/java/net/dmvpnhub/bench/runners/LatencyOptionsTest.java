package net.dmvpnhub.bench.runners;

import net.dmvpnhub.trafficgen.cli.Arguments;

import net.dmvpnhub.dataplane.Dataplane.ThreadingMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LatencyOptionsTest
{
    private static LatencyOptions parse(final String... args) 
    {
        return LatencyOptions.parse(args, "out/default");
    }

    private static String error(final String... args)
    {
        return assertThrows(Arguments.UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void defaults() throws Exception
    {
        final LatencyOptions o = parse();
        assertEquals(ThreadingMode.RUN_TO_COMPLETION, o.mode());
        assertEquals(1, o.workers());
        assertEquals("IMIX", o.size());
        assertEquals(List.of(50, 70, 90), o.loadsPercent());
        assertEquals(0, o.maxRate());
        assertEquals(LatencyOptions.DEFAULT_SPOKES, o.spokes());
        assertEquals(3, o.leadInSeconds());
        assertEquals(1_000_000, o.stopNs());
        assertEquals("yield", o.idle());
        assertEquals("out/default", o.out());
        assertEquals(2, o.threads());
        assertFalse(o.floor());
        assertFalse(o.withFloor());
        assertFalse(o.help());
    }

    @Test
    void everyOption() throws Exception
    {
        final LatencyOptions o = parse("--mode", "rtc", "--workers", "2", "--size", "576", "--loads", "30, 60,95",
            "--max-rate", "400000", "--warmup-seconds", "0", "--saturation-seconds", "3", "--seconds", "7", "--idle", "busy",
            "--out", "results/x", "--spokes", "1000", "--lead-in-seconds", "0", "--stop-us", "200");
        assertEquals(200_000, o.stopNs());
        assertEquals(1000, o.spokes());
        assertEquals(0, o.leadInSeconds());
        assertEquals(2, o.workers());
        assertEquals("576", o.size());
        assertEquals(List.of(30, 60, 95), o.loadsPercent());
        assertEquals(400_000, o.maxRate());
        assertEquals(0, o.warmupSeconds());
        assertEquals(3, o.saturationSeconds());
        assertEquals(7, o.seconds());
        assertEquals("busy", o.idle());
        assertEquals("results/x", o.out());
        assertEquals("run-to-completion, 2 workers", o.modeName());
    }

    @Test
    void pipelinedHasTwoWorkers() throws Exception
    {
        assertEquals(2, parse("--mode", "pipelined").workers());
        assertEquals(2, parse("--mode", "pipelined", "--workers", "2").workers());
        assertEquals("the pipelined mode always has 2 workers, so --workers 3 does not apply", error("--workers", "3", "--mode", "pipelined"));
    }

    @Test
    void floorIsAFlagForRunToCompletionWithAnUnpacedPhase() throws Exception
    {
        final LatencyOptions o = parse("--floor", "--workers", "2", "--seconds", "5");
        assertTrue(o.floor());
        assertEquals(2, o.workers());
        assertEquals(5, o.seconds());
        assertTrue(parse("--seconds", "5", "--floor").floor(), "last on the line too");
        assertTrue(parse("--floor", "--max-rate", "100000").floor(), "the warm-up gives the time per frame");
        assertEquals("--floor stands in for run-to-completion workers, so it does not apply to --mode pipelined",
            error("--mode", "pipelined", "--floor"));
        assertEquals("--floor takes the hub's time per frame from an unpaced phase through the hub, and with --max-rate and " +
            "--warmup-seconds 0 there is none: give the warm-up some seconds", error("--floor", "--max-rate", "1000", "--warmup-seconds", "0"));
        assertFalse(o.withFloor());
    }

    @Test
    void withFloorIsAFlagToo() throws Exception
    {
        final LatencyOptions o = parse("--with-floor", "--loads", "50,70");
        assertTrue(o.withFloor());
        assertFalse(o.floor());
        assertEquals(List.of(50, 70), o.loadsPercent());
        assertEquals("--floor runs the loads through the floor only and --with-floor through both, so give one of them",
            error("--floor", "--with-floor"));
        assertEquals("--with-floor stands in for run-to-completion workers, so it does not apply to --mode pipelined",
            error("--with-floor", "--mode", "pipelined"));
        assertEquals("--with-floor takes the hub's time per frame from an unpaced phase through the hub, and with --max-rate and " +
            "--warmup-seconds 0 there is none: give the warm-up some seconds", error("--with-floor", "--max-rate", "1000", "--warmup-seconds", "0"));
    }

    @Test
    void helpWinsOverEverythingElse() throws Exception
    {
        assertTrue(parse("--seconds", "5", "--help").help());
        assertTrue(parse("-h").help());
    }

    @Test
    void eachMistakeIsOneSentence()
    {
        final String options = "; the options are --mode, --spokes, --workers, --size, --loads, --max-rate, --warmup-seconds, " +
            "--saturation-seconds, --lead-in-seconds, --seconds, --idle, --stop-us, --out, --floor, --with-floor (see --help)";
        assertEquals("unknown option --rate" + options, error("--rate", "5"));
        assertEquals("unknown option --bogus" + options, error("--bogus"));
        assertEquals("--seconds needs a value, see --help", error("--seconds"));
        assertEquals("--loads must be a whole number from 1 to 100, not 'abc'", error("--loads", "50,abc"));
        assertEquals("--loads must be a whole number from 1 to 100, not '120'", error("--loads", "120"));
        assertEquals("--loads must be a whole number from 1 to 100, not ''", error("--loads", "50,,70"));
        assertEquals("--size must be bytes from 28 to 1500 or IMIX, not '9000'", error("--size", "9000"));
        assertEquals("--spokes must be a whole number from 4 to 100000, not '3'", error("--spokes", "3"));
        assertEquals("--lead-in-seconds must be a whole number from 0 to 3600, not '-1'", error("--lead-in-seconds", "-1"));
        assertEquals("--stop-us must be a whole number from 100 to 100000, not '50'", error("--stop-us", "50"));
        assertEquals("--mode must be rtc or pipelined, not 'dedicated'", error("--mode", "dedicated"));
        assertEquals("--idle must be busy, yield or backoff, not 'sleep'", error("--idle", "sleep"));
        assertEquals("--workers must be a whole number from 1 to 16, not '0'", error("--workers", "0"));
        assertEquals("unexpected argument 'fast': options start with --, see --help", error("fast"));
        for (final String message : List.of(error("--rate", "5"), error("--seconds", "x"), error("--out", "")))
        {
            assertTrue(!message.endsWith(".") && message.indexOf(". ") < 0, "one sentence, as every command gives it: " + message);
        }
    }
}
