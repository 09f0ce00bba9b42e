package net.dmvpnhub.trafficgen;

import net.dmvpnhub.wire.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main job end to end at a small scale, on real threads: every spoke registers, traffic
 * flows both through the hub and (Phase 3) directly, every frame is accounted for, and the
 * results folder holds what the README promises.
 */
class ScaleRunTest
{
    @Test
    void aSmallPhase3RunRegistersEverySpokeConservesFramesAndWritesItsResults(@TempDir final Path out) throws Exception
    {
        final RunOptions options = RunOptions.parse(List.of("--spokes", "40", "--duration", "1.5", "--peers", "2", "--capacity", "0.3",
            "--profile", "--out", out.toString()));
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final Path run = runOnce(options, out, "./dmvpn run (test)", console);
        final String text = console.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("40 spokes registered in"), text);

        for (final String file : List.of("summary.json", "summary.md", "latency.hlog", "throughput.svg", "latency.svg",
            "latency-end-to-end.svg", "shortcuts.svg", "show-ip-nhrp-traffic.txt", "show-interface.txt", "show-ip-route-spoke-0.txt"))
        {
            assertTrue(Files.size(run.resolve(file)) > 0, file);
        }
        final String summary = Files.readString(run.resolve("summary.json"));
        assertTrue(summary.contains("\"registered\": 40,"), summary);
        assertTrue(Files.readString(run.resolve("show-ip-route-spoke-0.txt")).contains("is directly connected, LAN"));
        // The hub's full show commands at the end of the run, one line or entry per spoke.
        final String dmvpn = gunzip(run.resolve("show-dmvpn.txt.gz"));
        assertTrue(dmvpn.contains("NHRP Peers:40,"), dmvpn);
        assertEquals(40, gunzip(run.resolve("show-ip-nhrp.txt.gz")).lines().filter(l -> l.contains("NBMA address:")).count());
        assertTrue(gunzip(run.resolve("show-ip-route.txt.gz")).contains("Tunnel0"));
        assertEquals(40, gunzip(run.resolve("show-crypto-ipsec-sa.txt.gz")).lines().filter(l -> l.contains("current_peer")).count());
        for (final String json : List.of("show-dmvpn.json.gz", "show-ip-nhrp.json.gz", "show-ip-route.json.gz", "show-crypto-ipsec-sa.json.gz"))
        {
            assertTrue(gunzip(run.resolve(json)).startsWith("{"), json);
        }
        assertTrue(summary.contains("\"command\": \"./dmvpn run (test)\""), summary);
        assertTrue(summary.contains("\"hubConserved\": true"), summary);
        // What set the figures, named from the run's own shares, in both summaries.
        assertTrue(summary.matches("(?s).*\"boundBy\": \\{\\s*\"by\": \"(generator|hub|neither)\",\\s*\"why\": \".+"), summary);
        assertTrue(Files.readString(run.resolve("summary.md")).contains("| what sets the throughput and latency figures | "));
        assertTrue(summary.contains("\"spokesConserved\": true"), summary);
        // Phase 3 reported as convergence: a direct share between 0 and 1, the packets counted both ways.
        final double directShare = number(summary, "directShare");
        assertTrue(directShare > 0 && directShare < 1, summary);
        assertTrue(number(summary, "spokeToSpokeDirect") > 0 && number(summary, "spokeToSpokeThroughHub") > 0, summary);
        // Phase 3 did its job: redirects were sent and some packets went spoke to spoke directly.
        assertTrue(!summary.contains("\"trafficIndicationsSent\": 0,"), summary);
        assertTrue(!summary.contains("\"sentDirectSpokeToSpoke\": 0,"), summary);
        assertEquals(1, text.lines().filter(l -> l.startsWith("dmvpn run: results in ")).count());

