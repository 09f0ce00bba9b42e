package net.dmvpnhub.crypto;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's crypto scratch in native memory, handed to every engine call that thread makes:
 * the GCM context, nonce, AAD and computed tag of the packet in hand, and a copy area for frames
 * that live on the heap. Per thread rather than per SA, so that with 10,000 spokes the state a
 * packet writes stays in the nearest cache while each SA keeps only its key schedule. Intel's
 * multi-buffer job API also needs a manager per thread; it is made here on first use.
 * <p>
 * {@link EspProcessor} owns one; anything else that calls an engine directly makes its own.
 * Not thread-safe, by design. The memory is freed by the collector (an automatic arena), so a
 * workspace needs no close.
 */
public final class CryptoWorkspace
{
    /** {@code struct gcm_context_data} of intel-ipsec-mb (88 bytes). */
    static final int GCM_CONTEXT = 0;
    /** Salt || IV, the 12-byte GCM nonce of RFC 4106 section 4. */
    static final int NONCE = 128;
    /** SPI || sequence high || sequence low when ESN makes the AAD 12 bytes. */
    static final int AAD = 144;
    /** The tag a decryption computed, compared with the packet's ICV. */
    static final int TAG = 160;
    /** A plaintext block: the CBC engine's IV is this block encrypted under the SA's key. */
    static final int BLOCK = 176;
    /** The block above, encrypted. */
    static final int IV = 192;
    /** A received ICV set aside while ESN's high sequence bits take its place for the HMAC. */
    static final int SAVED_ICV = 208;
    static final int FIELDS_LENGTH = 256;
    /** The heap copy area's first size: room for ESP packets with 9,000-byte payloads. */
    static final int HEAP_COPY_LENGTH = 16 * 1024;

    private final MemorySegment fieldsMemory;
    final long address;
    final UnsafeBuffer fields;
    private MemorySegment copyMemory;
    private long copyAddress;
    private UnsafeBuffer copyBuffer;
    private IpsecMbEngines.Manager manager;

    public CryptoWorkspace()
    {
        fieldsMemory = Arena.ofAuto().allocate(FIELDS_LENGTH, 64);
        address = fieldsMemory.address();
        fields = new UnsafeBuffer(address, FIELDS_LENGTH);
    }

    /**
     * @return the native address of {@code length} bytes of a frame region: where they lie for a
     * buffer in direct memory; for a heap buffer a copy in this workspace, which
     * {@link #storeHeap} writes back (the collector may move a heap array during a native call).
     */
    long load(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (buffer.byteArray() == null)
        {
            return buffer.addressOffset() + offset;
        }
        final long copy = heapCopy(length);
        copyBuffer.putBytes(0, buffer, offset, length);
        return copy;
    }

    /** Writes {@code length} bytes of the heap copy back to a heap buffer; nothing for direct memory. */
    void storeHeap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (buffer.byteArray() != null)
        {
            buffer.putBytes(offset, copyBuffer, 0, length);
        }
    }

    /** The copy area, made on first use and made larger when a packet needs it (heap frames only). */
    private long heapCopy(final int length)
    {
        if (copyBuffer == null || copyBuffer.capacity() < length)
        {
            final int capacity = Math.max(HEAP_COPY_LENGTH, length);
            copyMemory = Arena.ofAuto().allocate(capacity, 64);
            copyAddress = copyMemory.address();
            copyBuffer = new UnsafeBuffer(copyAddress, capacity);
        }
        return copyAddress;
    }

    /** This thread's multi-buffer manager, made on first use. */
    IpsecMbEngines.Manager manager()
    {
        if (manager == null)
        {
            manager = IpsecMbEngines.Manager.create();
        }
        return manager;
    }
}
