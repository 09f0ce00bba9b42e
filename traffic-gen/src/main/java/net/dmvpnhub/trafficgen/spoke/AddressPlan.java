package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.dataplane.fib.Dir24Fib;
import net.dmvpnhub.nhrp.hub.LanRouteAdvertiser;
import net.dmvpnhub.wire.Ipv4Address;

/**
 * How simulated spokes are numbered: spoke {@code i} gets tunnel address {@code firstTunnel + i},
 * NBMA address {@code firstNbma + i} and the {@code i}-th LAN of {@code lanPrefixLength} bits
 * after {@code firstLan}.
 * <p>
 * The defaults fit 32,768 spokes with /24 LANs: tunnel 10.0.0.11 onwards in 10.0.0.0/16 (the
 * hub is 10.0.0.1), NBMA 198.18.1.0 onwards in RFC 2544's 198.18.0.0/15 (the hub is 198.18.0.1),
 * LANs 10.128.0.0/24 onwards inside the 10.128.0.0/9 summary. 100,000 spokes need a /14 tunnel
 * subnet and LANs of /26 or longer ({@link #forSpokes}).
 */
public record AddressPlan(int firstTunnel, int firstNbma, int firstLan, int lanPrefixLength)
{
    public static final int DEFAULT_FIRST_TUNNEL = Ipv4Address.parse("10.0.0.11");
    public static final int DEFAULT_FIRST_NBMA = Ipv4Address.parse("198.18.1.0");
    public static final int DEFAULT_FIRST_LAN = Ipv4Address.parse("10.128.0.0");

    public AddressPlan
    {
        if (lanPrefixLength < 8 || lanPrefixLength > 30)
        {
            throw new IllegalArgumentException("LAN prefix length " + lanPrefixLength + " outside 8..30");
        }
        if ((firstLan & ~Dir24Fib.mask(lanPrefixLength)) != 0)
        {
            throw new IllegalArgumentException(Ipv4Address.toString(firstLan) + " is not a /" + lanPrefixLength + " network");
        }
    }

    /** The default plan with /24 LANs. */
    public static AddressPlan defaults()
    {
        return new AddressPlan(DEFAULT_FIRST_TUNNEL, DEFAULT_FIRST_NBMA, DEFAULT_FIRST_LAN, 24);
    }

    /** The default addresses with LANs as long as {@code count} spokes need to stay inside 10.128.0.0/9. */
    public static AddressPlan forSpokes(final int count)
    {
        int length = 24;
        while (length < 30 && (long)count << (32 - length) > 1L << 23)
        {
            length++;
        }
        return new AddressPlan(DEFAULT_FIRST_TUNNEL, DEFAULT_FIRST_NBMA, DEFAULT_FIRST_LAN, length);
    }

    public int tunnel(final int index)
    {
        return firstTunnel + index;
    }

    public int nbma(final int index)
    {
        return firstNbma + index;
    }

    public int lan(final int index)
    {
        return firstLan + (index << (32 - lanPrefixLength));
    }

    /**
     * Configuration time: tells the hub's advertiser the LAN behind each of the first {@code count}
     * spokes' tunnel addresses, as a routing protocol would tell it.
     *
     * @return the advertiser.
     */
    public LanRouteAdvertiser lans(final LanRouteAdvertiser advertiser, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            advertiser.lan(tunnel(i), lan(i));
        }
        return advertiser;
    }

    /** A host address inside spoke {@code index}'s LAN ({@code host} from 1). */
    public int host(final int index, final int host)
    {
        return lan(index) + host;
    }
}
