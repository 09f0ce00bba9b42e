package net.dmvpnhub.crypto;

import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.EspFlyweight;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Full ESP processing of one packet in place on frame memory (RFC 4303): on the way out the
 * header, sequence number, IV, padding, trailer and ICV around a payload; on the way in the
 * anti-replay pre-check, ICV verification before any plaintext is used, the packet's outer
 * addresses against the SA's (RFC 4301 section 5.2: in transport mode the outer header is not
 * authenticated, so a captured packet could be sent again from elsewhere), the window update
 * only after both (RFC 4303 section 3.4.3; a re-sourced copy therefore cannot use up the sequence
 * number of the genuine packet), and the trailer check, whose next header is the SA's protocol.
 * <p>
 * One instance per thread (it holds the thread's {@link CryptoWorkspace}). It allocates nothing and never throws for a bad packet: each ends
 * in an {@link EspStatus}, counted on its SA. After {@link EspStatus#OK} the accessors give
 * where the result lies.
 */
public final class EspProcessor
{
    /** This thread's scratch for the engines (GCM context, nonce, tag). */
    private final CryptoWorkspace workspace = new CryptoWorkspace();
    private int espOffset;
    private int espLength;
    private int innerOffset;
    private int innerLength;
    private int nextHeader;

    /**
     * Encrypts a payload (a GRE packet in transport mode, an IPv4 packet in tunnel mode) that
     * sits in a frame with room before it for the ESP header and IV and after it for the trailer
     * and ICV.
     *
     * @param payloadOffset where the payload starts; the ESP header is written just before it.
     * @param limit offset just past the last byte the frame slot may use.
     */
    public EspStatus encrypt(
        final SecurityAssociation sa, final MutableDirectBuffer buffer, final int payloadOffset, final int payloadLength, final int limit)
    {
        if (sa.isHardExpired())
        {
            return sa.drop(EspStatus.LIFETIME_EXPIRED);
        }
        final long sequence = sa.nextSequence;
        if (sequence == 0 || !sa.extendedSequenceNumbers() && sequence > 0xFFFF_FFFFL)
        {
            // RFC 4303 section 3.3.3: the counter must not cycle; the SA is finished.
            sa.expire();
            return sa.drop(EspStatus.SEQUENCE_EXHAUSTED);
        }
        final EspEngine engine = sa.engine();
        final Transform transform = engine.transform();
        final int start = payloadOffset - transform.headerOverhead();
        final int padLength = EspFlyweight.padLength(payloadLength, transform.alignment());
        final int ciphertextLength = payloadLength + padLength + EspFlyweight.TRAILER_LENGTH;
        final int end = payloadOffset + ciphertextLength + transform.icvLength();
        if (start < 0 || end > limit)
        {
            return sa.drop(EspStatus.NO_ROOM);
        }
        buffer.putInt(start + EspFlyweight.SPI_OFFSET, sa.spi(), ByteOrder.BIG_ENDIAN);
        buffer.putInt(start + EspFlyweight.SEQUENCE_OFFSET, (int)sequence, ByteOrder.BIG_ENDIAN);
        engine.writeIv(workspace, buffer, start + EspFlyweight.HEADER_LENGTH, sequence);
        EspFlyweight.writeTrailer(buffer, payloadOffset + payloadLength, padLength, sa.mode().nextHeader());
        engine.seal(workspace, buffer, start, ciphertextLength, sequence);
        sa.nextSequence = sequence + 1;
        sa.account(payloadLength);
        espOffset = start;
        espLength = end - start;
        return EspStatus.OK;
    }

    /**
     * Authenticates and decrypts one received ESP packet in place, without its outer header: no
     * address selector is checked (tests and tools; a dataplane uses the other overload).
     *
     * @param espOffset where the ESP header starts.
     * @param length bytes of the ESP packet, header to ICV.
     */
    public EspStatus decrypt(final SecurityAssociation sa, final MutableDirectBuffer buffer, final int espOffset, final int length)
    {
        return decrypt(sa, buffer, espOffset, length, sa.peerAddress(), sa.localAddress());
    }

    /**
     * Authenticates and decrypts one received ESP packet in place, and checks that it came from
     * the SA's peer to the SA's local address ({@link SecurityAssociation#selectorsMatch}).
     *
     * @param espOffset where the ESP header starts.
     * @param length bytes of the ESP packet, header to ICV.
     * @param source the outer IPv4 header's source address.
     * @param destination the outer IPv4 header's destination address.
     */
    public EspStatus decrypt(
        final SecurityAssociation sa, final MutableDirectBuffer buffer, final int espOffset, final int length, final int source,
        final int destination)
    {
        if (sa.isHardExpired())
        {
            return sa.drop(EspStatus.LIFETIME_EXPIRED);
        }
        final EspEngine engine = sa.engine();
        final Transform transform = engine.transform();
        final int ciphertextLength = length - transform.headerOverhead() - transform.icvLength();
        if (ciphertextLength < EspFlyweight.TRAILER_LENGTH)
        {
            return sa.drop(EspStatus.TRUNCATED);
        }
        if ((ciphertextLength & transform.alignment() - 1) != 0 && !transform.isAead())
        {
            return sa.drop(EspStatus.BAD_CIPHERTEXT_LENGTH);
        }
        if (buffer.getInt(espOffset + EspFlyweight.SPI_OFFSET, ByteOrder.BIG_ENDIAN) != sa.spi())
        {
            return sa.drop(EspStatus.SPI_MISMATCH);
        }
        final ReplayWindow window = sa.replayWindow();
        final long sequence = window.check(buffer.getInt(espOffset + EspFlyweight.SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
        if (sequence < 0 && sequence >= ReplayWindow.ZERO)
        {
            return sa.drop(sequence == ReplayWindow.DUPLICATE ? EspStatus.REPLAY_DUPLICATE :
                sequence == ReplayWindow.TOO_OLD ? EspStatus.REPLAY_TOO_OLD : EspStatus.SEQUENCE_ZERO);
        }
        if (!engine.open(workspace, buffer, espOffset, ciphertextLength, sequence))
        {
            return sa.drop(EspStatus.AUTHENTICATION_FAILED);
        }
        if (!sa.selectorsMatch(source, destination))
        {
            return sa.drop(EspStatus.SELECTOR_MISMATCH);
        }
        window.update(sequence);

        final int plaintextOffset = espOffset + transform.headerOverhead();
        final DecodeStatus trailer = EspFlyweight.validateTrailer(buffer, plaintextOffset, ciphertextLength);
        if (trailer != DecodeStatus.OK)
        {
            return sa.drop(trailer == DecodeStatus.ESP_BAD_PADDING ? EspStatus.BAD_PADDING : EspStatus.BAD_PAD_LENGTH);
        }
        final int next = EspFlyweight.nextHeader(buffer, plaintextOffset, ciphertextLength);
        if (next != sa.mode().nextHeader())
        {
            return sa.drop(EspStatus.UNEXPECTED_NEXT_HEADER);
        }
        final int inner = EspFlyweight.innerLength(buffer, plaintextOffset, ciphertextLength);
        sa.account(inner);
        this.espOffset = espOffset;
        this.espLength = length;
        this.innerOffset = plaintextOffset;
        this.innerLength = inner;
        this.nextHeader = next;
        return EspStatus.OK;
    }

    /**
     * @return after an encrypt: where the ESP packet starts (the outer IP header goes before it).
     */
    public int espOffset()
    {
        return espOffset;
    }

    /**
     * @return after an encrypt: bytes of the ESP packet, header to ICV.
     */
    public int espLength()
    {
        return espLength;
    }

    /**
     * @return after a decrypt: where the inner packet (GRE or IPv4) starts.
     */
    public int innerOffset()
    {
        return innerOffset;
    }

    /**
     * @return after a decrypt: bytes of the inner packet.
     */
    public int innerLength()
    {
        return innerLength;
    }

    /**
     * @return after a decrypt: the next header of the trailer.
     */
    public int nextHeader()
    {
        return nextHeader;
    }
}
