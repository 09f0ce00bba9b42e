package net.dmvpnhub.bench.runners;

import net.dmvpnhub.bench.jmh.HubForwardingBenchmark;

import net.dmvpnhub.crypto.CryptoProvider;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The interleaved hub/floor runner: its options, its statistics, and one small run. Behaviour only, no timing. */
class PairedRatioRunTest
{
    @Test
    void optionsParseAndBadOnesSaySo()
    {
        final PairedRatioRun.Options o = PairedRatioRun.Options.parse("--sizes", "64,IMIX", "--pairs", "4", "--slice-ms", "50");
        assertEquals(List.of("64", "IMIX"), o.sizes());
        assertEquals(4, o.pairs());
        assertEquals(50, o.sliceMs());
        assertEquals(6000, o.warmupMs());
        assertEquals("--sizes must be bytes from 28 to 1500 or IMIX, not 'big'",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--sizes", "64,big")).getMessage());
        assertEquals("--sizes must be bytes from 28 to 1500 or IMIX, not '27'",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--sizes", "27")).getMessage());
        assertEquals("--pairs must be a whole number from 2 to 100000, not 'x'",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--pairs", "x")).getMessage());
        assertEquals("--pairs needs a value, see --help", assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--pairs")).getMessage());
        assertEquals("unknown option --forks; the options are --sizes, --pairs, --slice-ms, --warmup-ms, --providers, --touch, --spokes (see --help)",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--forks", "3")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--pairs", "1"));
        assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--sizes", ""));
        assertEquals(List.of(CryptoProvider.preferred()), o.providers());
        assertEquals(List.of(CryptoProvider.IPSEC_MB, CryptoProvider.OPENSSL),
            PairedRatioRun.Options.parse("--providers", "ipsec-mb,openssl").providers());
        assertEquals("--providers: unknown crypto provider 'aws': choose jdk, bc, openssl or ipsec-mb",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--providers", "openssl,aws")).getMessage());
        assertEquals("--providers names a provider twice: [OPENSSL, OPENSSL]",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--providers", "openssl,openssl")).getMessage());
        assertEquals(List.of(true), o.touch());
        assertEquals(List.of(true, false), PairedRatioRun.Options.parse("--touch", "on,off").touch());
        assertEquals(List.of(false), PairedRatioRun.Options.parse("--touch", "off").touch());
        assertEquals("--touch must be on or off, not 'maybe'",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--touch", "on,maybe")).getMessage());
        assertEquals("--touch names a choice twice",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--touch", "off,off")).getMessage());
        assertEquals(List.of("ipsec-mb, touch on", "ipsec-mb, touch off", "openssl, touch on", "openssl, touch off"),
            PairedRatioRun.Options.parse("--providers", "ipsec-mb,openssl", "--touch", "on,off").hubs().stream()
                .map(PairedRatioRun.Variant::name).toList());
        assertEquals(List.of("jdk"), PairedRatioRun.Options.parse("--providers", "jdk").hubs().stream().map(PairedRatioRun.Variant::name).toList());
        assertEquals(List.of(10_000), o.spokes());
        assertEquals(List.of("jdk, 100 spokes", "jdk, 10,000 spokes"),
            PairedRatioRun.Options.parse("--providers", "jdk", "--spokes", "100,10000").hubs().stream().map(PairedRatioRun.Variant::name).toList());
        assertEquals("--spokes must be whole numbers from 4 to 100000, not 3",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--spokes", "100,3")).getMessage());
        assertEquals("--spokes must be whole numbers from 4 to 100000, not 'many'",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--spokes", "many")).getMessage());
        assertEquals("--spokes names a count twice: [100, 100]",
            assertThrows(IllegalArgumentException.class, () -> PairedRatioRun.Options.parse("--spokes", "100,100")).getMessage());
    }

    @Test
    void eachSpokeCountIsAHubOfItsOwnInTheSameRounds()
    {
        final PairedRatioRun.Options options = new PairedRatioRun.Options(List.of("64"), 2, 10, 0,
            List.of(CryptoProvider.preferred()), List.of(true), List.of(16, 400));
        final List<PairedRatioRun.SizeResult> results = new PairedRatioRun().measure("64", options,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(List.of(16, 400), results.stream().map(r -> r.hub().spokes()).toList());
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        PairedRatioRun.report(options, results, null, new PrintStream(text, true, StandardCharsets.UTF_8));
        final String report = text.toString(StandardCharsets.UTF_8);
        final String name = CryptoProvider.preferred().shortName();
        assertTrue(report.contains("`HubForwardingBenchmark` (16 or 400 spokes,"), report);
        assertTrue(report.contains("\n| 64 | " + name + ", 400 spokes | 2 | "), report);
        assertTrue(report.contains("Against " + name + ", 16 spokes, round by round"), report);
        assertTrue(report.contains("goal at least 0.75"), report);
    }

    @Test
    void quantilesInterpolateBetweenRanks()
    {
        final List<PairedRatioRun.Pair> pairs = List.of(pair(100, 100), pair(100, 200), pair(100, 400), pair(100, 125));
        // Ratios 1.0, 0.5, 0.25, 0.8: sorted 0.25, 0.5, 0.8, 1.0.
        assertEquals(0.65, PairedRatioRun.median(pairs, PairedRatioRun.Pair::wallRatio), 1e-9);
        assertEquals(0.4375, PairedRatioRun.quantile(pairs, PairedRatioRun.Pair::wallRatio, 0.25), 1e-9);
        assertEquals(1.0, PairedRatioRun.quantile(pairs, PairedRatioRun.Pair::wallRatio, 1.0), 1e-9);
        assertTrue(Double.isNaN(PairedRatioRun.median(List.of(), PairedRatioRun.Pair::wallRatio)));
    }

    @Test
    void aSmallRunMeasuresBothInPairsAndReports()
    {
        final PairedRatioRun.Options options = new PairedRatioRun.Options(List.of("64"), 4, 10, 0,
            List.of(CryptoProvider.preferred(), CryptoProvider.JDK), List.of(true));
        final List<PairedRatioRun.SizeResult> results = new PairedRatioRun().measure("64", options,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(2, results.size());
        assertEquals(CryptoProvider.preferred(), results.get(0).hub().provider());
        assertEquals(CryptoProvider.JDK, results.get(1).hub().provider());
        for (final PairedRatioRun.Pair p : results.stream().flatMap(r -> r.pairs().stream()).toList())
        {
            assertTrue(p.floor().frames() >= 8 * HubForwardingBenchmark.BATCH && p.hub().frames() >= 8 * HubForwardingBenchmark.BATCH);
            assertTrue(p.floor().wallNs() >= 10_000_000L && p.hub().wallNs() >= 10_000_000L, "each slice lasts at least its length");
            assertTrue(p.wallRatio() > 0 && Double.isFinite(p.wallRatio()));
            assertTrue(p.cpuRatio() > 0 && Double.isFinite(p.cpuRatio()));
        }
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        assertEquals(8, results.stream().mapToInt(r -> r.pairs().size()).sum());
        PairedRatioRun.report(options, results, null, new PrintStream(text, true, StandardCharsets.UTF_8));
        final String report = text.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("\n| 64 | " + CryptoProvider.preferred().shortName() + " | 4 | "), report);
        assertTrue(report.contains("\n| 64 | jdk | 4 | "), report);
        assertTrue(report.contains("Against " + CryptoProvider.preferred().shortName() + ", round by round"), report);
        assertTrue(report.contains("- crypto provider " + CryptoProvider.selectionLine(CryptoProvider.preferred())), report);
        assertTrue(report.contains("Checks: every floor slice processed every frame"), report);
    }

    @Test
    void touchAheadOnAndOffAreTwoHubsInTheSameRounds()
    {
        final PairedRatioRun.Options options = new PairedRatioRun.Options(List.of("IMIX"), 2, 10, 0,
            List.of(CryptoProvider.preferred()), List.of(true, false));
        final List<PairedRatioRun.SizeResult> results = new PairedRatioRun().measure("IMIX", options,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(List.of(true, false), results.stream().map(r -> r.hub().touch()).toList());
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        PairedRatioRun.report(options, results, null, new PrintStream(text, true, StandardCharsets.UTF_8));
        final String report = text.toString(StandardCharsets.UTF_8);
        final String name = CryptoProvider.preferred().shortName();
        assertTrue(report.contains("\n| IMIX | " + name + ", touch off | 2 | "), report);
        assertTrue(report.contains("Against " + name + ", touch on, round by round"), report);
    }

    private static PairedRatioRun.Pair pair(final long floorNs, final long hubNs)
    {
        return new PairedRatioRun.Pair(new PairedRatioRun.Slice(1, floorNs, floorNs, 0), new PairedRatioRun.Slice(1, hubNs, hubNs, 0));
    }
}
