package net.dmvpnhub.crypto;

import org.agrona.MutableDirectBuffer;

/**
 * One SA's cipher state in one direction, as a crypto provider implements it. The ESP processor
 * lays out the packet; the engine writes the IV, encrypts and authenticates in place, or
 * authenticates and decrypts in place.
 * <p>
 * Layout from {@code espOffset}: SPI (4), sequence (4), IV ({@link Transform#ivLength()}),
 * ciphertext ({@code ciphertextLength} bytes: payload, padding, pad length, next header), ICV
 * ({@link Transform#icvLength()}). Engines are single-threaded, like the SA that owns them; every
 * call gets the calling thread's {@link CryptoWorkspace} for per-packet scratch.
 */
public interface EspEngine extends AutoCloseable
{
    /**
     * @return the provider's name, for reports.
     */
    String provider();

    Transform transform();

    /**
     * Writes a unique IV for this packet: the sequence number for GCM; for CBC the sequence
     * number encrypted under the SA's key, which is unpredictable as CBC needs (NIST SP 800-38A
     * appendix C).
     */
    void writeIv(CryptoWorkspace workspace, MutableDirectBuffer buffer, int ivOffset, long sequence);

    /**
     * Encrypts the ciphertext region in place and writes the ICV after it.
     *
     * @param sequence the full sequence number (its high half enters the AAD or ICV with ESN).
     */
    void seal(CryptoWorkspace workspace, MutableDirectBuffer buffer, int espOffset, int ciphertextLength, long sequence);

    /**
     * Verifies the ICV and decrypts in place. On failure the region holds no plaintext.
     *
     * @return false when the ICV does not verify.
     */
    boolean open(CryptoWorkspace workspace, MutableDirectBuffer buffer, int espOffset, int ciphertextLength, long sequence);

    /**
     * Reads the key state a packet's cipher call will use, so that a stage can bring the key
     * state of a whole vector of frames towards the core before the first cipher call and the
     * cache misses overlap (VPP prefetches its SAs the same way). Engines whose key state is not
     * theirs to read (a library's opaque context) do nothing.
     *
     * @param bytes about how many bytes the packet's cipher call will process: a short packet
     * needs less of the key state (fewer powers of the GHASH key) than a long one.
     * @return a value derived from what was read, for the caller to keep so the reads stay.
     */
    default long touchKeyState(final int bytes)
    {
        return 0;
    }

    /**
     * Releases native state, if any. Idempotent.
     */
    @Override
    void close();
}
