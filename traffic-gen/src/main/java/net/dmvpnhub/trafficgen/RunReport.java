package net.dmvpnhub.trafficgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The main job's one-page report, {@code index.html}: everything in {@code summary.md} (the
 * command, commit, machine, crypto provider and every table) as HTML, then every chart of the run
 * embedded as inline SVG, so the page opens offline in any browser with nothing beside it; links
 * to the run's other files follow.
 * <p>
 * The summary's Markdown is the run's own (headings, paragraphs, fenced code, tables), so this
 * converts exactly that subset; everything it copies is escaped.
 */
final class RunReport
{
    /** The charts, in the order the page shows them, with a caption each; a chart the run did not write is left out. */
    static final List<String[]> CHARTS = List.of(
        new String[]{"latency-loads.svg", "Time in the hub at 50, 70 and 90% of its capacity (capacity phase)"},
        new String[]{"offload.svg", "Spoke-to-spoke packets sent direct over shortcuts (simulation)"},
        new String[]{"throughput.svg", "Packets per second over time (simulation)"},
        new String[]{"latency.svg", "Time in the hub by percentile (simulation)"},
        new String[]{"latency-end-to-end.svg", "End-to-end latency by percentile (simulation)"},
        new String[]{"shortcuts.svg", "Shortcuts and registrations over time (simulation)"});

    /** The run's other files, linked at the end when present. */
    static final List<String> FILES = List.of("summary.md", "summary.json", CapacityProfile.HTML, CapacityProfile.REPORT,
        CapacityProfile.COLLAPSED, "latency.hlog", "frames.pcap", "esp_sa",
        "show-ip-nhrp-traffic.txt", "show-interface.txt", "show-dmvpn.txt.gz", "show-ip-nhrp.txt.gz", "show-ip-route.txt.gz",
        "show-crypto-ipsec-sa.txt.gz", "show-ip-route-spoke-0.txt", "show-ip-nhrp-spoke-0.txt");

    /** Table cells that hold figures (right-aligned): numbers, percentages, and figures separated by slashes. */
    private static final java.util.regex.Pattern NUMBERS = java.util.regex.Pattern.compile("[-0-9.,% /]+|null|true|false|none|\\{\\}");

    private RunReport()
    {
    }

    /** Writes {@code index.html} into the run's directory from its summary.md and charts. */
    static void write(final Path directory, final String summaryMarkdown, final String title) throws IOException
    {
        final StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(escape(title))
            .append("</title>\n<style>\n")
            .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n")
            .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}\n")
            .append("td.n{text-align:right}pre{background:#f4f4f4;padding:.6em;overflow-x:auto}\n")
            .append("figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:.4em}\n")
            .append("</style>\n</head>\n<body>\n");
        markdown(summaryMarkdown, html);
        html.append("<h2>Charts</h2>\n");
        for (final String[] chart : CHARTS)
        {
            final Path file = directory.resolve(chart[0]);
            if (Files.isRegularFile(file))
            {
                html.append("<figure class=\"chart\" id=\"").append(chart[0].replace(".svg", "")).append("\">\n<figcaption>")
                    .append(escape(chart[1])).append("</figcaption>\n").append(svgElement(Files.readString(file, StandardCharsets.UTF_8)))
                    .append("\n</figure>\n");
            }
        }
        html.append("<h2>Files of this run</h2>\n<ul>\n");
        for (final String name : FILES)
        {
            if (Files.isRegularFile(directory.resolve(name)))
            {
                html.append("<li><a href=\"").append(escape(name)).append("\">").append(escape(name)).append("</a></li>\n");
            }
        }
        html.append("</ul>\n</body>\n</html>\n");
        Files.writeString(directory.resolve("index.html"), html.toString(), StandardCharsets.UTF_8);
    }

    /** The chart's {@code <svg>} element, without an XML declaration before it (not allowed inside HTML). */
    static String svgElement(final String svg)
    {
        final int start = svg.indexOf("<svg");
        if (start < 0)
        {
            throw new IllegalArgumentException("not an SVG document");
        }
        return svg.substring(start).strip();
    }

    /** The summary's Markdown subset as HTML: # and ## headings, fenced code, tables, paragraphs. */
    static void markdown(final String text, final StringBuilder html)
    {
        final List<String> lines = text.lines().toList();
        int i = 0;
        while (i < lines.size())
        {
            final String line = lines.get(i);
            if (line.startsWith("```"))
            {
                html.append("<pre>");
                i++;
                while (i < lines.size() && !lines.get(i).startsWith("```"))
                {
                    html.append(escape(lines.get(i))).append('\n');
                    i++;
                }
                html.append("</pre>\n");
                i++;
            }
            else if (line.startsWith("|"))
            {
                html.append("<table>\n");
                boolean header = true;
                while (i < lines.size() && lines.get(i).startsWith("|"))
                {
                    final String row = lines.get(i);
                    if (!row.matches("\\|[-:| ]+\\|"))
                    {
                        final String cell = header ? "th" : "td";
                        html.append("<tr>");
                        for (final String value : cells(row))
                        {
                            html.append('<').append(cell).append(!header && NUMBERS.matcher(value).matches() ? " class=\"n\"" : "")
                                .append('>').append(escape(value)).append("</").append(cell).append('>');
                        }
                        html.append("</tr>\n");
                    }
                    header = false;
                    i++;
                }
                html.append("</table>\n");
            }
            else if (line.startsWith("## "))
            {
                html.append("<h2>").append(escape(line.substring(3))).append("</h2>\n");
                i++;
            }
            else if (line.startsWith("# "))
            {
                html.append("<h1>").append(escape(line.substring(2))).append("</h1>\n");
                i++;
            }
            else if (line.isBlank())
            {
                i++;
            }
            else
            {
                final StringBuilder paragraph = new StringBuilder(line);
                i++;
                while (i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).startsWith("|") && !lines.get(i).startsWith("#") &&
                    !lines.get(i).startsWith("```"))
                {
                    paragraph.append(' ').append(lines.get(i));
                    i++;
                }
                html.append("<p>").append(escape(paragraph.toString())).append("</p>\n");
            }
        }
    }

    /** The cells of a Markdown table row (the summary writes none with an escaped bar). */
    private static List<String> cells(final String row)
    {
        final String inner = row.strip();
        return List.of(inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length()).split("\\|", -1)).stream()
            .map(String::strip).toList();
    }

    static String escape(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
