package net.dmvpnhub.crypto;

import org.agrona.MutableDirectBuffer;

/**
 * The HMAC-SHA-256-128 step (RFC 4868) of a CBC engine: the code that computes its ICV, reachable
 * on any region so the RFC's known answers can be checked against every provider.
 */
interface HmacSha256Icv
{
    /**
     * @return the first 16 bytes of HMAC-SHA-256 under the SA's authentication key over
     * {@code length} bytes from {@code offset}.
     */
    byte[] icv(MutableDirectBuffer buffer, int offset, int length);
}
