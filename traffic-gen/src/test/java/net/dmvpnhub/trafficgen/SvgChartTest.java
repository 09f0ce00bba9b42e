package net.dmvpnhub.trafficgen;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SvgChartTest
{
    @Test
    void aChartIsWellFormedSvgWithOnePolylinePerSeriesAndItsPoints() throws Exception
    {
        final String svg = new SvgChart("Throughput <hub>", "time (s)", "Mpps")
            .series("received", new double[]{0, 1, 2}, new double[]{0, 1.5, 3})
            .series("sent", new double[]{0, 1, 2}, new double[]{0, 1, 2})
            .render();
        final Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        final NodeList lines = document.getElementsByTagName("polyline");
        assertEquals(2, lines.getLength());
        final String[] points = lines.item(0).getAttributes().getNamedItem("points").getNodeValue().split(" ");
        assertEquals(3, points.length);
        // The first point sits on the plot's lower left corner, the last on its right edge.
        assertEquals("80.0,390.0", points[0]);
        assertTrue(points[2].startsWith("770.0,"));
        assertTrue(svg.contains("Throughput &lt;hub&gt;"));
    }

    @Test
    void niceCeilingsAreOneTwoOrFiveTimesAPowerOfTen()
    {
        assertEquals(1, SvgChart.niceCeiling(0.7));
        assertEquals(2, SvgChart.niceCeiling(1.5));
        assertEquals(5000, SvgChart.niceCeiling(2001));
        assertEquals(10, SvgChart.niceCeiling(10));
    }

    @Test
    void mismatchedSeriesAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new SvgChart("t", "x", "y").series("s", new double[2], new double[3]));
    }
}
