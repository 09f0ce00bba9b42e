package net.dmvpnhub.dataplane;

import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.wire.DecodeStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One index space for every reason a frame is dropped: malformed frames ({@link DecodeStatus}),
 * ESP failures ({@link EspStatus}) and the dataplane's own ({@link Drop}), so each worker keeps a
 * single counter array and every drop has a stable name of its own (VPP's error counters). The
 * codec and crypto enums stay the one place their reasons are defined; where the decoder's ESP
 * check and ESP processing name the same reason ({@code esp-truncated}, {@code esp-bad-padding},
 * {@code esp-bad-pad-length}) they share one counter.
 */
public final class DropReasons
{
    private static final int[] DECODE = new int[DecodeStatus.values().length];
    private static final int[] ESP = new int[EspStatus.values().length];
    private static final int[] DATAPLANE = new int[Drop.values().length];
    /** Size of a drop counter array. */
    public static final int COUNT;

    private static final String[] NAMES;
    private static final String[] DESCRIPTIONS;

    static
    {
        final List<String> names = new ArrayList<>();
        final List<String> descriptions = new ArrayList<>();
        final Map<String, EspStatus> espNames = new HashMap<>();
        for (final EspStatus status : EspStatus.values())
        {
            espNames.put("esp-" + name(status.name()), status);
        }
        // A structural ESP check the decoder makes and the one EspProcessor makes for the same reason (a packet too short for
        // its transform, a bad trailer) are one counter under one name, counted wherever the frame is caught.
        final List<DecodeStatus> aliases = new ArrayList<>();
        for (final DecodeStatus status : DecodeStatus.values())
        {
            if (espNames.containsKey(name(status.name())))
            {
                aliases.add(status);
                continue;
            }
            DECODE[status.ordinal()] = names.size();
            names.add(name(status.name()));
            descriptions.add(status.description());
        }
        for (final EspStatus status : EspStatus.values())
        {
            ESP[status.ordinal()] = names.size();
            names.add("esp-" + name(status.name()));
            descriptions.add(status.description());
        }
        for (final DecodeStatus status : aliases)
        {
            DECODE[status.ordinal()] = ESP[espNames.get(name(status.name())).ordinal()];
        }
        for (final Drop drop : Drop.values())
        {
            DATAPLANE[drop.ordinal()] = names.size();
            names.add(name(drop.name()));
            descriptions.add(drop.description());
        }
        if (new HashSet<>(names).size() != names.size())
        {
            throw new IllegalStateException("two drop reasons share a name: " + names);
        }
        COUNT = names.size();
        NAMES = names.toArray(String[]::new);
        DESCRIPTIONS = descriptions.toArray(String[]::new);
    }

    private DropReasons()
    {
    }

    private static String name(final String constant)
    {
        return constant.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static int index(final DecodeStatus status)
    {
        return DECODE[status.ordinal()];
    }

    public static int index(final EspStatus status)
    {
        return ESP[status.ordinal()];
    }

    public static int index(final Drop drop)
    {
        return DATAPLANE[drop.ordinal()];
    }

    /**
     * @return the counter's name, such as {@code ipv4-truncated}, {@code esp-replay-duplicate}
     * or {@code no-route}.
     */
    public static String name(final int index)
    {
        return NAMES[index];
    }

    public static String description(final int index)
    {
        return DESCRIPTIONS[index];
    }

    /**
     * @return the index named {@code name}, or -1.
     */
    public static int byName(final String name)
    {
        for (int i = 0; i < COUNT; i++)
        {
            if (NAMES[i].equals(name))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return true for indices that are not drops (the two OK values).
     */
    public static boolean isOk(final int index)
    {
        return index == index(DecodeStatus.OK) || index == index(EspStatus.OK);
    }
}
