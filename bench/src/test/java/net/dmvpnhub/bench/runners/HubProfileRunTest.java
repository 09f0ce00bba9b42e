package net.dmvpnhub.bench.runners;

import net.dmvpnhub.crypto.CryptoProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub profile: its options, and one short profile whose flame graph and stacks show Java and native frames. */
class HubProfileRunTest
{
    @Test
    void optionsParseAndBadOnesSaySo()
    {
        final HubProfileRun.Options o = HubProfileRun.Options.parse(List.of("--seconds", "3", "--size", "64", "--spokes", "500"));
        assertEquals(3, o.seconds());
        assertEquals(5, o.warmupSeconds());
        assertEquals("64", o.size());
        assertEquals(500, o.spokes());
        assertEquals(CryptoProvider.preferred(), o.provider());
        assertEquals(Path.of("results"), o.out());
        assertNull(HubProfileRun.Options.parse(List.of("--help")));
        assertEquals("--size must be bytes from 28 to 1500 or IMIX, not '9000'",
            assertThrows(IllegalArgumentException.class, () -> HubProfileRun.Options.parse(List.of("--size", "9000"))).getMessage());
        assertEquals("--spokes must be a whole number from 100 to 100000, not '5'",
            assertThrows(IllegalArgumentException.class, () -> HubProfileRun.Options.parse(List.of("--spokes", "5"))).getMessage());
        assertEquals("unknown option --forks; the options are --seconds, --warmup, --size, --spokes, --provider, --out (see --help)",
            assertThrows(IllegalArgumentException.class, () -> HubProfileRun.Options.parse(List.of("--forks", "1"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HubProfileRun.Options.parse(List.of("--provider", "nss")))
            .getMessage().startsWith("--provider: "));
    }

    @Test
    void aShortProfileWritesAFlameGraphWithJavaAndNativeFramesAndTheHubChecksItself(@TempDir final Path out) throws Exception
    {
        final HubProfileRun.Result result = HubProfileRun.profile(
            HubProfileRun.Options.parse(List.of("--seconds", "1", "--warmup", "1", "--spokes", "200", "--out", out.toString())), "test");
        assertTrue(result.frames() > 0, "the hub forwarded while sampled");
        final String html = Files.readString(result.html());
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("hub forwarding; 200 spokes; IMIX"), "async-profiler's flame graph, titled");
        final String stacks = Files.readString(result.collapsed());
        assertTrue(stacks.contains("net/dmvpnhub/dataplane/HubWorker"), "Java frames of the hub's stages");
        // Native frames of the crypto library under the Java frames that call it (intel-ipsec-mb: aes_gcm_*; OpenSSL: *gcm*).
        assertTrue(stacks.lines().anyMatch(l -> l.contains("HubWorker") && l.matches(".*;[^;/]*gcm[^;/]* \\d+")), "a native GCM frame");
        final String report = Files.readString(result.report());
        assertTrue(report.contains("## Flat profile (self samples per frame)") && report.contains("Total samples"), report);
        assertTrue(report.contains("```\ntest\n```"), report);
    }
}
