package net.dmvpnhub.nhrp.show;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and null as indented JSON (RFC 8259), for the
 * show commands' JSON and the scale run's summary.json; no dependency for a few dozen lines. Maps keep their iteration order,
 * so a {@link java.util.LinkedHashMap} gives a stable file. Non-finite numbers, which JSON cannot
 * hold, are written as null.
 */
public final class Json
{
    private Json()
    {
    }

    public static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(final StringBuilder out, final Object value, final int depth)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof Map<?, ?> map)
        {
            if (map.isEmpty())
            {
                out.append("{}");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                indent(out, depth + 1);
                string(out, String.valueOf(entry.getKey()));
                out.append(": ");
                write(out, entry.getValue(), depth + 1);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            indent(out, depth);
            out.append('}');
        }
        else if (value instanceof Collection<?> list)
        {
            out.append('[');
            int i = 0;
            for (final Object element : list)
            {
                write(out, element, depth + 1);
                if (++i < list.size())
                {
                    out.append(", ");
                }
            }
            out.append(']');
        }
        else if (value instanceof double[] doubles)
        {
            out.append('[');
            for (int i = 0; i < doubles.length; i++)
            {
                write(out, doubles[i], depth + 1);
                if (i + 1 < doubles.length)
                {
                    out.append(", ");
                }
            }
            out.append(']');
        }
        else if (value instanceof Double || value instanceof Float)
        {
            final double d = ((Number)value).doubleValue();
            out.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%s", d) : "null");
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            string(out, value.toString());
        }
    }

    private static void indent(final StringBuilder out, final int depth)
    {
        out.append("  ".repeat(depth));
    }

    private static void string(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