        // The capacity phase ran before the simulation: at least two measured rounds, every frame forwarded (no drop),
        // sampled frames decrypted at their spoke to what was sent, the floor measured beside the hub.
        assertTrue(text.contains("dmvpn run: capacity "), text);
        assertTrue(number(summary, "rounds") >= 2, summary);
        assertTrue(number(summary, "frames") >= 2 * 1000, summary);
        assertTrue(number(summary, "hubMppsPerCore") > 0 && number(summary, "cryptoFloorNsPerFrame") > 0, summary);
        final double ratio = number(summary, "floorOverHub");
        assertTrue(ratio > 0 && ratio < 1.5, "the floor is a part of the hub's work: " + summary);
        assertTrue(number(summary, "framesVerified") > 0, summary);
        if (Files.isReadable(Path.of("/proc/self/schedstat")))
        {
            // The worker ran during the rounds (its CPU window is a little wider than the rounds, so no upper bound here).
            assertTrue(number(summary, "workerCpuNsPerFrame") > 0, summary);
        }
        assertEquals(number(summary, "framesSampled"), number(summary, "framesVerified") + number(summary, "controlFramesSampled"), summary);
        assertTrue(number(summary, "transmitted") >= number(summary, "frames") * 0.5, "the spoke-to-spoke share comes back out: " + summary);
        assertTrue(summary.contains("\"drops\": {}"), summary);
        assertTrue(summary.contains("\"failure\": null"), summary);
        final String summaryMarkdown = Files.readString(run.resolve("summary.md"));
        assertTrue(summaryMarkdown.indexOf("## At a glance") < summaryMarkdown.indexOf("| hub capacity per worker core, imix (Mpps) | "),
            summaryMarkdown);
        assertTrue(summaryMarkdown.indexOf("## Capacity") < summaryMarkdown.indexOf("## Phase 3 simulation"), summaryMarkdown);
        // Latency at 50, 70 and 90% of the capacity just measured: each load offered at its fraction (of one worker's here),
        // timed, tagged in the log.
        final double capacityMpps = number(summary, "hubMppsPerCore");
        final java.util.regex.Matcher loads = java.util.regex.Pattern.compile("\"fractionOfCapacity\": ([0-9.]+),\\s*\"offeredMpps\": ([0-9.eE-]+)")
            .matcher(summary);
        final List<Double> fractions = new ArrayList<>();
        while (loads.find())
        {
            final double fraction = Double.parseDouble(loads.group(1));
            fractions.add(fraction);
            assertEquals(fraction * capacityMpps, Double.parseDouble(loads.group(2)), 1e-9 + 1e-6 * capacityMpps, summary);
        }
        assertEquals(List.of(0.5, 0.7, 0.9), fractions, summary);
        final String hlog = Files.readString(run.resolve("latency.hlog"));
        for (final String tag : List.of("load-50", "load-70", "load-90"))
        {
            assertTrue(hlog.contains("Tag=" + tag + ","), tag + " in the log");
        }
        assertTrue(Files.size(run.resolve("latency-loads.svg")) > 0);
        assertTrue(summaryMarkdown.contains("| time in the hub at 70% of capacity, from each frame's due time, p50 / p99 / p99.9 (us) | "),
            summaryMarkdown);
        assertTrue(summaryMarkdown.contains("\n| 90% | "), summaryMarkdown);
        // index.html: one page with every table of summary.md and every chart embedded.
        final org.jsoup.nodes.Document page = org.jsoup.Jsoup.parse(run.resolve("index.html").toFile(), "UTF-8");
        assertEquals(summaryMarkdown.lines().filter(l -> l.matches("\\|[-:| ]+\\|")).count(), page.select("table").size());
        assertEquals(List.of("latency-loads", "offload", "throughput", "latency", "latency-end-to-end", "shortcuts"),
            page.select("figure.chart").eachAttr("id"));
        assertTrue(page.select("figure#latency-loads svg polyline").size() == 3, "one line per load");
        assertTrue(page.text().contains("./dmvpn run (test)"));
        // --profile: async-profiler sampled the measured rounds, one root per thread, with the worker among them; where it
        // cannot load here, the summary says why instead.
        if (summary.contains("\"profile\": \"profile-capacity.html\""))
        {
            assertTrue(Files.readString(run.resolve("profile-capacity.collapsed")).contains("hub-worker-0"), "the worker's stacks");
            assertTrue(Files.readString(run.resolve("profile-capacity.html")).contains("hub-worker-0"));
            assertTrue(Files.readString(run.resolve("profile-capacity.md")).contains("## Flat profile"));
            assertTrue(page.select("a").eachAttr("href").contains("profile-capacity.html"));
        }
        else
        {
            assertTrue(summary.matches("(?s).*\"profile\": \"none: async-profiler .+"), summary);
        }

