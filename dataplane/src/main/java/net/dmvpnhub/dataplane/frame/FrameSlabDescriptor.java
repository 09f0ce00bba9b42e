package net.dmvpnhub.dataplane.frame;

/**
 * Layout of a frame slot in the {@link FrameSlab}.
 * <pre>
 * slot base                                                          slot base + slot size
 * |<- HEADROOM ->|<------------------ frame data ------------------>|<- tailroom ->|
 *                ^ data offset (moves left when headers are pushed, right when popped)
 * </pre>
 * A received frame is placed at {@link #HEADROOM} so that a frame the hub builds from a smaller
 * payload (an NHRP reply, a plaintext GRE frame) can grow headers in place; a frame in transit
 * keeps the same header sizes (outer IPv4, ESP and IV, GRE with key) and is rewritten where it
 * lies. The tailroom takes ESP's padding, trailer and ICV.
 */
public final class FrameSlabDescriptor
{
    /** Bytes before the data of a freshly received frame. */
    public static final int HEADROOM = 128;
    /** Slot sizes are multiples of this, so slots start on cache lines. */
    public static final int SLOT_ALIGNMENT = 64;
    /** Slots for frames of up to 1500-byte inner packets with every header and trailer. */
    public static final int DEFAULT_SLOT_SIZE = 2048;
    /** Outer IPv4 + ESP header + GCM IV + GRE with key: what sits in front of an inner packet. */
    public static final int TUNNEL_HEADERS = 20 + 8 + 8 + 8;

    private FrameSlabDescriptor()
    {
    }
}
