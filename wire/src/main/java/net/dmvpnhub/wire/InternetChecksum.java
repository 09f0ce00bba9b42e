package net.dmvpnhub.wire;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum,
 * shared by IPv4, GRE (RFC 2784) and NHRP (RFC 2332 section 5.2.0.1), plus the incremental
 * update of RFC 1624.
 */
public final class InternetChecksum
{
    private InternetChecksum()
    {
    }

    /**
     * Ones' complement sum of {@code length} bytes, not yet folded or complemented. An odd last
     * byte is padded with a zero byte on the right, as RFC 1071 says.
     */
    public static long partialSum(final DirectBuffer buffer, final int offset, final int length)
    {
        long sum = 0;
        int i = offset;
        final int end = offset + length;
        // 32-bit words: a long accumulator cannot overflow for any frame we can hold.
        for (final int wordEnd = end - 3; i < wordEnd; i += 4)
        {
            sum += buffer.getInt(i, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
        }
        if (i < end - 1)
        {
            sum += (buffer.getShort(i, ByteOrder.BIG_ENDIAN) & 0xFFFFL) << 16;
            i += 2;
        }
        if (i < end)
        {
            // The odd byte is the high byte of its 16-bit word; that word is the high or the low
            // half of the 32-bit word the loop above would have read.
            final int shift = ((i - offset) & 2) == 0 ? 24 : 8;
            sum += (buffer.getByte(i) & 0xFFL) << shift;
        }
        return sum;
    }

    /**
     * Folds a partial sum to 16 bits and complements it: the value to write in a checksum field
     * (computed with that field zero), or 0 when verifying a region that includes its checksum.
     */
    public static int fold(final long partialSum)
    {
        long sum = (partialSum & 0xFFFF_FFFFL) + (partialSum >>> 32);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int)(~sum & 0xFFFF);
    }

    /**
     * @return the checksum of a region (its checksum field must already be zero when computing).
     */
    public static int compute(final DirectBuffer buffer, final int offset, final int length)
    {
        return fold(partialSum(buffer, offset, length));
    }

    /**
     * @return true when a region that contains its own checksum field sums to all ones.
     */
    public static boolean verify(final DirectBuffer buffer, final int offset, final int length)
    {
        return compute(buffer, offset, length) == 0;
    }

    /**
     * RFC 1624 equation 3: {@code HC' = ~(~HC + ~m + m')} for one 16-bit word changing from
     * {@code oldWord} to {@code newWord}.
     */
    public static int incrementalUpdate(final int oldChecksum, final int oldWord, final int newWord)
    {
        int sum = (~oldChecksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return ~sum & 0xFFFF;
    }
}
