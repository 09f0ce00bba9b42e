package net.dmvpnhub.wire;

/**
 * IPv4 addresses as big-endian ints (10.0.0.1 is 0x0A000001): text conversions for the cold
 * paths (configuration, show commands, tests). The dataplane never converts.
 */
public final class Ipv4Address
{
    private Ipv4Address()
    {
    }

    /**
     * @param dotted an address such as "192.168.1.1".
     * @return the address as an int.
     * @throws IllegalArgumentException naming the text when it is not a dotted-quad IPv4 address.
     */
    public static int parse(final String dotted)
    {
        final int length = dotted.length();
        int address = 0;
        int octets = 0;
        int value = -1;
        for (int i = 0; i <= length; i++)
        {
            final char c = i < length ? dotted.charAt(i) : '.';
            if (c == '.')
            {
                if (value < 0 || ++octets > 4)
                {
                    throw invalid(dotted);
                }
                address = address << 8 | value;
                value = -1;
            }
            else if (c >= '0' && c <= '9')
            {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255)
                {
                    throw invalid(dotted);
                }
            }
            else
            {
                throw invalid(dotted);
            }
        }
        if (octets != 4)
        {
            throw invalid(dotted);
        }
        return address;
    }

    /**
     * @return dotted-quad text of an address.
     */
    public static String toString(final int address)
    {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    private static IllegalArgumentException invalid(final String text)
    {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 address (expected four numbers 0-255 joined by dots)");
    }
}
