package net.dmvpnhub.nhrp;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.ReplayWindow;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.Transform;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The outcome of IKE, without IKE: both ends of a tunnel derive the same ESP keys from the
 * network's pre-shared key ({@code crypto isakmp key}) and what an IKE exchange would have
 * settled, so the hub and a simulated spoke each build their half of the SA pair on their own.
 * <p>
 * The exchange it stands for: the initiator picks the SPI it will receive on and sends it to the
 * responder, which picks its own inbound SPI and answers (IKE's CREATE_CHILD_SA in one round
 * trip). Traffic from A to B then uses B's chosen SPI and the key
 * {@code HKDF-Expand(HMAC-SHA-256, PRK = HMAC(psk, label), info = A || B || spi)} (RFC 5869
 * style), so each direction has its own key and a new SPI (rekey, new NBMA) gives new keys.
 * <p>
 * Not real IKE: nothing is authenticated or negotiated. Everything after it (ESP per RFC 4303 and
 * RFC 4106) is real, and an SA can be handed to Wireshark ({@link #keyMaterial}) to decrypt a
 * capture. Control-plane code: it allocates.
 */
public final class SimulatedIke
{
    private static final byte[] LABEL = "dmvpnhub simulated IKE v1".getBytes(StandardCharsets.US_ASCII);

    private final CryptoProvider provider;
    private final Transform transform;
    private final boolean extendedSequenceNumbers;
    private final SaLifetime lifetime;
    /**
     * HMAC keyed with the pseudo-random key, one per thread (the NHS and the spokes each build
     * SAs): looking up a JCE provider and keying a new Mac for every block was most of the
     * garbage a registration storm made, and the collections it caused paused forwarding too.
     */
    private final ThreadLocal<Mac> expand;

    /**
     * With IOS's default SA lifetime ({@link SaLifetime#IOS_DEFAULT}).
     *
     * @param presharedKey the network's pre-shared key (at least one byte).
     */
    public SimulatedIke(
        final CryptoProvider provider, final Transform transform, final byte[] presharedKey, final boolean extendedSequenceNumbers)
    {
        this(provider, transform, presharedKey, extendedSequenceNumbers, SaLifetime.IOS_DEFAULT);
    }

    /**
     * @param presharedKey the network's pre-shared key (at least one byte).
     * @param lifetime how long the SAs it makes live, and when their rekey starts.
     */
    public SimulatedIke(
        final CryptoProvider provider, final Transform transform, final byte[] presharedKey, final boolean extendedSequenceNumbers,
        final SaLifetime lifetime)
    {
        this.lifetime = lifetime;
        if (presharedKey.length == 0)
        {
            throw new IllegalArgumentException("the pre-shared key is empty");
        }
        this.provider = provider;
        this.transform = transform;
        this.extendedSequenceNumbers = extendedSequenceNumbers;
        final byte[] pseudoRandomKey = hmac(presharedKey, LABEL);
        this.expand = ThreadLocal.withInitial(() -> keyed(pseudoRandomKey));
    }

    public CryptoProvider provider()
    {
        return provider;
    }

    public Transform transform()
    {
        return transform;
    }

    public SaLifetime lifetime()
    {
        return lifetime;
    }

    /**
     * @return the ESP key material (cipher key, then salt or HMAC key, as the transform lays it
     * out) for traffic from {@code senderNbma} to {@code receiverNbma} under {@code spi}.
     */
    public byte[] keyMaterial(final int senderNbma, final int receiverNbma, final int spi)
    {
        final byte[] info = ByteBuffer.allocate(12).putInt(senderNbma).putInt(receiverNbma).putInt(spi).array();
        final byte[] out = new byte[transform.keyMaterialLength()];
        final Mac mac = expand.get();
        byte[] previous = new byte[0];
        for (int done = 0, block = 1; done < out.length; block++)
        {
            // T(n) = HMAC(PRK, T(n-1) || info || n); doFinal leaves the Mac keyed for the next one.
            mac.update(previous);
            mac.update(info);
            mac.update((byte)block);
            previous = mac.doFinal();
            final int n = Math.min(previous.length, out.length - done);
            System.arraycopy(previous, 0, out, done, n);
            done += n;
        }
        return out;
    }

    /**
     * @return the SA carrying traffic from {@code senderNbma} to {@code receiverNbma} under
     * {@code spi} (chosen by the receiver), as the sender ({@code OUTBOUND}) or the receiver
     * ({@code INBOUND}) holds it, bound to the two addresses, with this exchange's byte lifetimes.
     */
    public SecurityAssociation sa(
        final SecurityAssociation.Direction direction, final int senderNbma, final int receiverNbma, final int spi)
    {
        return sa(direction, senderNbma, receiverNbma, spi, senderNbma, receiverNbma);
    }

    /**
     * As {@link #sa(SecurityAssociation.Direction, int, int, int)} for an end behind a one-to-one
     * NAT: the keys come from the addresses IKE saw ({@code senderWire}, {@code receiverWire}: the
     * post-NAT ones, the same at both ends, as the exchange's own material would be), the
     * selectors from the addresses this end's packets carry on its side of the NAT.
     */
    public SecurityAssociation sa(
        final SecurityAssociation.Direction direction, final int senderWire, final int receiverWire, final int spi, final int senderNbma,
        final int receiverNbma)
    {
        final boolean inbound = direction == SecurityAssociation.Direction.INBOUND;
        return new SecurityAssociation(spi, direction, SecurityAssociation.Mode.TRANSPORT, extendedSequenceNumbers, ReplayWindow.DEFAULT_SIZE,
            lifetime.bytes(), provider.newEngine(transform, keyMaterial(senderWire, receiverWire, spi), extendedSequenceNumbers, !inbound),
            inbound ? senderNbma : receiverNbma, inbound ? receiverNbma : senderNbma);
    }

    /**
     * @return one end's SA pair with a peer: outbound to the peer under the peer's inbound SPI,
     * inbound from the peer under this end's own inbound SPI.
     */
    public PeerSas pair(final int localNbma, final int localInboundSpi, final int peerNbma, final int peerInboundSpi)
    {
        return pair(localNbma, localNbma, localInboundSpi, peerNbma, peerInboundSpi);
    }

    /**
     * As {@link #pair(int, int, int, int)} for an end behind a one-to-one NAT: {@code localNbma}
     * is its own address, {@code localWire} the one its peer sees.
     */
    public PeerSas pair(final int localNbma, final int localWire, final int localInboundSpi, final int peerNbma, final int peerInboundSpi)
    {
        return new PeerSas(
            sa(SecurityAssociation.Direction.OUTBOUND, localWire, peerNbma, peerInboundSpi, localNbma, peerNbma),
            sa(SecurityAssociation.Direction.INBOUND, peerNbma, localWire, localInboundSpi, peerNbma, localNbma));
    }

    private static byte[] hmac(final byte[] key, final byte[] data)
    {
        return keyed(key).doFinal(data);
    }

    private static Mac keyed(final byte[] key)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", ex);
        }
    }
}