        // The pcap export: tshark decrypts every frame with the esp_sa table the run wrote.
        final List<byte[]> frames = readPcap(run.resolve("frames.pcap"));
        assertEquals(2 * 64, frames.size(), "64 frames each way");
        if (Tshark.isInstalled())
        {
            final List<String> tsharkOptions = new ArrayList<>(List.of("-o", "esp.enable_encryption_decode:TRUE",
                "-o", "esp.enable_authentication_check:TRUE"));
            for (final String row : Files.readAllLines(run.resolve("esp_sa")))
            {
                tsharkOptions.add("-o");
                tsharkOptions.add("uat:esp_sa:" + row);
            }
            final Path tsharkDirectory = Files.createDirectories(out.resolve("tshark"));
            final Map<String, Map<String, String>> decoded = Tshark.decode(tsharkDirectory, frames,
                f -> Integer.toString(frames.indexOf(f)), f -> f, tsharkOptions, List.of("frame.protocols", "esp.icv_good", "_ws.malformed", "nhrp.hdr.chksum.status", "nhrp.hdr.op.type"));
            int nhrp = 0;
            for (final Map.Entry<String, Map<String, String>> frame : decoded.entrySet())
            {
                final Map<String, String> fields = frame.getValue();
                assertEquals("1", fields.get("esp.icv_good"), "frame " + frame.getKey() + " " + fields);
                assertTrue(fields.get("frame.protocols").startsWith("raw:ip:esp:gre:"), "frame " + frame.getKey() + " " + fields);
                assertEquals("", fields.get("_ws.malformed"), "frame " + frame.getKey());
                if (fields.get("frame.protocols").contains(":nhrp"))
                {
                    // The spokes' registrations and the hub's replies: every NHRP checksum good.
                    nhrp++;
                    for (final String status : Tshark.values(fields, "nhrp.hdr.chksum.status"))
                    {
                        assertEquals("1", status, "frame " + frame.getKey() + " " + fields);
                    }
                }
            }
            assertTrue(nhrp >= 2, "registration requests and replies among the exported frames: " + nhrp);
        }
    }

    private static String gunzip(final Path file) throws IOException
    {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file)))
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theCapacityPhaseFeedsTwoWorkersAndEndsEachRoundWithNothingBetweenThem(@TempDir final Path out) throws Exception
    {
        // Two workers: frames whose outbound SA the other worker owns are handed over, so a round must wait for those too.
        final RunOptions options = RunOptions.parse(List.of("--spokes", "60", "--workers", "2", "--duration", "0.5", "--capacity", "0.2",
            "--pcap", "0", "--out", out.toString()));
        final String summary = Files.readString(runOnce(options, out, "./dmvpn run --workers 2", new ByteArrayOutputStream())
            .resolve("summary.json"));
        assertEquals(2, number(summary, "workers"), summary);
        assertTrue(summary.contains("\"failure\": null") && summary.contains("\"drops\": {}"), summary);
        assertTrue(number(summary, "framesVerified") > 0, summary);
        assertTrue(summary.contains("\"hubConserved\": true"), summary);
    }

    @Test
    void phase1SendsEverythingThroughTheHub(@TempDir final Path out) throws Exception
    {
        final RunOptions options = RunOptions.parse(List.of("--phase", "1", "--spokes", "20", "--duration", "1", "--pcap", "0",
            "--capacity", "0", "--out", out.toString()));
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final Path run = runOnce(options, out, "./dmvpn run --phase 1", console);
        final String summary = Files.readString(run.resolve("summary.json"));
        assertTrue(summary.contains("\"registered\": 20,"), summary);
        assertTrue(summary.contains("\"sentDirectSpokeToSpoke\": 0,"), summary);
        assertTrue(summary.contains("\"trafficIndicationsSent\": 0,"), summary);
        assertTrue(!summary.contains("\"sentThroughHub\": 0,"), summary);
        assertTrue(!Files.exists(run.resolve("frames.pcap")), "--pcap 0 exports nothing");
        final String markdown = Files.readString(run.resolve("summary.md"));
        assertTrue(markdown.contains("Threads of the machine that used the most CPU during the traffic phase"), markdown);
        assertTrue(markdown.contains("| hub capacity | left out (--capacity 0) |"), markdown);
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("dmvpn run: capacity phase left out (--capacity 0)"));
        if (Files.isReadable(Path.of("/proc/self/schedstat")))
        {
            assertTrue(summary.contains("\"thread\": \"hub-worker-0 (this JVM)\""), "the busy-spinning worker is among the busiest: " + summary);
            assertTrue(markdown.contains("| hub-worker-0 (this JVM) | "), markdown);
        }
    }

    /** Runs the main job with {@code options}, which must conserve every frame: @return its results folder. */
    private static Path runOnce(final RunOptions options, final Path out, final String command, final ByteArrayOutputStream console)
        throws Exception
    {
        assertTrue(new ScaleRun(options, new PrintStream(console, true, StandardCharsets.UTF_8), command).run(),
            console.toString(StandardCharsets.UTF_8));
        try (Stream<Path> runs = Files.list(out))
        {
            return runs.findFirst().orElseThrow();
        }
    }

    /** The first number a JSON summary gives for {@code key}. */
    private static double number(final String json, final String key)
    {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + java.util.regex.Pattern.quote(key) + "\": (-?[0-9.eE+-]+)")
            .matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    /** The records of a pcap PcapWriter wrote (24-byte file header, 16-byte record headers, little-endian). */
    private static List<byte[]> readPcap(final Path file) throws Exception
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.position(24);
        final List<byte[]> frames = new ArrayList<>();
        while (bytes.remaining() >= 16)
        {
            bytes.getInt();
            bytes.getInt();
            final int captured = bytes.getInt();
            bytes.getInt();
            final byte[] frame = new byte[captured];
            bytes.get(frame);
            frames.add(frame);
        }
        return frames;
    }
}
