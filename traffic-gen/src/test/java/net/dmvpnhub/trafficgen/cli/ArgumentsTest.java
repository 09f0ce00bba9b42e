package net.dmvpnhub.trafficgen.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgumentsTest
{
    private static final List<String> VALUED = List.of("--spokes", "--mode");
    private static final List<String> FLAGS = List.of("--floor");

    private static Arguments read(final int positionals, final String... args)
    {
        return Arguments.read(List.of(args), VALUED, FLAGS, positionals);
    }

    private static String mistake(final int positionals, final String... args)
    {
        return assertThrows(Arguments.UsageException.class, () -> read(positionals, args)).getMessage();
    }

    @Test
    void valuesComeSeparateOrAfterAnEqualsSignAndTheLastOneCounts()
    {
        final Arguments a = read(0, "--spokes", "5", "--mode=pipelined", "--spokes=7", "--floor");
        assertEquals(7, a.whole("--spokes", 1, 1, 100));
        assertEquals("pipelined", a.text("--mode", "rtc"));
        assertTrue(a.has("--floor"));
        assertEquals(3, read(0).whole("--spokes", 3, 1, 100), "the default when not given");
        assertFalse(read(0).has("--floor"));
    }

    @Test
    void positionalParametersUpToTheCommandsNumber()
    {
        assertEquals(List.of("a.cfg", "in.pcap"), read(2, "a.cfg", "--spokes", "4", "in.pcap").positionals());
        assertEquals(List.of(), read(2).positionals());
        assertEquals("unexpected argument 'c': options start with -- (at most 2 other arguments), see --help", mistake(2, "a", "b", "c"));
    }

    @Test
    void helpWinsAndReadsAsNull()
    {
        assertNull(read(0, "--spokes", "5", "--help"));
        assertNull(read(0, "-h"));
    }

    @Test
    void everyMistakeIsOneSentenceNamingTheOption()
    {
        assertEquals("unknown option --colour; the options are --spokes, --mode, --floor (see --help)", mistake(0, "--colour", "red"));
        assertEquals("unknown option --colour; the options are --spokes, --mode, --floor (see --help)", mistake(0, "--colour"));
        assertEquals("unknown option --colour; this command takes none (see --help)",
            assertThrows(Arguments.UsageException.class, () -> Arguments.read(List.of("--colour"), List.of(), List.of(), 1)).getMessage());
        assertEquals("unexpected argument 'spokes': options start with --, see --help", mistake(0, "spokes"));
        assertEquals("--spokes needs a value, see --help", mistake(0, "--spokes"));
        final Arguments a = read(0, "--spokes", "many", "--mode", "fast");
        assertEquals("--spokes must be a whole number from 1 to 100, not 'many'",
            assertThrows(Arguments.UsageException.class, () -> a.whole("--spokes", 1, 1, 100)).getMessage());
        assertEquals("--mode must be rtc or pipelined, not 'fast'", assertThrows(Arguments.UsageException.class,
            () -> a.choice("--mode", 0, Arguments.choices("rtc", 0, "pipelined", 1))).getMessage());
        assertEquals("--zipf must be a number from 0.0 to 10.0, not 'NaN'",
            assertThrows(Arguments.UsageException.class, () -> Arguments.decimal("--zipf", "NaN", 0, 10)).getMessage());
    }
}
