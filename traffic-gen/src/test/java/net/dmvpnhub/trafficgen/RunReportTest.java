package net.dmvpnhub.trafficgen;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run's index.html: parsed by an HTML5 parser (jsoup), and rendered by a real browser
 * (headless Chromium) whose screenshot must show the charts' lines.
 */
class RunReportTest
{
    private static final String SUMMARY = """
        # Scale run 20261207T000000Z

        Written by the run itself (`ScaleRun`); no figure typed in.

        ```
        ./dmvpn run --spokes 40 <test>
        ```

        ## At a glance

        | what | value |
        |---|---:|
        | hub capacity per worker core, imix (Mpps) | 0.405 |
        | what set it | hub & "feeder" <both> |

        ## Capacity

        Two lines of
        one paragraph.

        | load | p99 (us) |
        |---:|---:|
        | 50% | 12.5 |
        """;

    @Test
    void theSummaryBecomesWellFormedHtmlWithEveryTableAndEscapedText(@TempDir final Path run) throws Exception
    {
        writeCharts(run);
        RunReport.write(run, SUMMARY, "dmvpn-hub scale run <test>");
        final String html = Files.readString(run.resolve("index.html"));
        final Parser parser = Parser.htmlParser().setTrackErrors(100);
        final Document page = Jsoup.parse(html, "", parser);
        assertEquals(List.of(), parser.getErrors().stream().map(Object::toString).toList(), "the HTML5 parser found no error");
        assertEquals("dmvpn-hub scale run <test>", page.title());
        assertEquals("Scale run 20261207T000000Z", page.selectFirst("h1").text());
        assertEquals(List.of("At a glance", "Capacity", "Charts", "Files of this run"), page.select("h2").eachText());
        assertEquals("./dmvpn run --spokes 40 <test>", page.selectFirst("pre").text());
        assertEquals(2, page.select("table").size());
        final Element glance = page.select("table").first();
        assertEquals(List.of("what", "value"), glance.select("tr").first().select("th").eachText());
        assertEquals(List.of("what set it", "hub & \"feeder\" <both>"), glance.select("tr").get(2).select("td").eachText());
        assertTrue(page.select("p").eachText().contains("Two lines of one paragraph."), page.select("p").eachText().toString());
        // Every chart the run wrote, embedded (no external reference), each with its lines.
        final List<String> charts = page.select("figure.chart").eachAttr("id");
        assertEquals(List.of("latency-loads", "offload", "throughput", "latency", "latency-end-to-end", "shortcuts"), charts);
        for (final Element figure : page.select("figure.chart"))
        {
            assertTrue(figure.select("svg polyline").size() >= 1, figure.id());
        }
        assertTrue(page.select("img, object, iframe, script, link").isEmpty(), "nothing loaded from outside the page");
        assertEquals(List.of("latency.hlog"), page.select("a").eachAttr("href"));
    }

    @Test
    void chromiumRendersTheChartsNotABlankPage(@TempDir final Path run) throws Exception
    {
        final String chromium = chromium();
        Assumptions.assumeTrue(chromium != null, "skipped: no Chromium here (Debian package chromium; ./dmvpn test and .ci/run " +
            "install it when run as root)");
        writeCharts(run);
        RunReport.write(run, SUMMARY, "charts");
        final BufferedImage withCharts = screenshot(chromium, run.resolve("index.html"), run.resolve("with.png"));
        Files.delete(run.resolve("index.html"));
        for (final String[] chart : RunReport.CHARTS)
        {
            Files.deleteIfExists(run.resolve(chart[0]));
        }
        RunReport.write(run, SUMMARY, "no charts");
        final BufferedImage without = screenshot(chromium, run.resolve("index.html"), run.resolve("without.png"));
        // The first two series colours of SvgChart: every chart draws its first series in the first, most in the second.
        for (final int colour : new int[]{0x1f77b4, 0xd62728})
        {
            assertTrue(pixels(withCharts, colour) > 500, String.format("colour #%06x drawn: %d pixels", colour, pixels(withCharts, colour)));
            assertEquals(0, pixels(without, colour), "the control page, without charts, has none of the charts' colours");
        }
    }

    /** The charts a short run writes, from a timeline with samples and a load. */
    private static void writeCharts(final Path run) throws Exception
    {
        final RunTimeline timeline = new RunTimeline(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), 0);
        timeline.beginLoad();
        for (int i = 1; i <= 1000; i++)
        {
            timeline.recordHubLatency(i * 100L);
        }
        timeline.endLoad("load-50");
        for (int s = 1; s <= 5; s++)
        {
            for (int i = 1; i <= 100; i++)
            {
                timeline.recordLatency(i * 1000L * s);
                timeline.recordHubLatency(i * 500L * s);
            }
            timeline.sample(new RunTimeline.Sample(s, s * 1e5, s * 0.9e5, s * 1e4, 0.1 * s, 10 * s, 40, 0.2 * s));
        }
        timeline.writeCharts(run);
        Files.writeString(run.resolve("latency.hlog"), "#[test]\n");
    }

    private static String chromium()
    {
        for (final String name : List.of("chromium", "chromium-browser", "google-chrome"))
        {
            for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
            {
                if (Files.isExecutable(Path.of(dir, name)))
                {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    private static BufferedImage screenshot(final String chromium, final Path page, final Path png) throws Exception
    {
        // The browser's profile outside the test's own folder: its helper processes may still write there after it exits.
        final Path profile = Files.createTempDirectory("dmvpn-chromium-");
        final List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--user-data-dir=" + profile, "--window-size=1200,3600", "--screenshot=" + png, page.toUri().toString()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(png.resolveSibling(png + ".log").toFile())
            .start();
        if (!process.waitFor(120, TimeUnit.SECONDS))
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("Chromium took over 120 s");
        }
        assertEquals(0, process.exitValue(), () -> read(png.resolveSibling(png + ".log")));
        deleteQuietly(profile);
        final BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null && image.getWidth() >= 1000, "a screenshot was written");
        return image;
    }

    /** Best effort: a helper process of the browser may still hold a file there. */
    private static void deleteQuietly(final Path directory)
    {
        try (java.util.stream.Stream<Path> files = Files.walk(directory))
        {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
        catch (final Exception ignored)
        {
            // left for the system's temporary-file cleaning
        }
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final Exception ex)
        {
            return ex.toString();
        }
    }

    /** Pixels within a small distance of {@code rgb} (anti-aliasing blends a line's edges). */
    private static int pixels(final BufferedImage image, final int rgb)
    {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++)
        {
            for (int x = 0; x < image.getWidth(); x++)
            {
                final int p = image.getRGB(x, y);
                if (Math.abs((p >> 16 & 0xFF) - (rgb >> 16 & 0xFF)) + Math.abs((p >> 8 & 0xFF) - (rgb >> 8 & 0xFF)) +
                    Math.abs((p & 0xFF) - (rgb & 0xFF)) < 24)
                {
                    n++;
                }
            }
        }
        return n;
    }
}
