package net.dmvpnhub.nhrp.show;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest
{
    @Test
    void nestedValuesInOrderWithEscapes()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", "a \"quoted\"\tline\n");
        map.put("spokes", 10_000);
        map.put("mpps", 1.5);
        map.put("nan", Double.NaN);
        map.put("ok", true);
        map.put("none", null);
        map.put("list", List.of(1, "x"));
        map.put("series", new double[]{0.5, 2});
        map.put("empty", Map.of());
        assertEquals("""
            {
              "name": "a \\"quoted\\"\\tline\\n",
              "spokes": 10000,
              "mpps": 1.5,
              "nan": null,
              "ok": true,
              "none": null,
              "list": [1, "x"],
              "series": [0.5, 2.0],
              "empty": {}
            }
            """, Json.write(map));
    }
}
