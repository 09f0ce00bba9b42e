package net.dmvpnhub.dataplane;

import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.wire.DecodeStatus;

import java.util.Locale;

/**
 * One index space for every reason a frame is dropped: malformed frames ({@link DecodeStatus}),
 * ESP failures ({@link EspStatus}) and the dataplane's own ({@link Drop}), so each worker keeps a
 * single counter array and every drop has a stable name (VPP's error counters). The codec and
 * crypto enums stay the one place their reasons are defined.
 */
public final class DropReasons
{
    private static final int DECODE_BASE = 0;
    private static final int ESP_BASE = DECODE_BASE + DecodeStatus.values().length;
    private static final int DATAPLANE_BASE = ESP_BASE + EspStatus.values().length;
    /** Size of a drop counter array. */
    public static final int COUNT = DATAPLANE_BASE + Drop.values().length;

    private static final String[] NAMES = new String[COUNT];
    private static final String[] DESCRIPTIONS = new String[COUNT];

    static
    {
        for (final DecodeStatus status : DecodeStatus.values())
        {
            NAMES[index(status)] = name(status.name());
            DESCRIPTIONS[index(status)] = status.description();
        }
        for (final EspStatus status : EspStatus.values())
        {
            NAMES[index(status)] = "esp-" + name(status.name());
            DESCRIPTIONS[index(status)] = status.description();
        }
        for (final Drop drop : Drop.values())
        {
            NAMES[index(drop)] = name(drop.name());
            DESCRIPTIONS[index(drop)] = drop.description();
        }
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
        return DECODE_BASE + status.ordinal();
    }

    public static int index(final EspStatus status)
    {
        return ESP_BASE + status.ordinal();
    }

    public static int index(final Drop drop)
    {
        return DATAPLANE_BASE + drop.ordinal();
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
