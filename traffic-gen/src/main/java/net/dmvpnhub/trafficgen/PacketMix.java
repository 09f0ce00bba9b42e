package net.dmvpnhub.trafficgen;

import java.util.SplittableRandom;

/**
 * Packet sizes (inner IPv4 packet, total length) the generator draws from: one fixed size, or
 * the simple IMIX of 7:4:1 packets of 64, 576 and 1500 bytes.
 */
public final class PacketMix
{
    public static final int MIN_SIZE = 64;
    public static final int MAX_SIZE = 1500;
    public static final PacketMix IMIX = new PacketMix("imix", new int[]{64, 64, 64, 64, 64, 64, 64, 576, 576, 576, 576, 1500});

    private final String name;
    private final int[] sizes;

    private PacketMix(final String name, final int[] sizes)
    {
        this.name = name;
        this.sizes = sizes;
    }

    public static PacketMix fixed(final int size)
    {
        if (size < MIN_SIZE || size > MAX_SIZE)
        {
            throw new IllegalArgumentException("packet size " + size + " outside " + MIN_SIZE + ".." + MAX_SIZE);
        }
        return new PacketMix(Integer.toString(size), new int[]{size});
    }

    public int next(final SplittableRandom random)
    {
        return sizes.length == 1 ? sizes[0] : sizes[random.nextInt(sizes.length)];
    }

    @Override
    public String toString()
    {
        return name;
    }
}
