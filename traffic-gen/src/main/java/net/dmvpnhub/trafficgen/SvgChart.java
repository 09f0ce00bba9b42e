package net.dmvpnhub.trafficgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart written as SVG text, with no dependency: a title, x and y axes with ticks and
 * labels, and one polyline per series with a legend. Enough for the scale run's charts
 * (throughput and shortcuts over time, the latency percentile distribution); any browser shows
 * them. The x axis can be logarithmic, as HdrHistogram's percentile plots are.
 */
public final class SvgChart
{
    private static final int WIDTH = 800;
    private static final int HEIGHT = 450;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logX;

    private record Series(String name, double[] x, double[] y)
    {
    }

    public SvgChart(final String title, final String xLabel, final String yLabel)
    {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A logarithmic x axis (every x must be positive). */
    public SvgChart logX()
    {
        this.logX = true;
        return this;
    }

    public SvgChart series(final String name, final double[] x, final double[] y)
    {
        if (x.length != y.length)
        {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values and " + y.length + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    public String render()
    {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = 0;
        for (final Series s : series)
        {
            for (int i = 0; i < s.x().length; i++)
            {
                final double x = xValue(s.x()[i]);
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, s.y()[i]);
            }
        }
        if (minX == Double.POSITIVE_INFINITY)
        {
            minX = 0;
            maxX = 1;
        }
        if (maxX == minX)
        {
            maxX = minX + 1;
        }
        final double topY = niceCeiling(maxY == 0 ? 1 : maxY);
        final int plotWidth = WIDTH - LEFT - RIGHT;
        final int plotHeight = HEIGHT - TOP - BOTTOM;

        final StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(WIDTH / 2.0, 25, title, "middle", 16));
        svg.append(text(LEFT + plotWidth / 2.0, HEIGHT - 15, xLabel, "middle", 12));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">%s</text>%n",
            TOP + plotHeight / 2.0, TOP + plotHeight / 2.0, escape(yLabel)));
        // Axes and grid.
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
            LEFT, TOP, plotWidth, plotHeight));
        for (int i = 0; i <= 5; i++)
        {
            final double value = topY * i / 5;
            final double y = TOP + plotHeight - plotHeight * i / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                LEFT, y, LEFT + plotWidth, y));
            svg.append(text(LEFT - 6, y + 4, format(value), "end", 11));
        }
        for (int i = 0; i <= 5; i++)
        {
            final double x = LEFT + plotWidth * i / 5.0;
            final double value = minX + (maxX - minX) * i / 5;
            svg.append(text(x, TOP + plotHeight + 18, format(logX ? Math.pow(10, value) : value), "middle", 11));
        }
        for (int k = 0; k < series.size(); k++)
        {
            final Series s = series.get(k);
            final String colour = COLOURS[k % COLOURS.length];
            final StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.x().length; i++)
            {
                final double px = LEFT + plotWidth * (xValue(s.x()[i]) - minX) / (maxX - minX);
                final double py = TOP + plotHeight - plotHeight * Math.min(s.y()[i], topY) / topY;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                colour, points.toString().trim()));
            final double ly = TOP + 15 + 16 * k;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                LEFT + 10, ly - 4, LEFT + 30, ly - 4, colour));
            svg.append(text(LEFT + 36, ly, s.name(), "start", 12));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private double xValue(final double x)
    {
        return logX ? Math.log10(x) : x;
    }

    /** The smallest 1, 2 or 5 times a power of ten at least {@code value}. */
    static double niceCeiling(final double value)
    {
        final double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (final double step : new double[]{1, 2, 5, 10})
        {
            if (step * power >= value)
            {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String format(final double value)
    {
        if (value != 0 && (Math.abs(value) >= 100_000 || Math.abs(value) < 0.01))
        {
            return String.format(Locale.ROOT, "%.2g", value);
        }
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String text(final double x, final double y, final String text, final String anchor, final int size)
    {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
            x, y, anchor, size, escape(text));
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
