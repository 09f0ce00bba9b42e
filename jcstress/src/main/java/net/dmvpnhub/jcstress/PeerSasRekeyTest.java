package net.dmvpnhub.jcstress;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.Transform;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The control plane rekeys a peer while a dataplane thread picks the outbound SA and looks up
 * both inbound SPIs. During the overlap both inbound SAs are accepted; the outbound SA is the
 * old or the new one, and once the reader sees the new outbound SA it also finds the new inbound.
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "before the rekey")
@Outcome(id = "2, 1, 1", expect = Expect.ACCEPTABLE, desc = "after: old inbound still in its overlap")
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "new inbound seen before the new outbound")
@Outcome(expect = Expect.FORBIDDEN, desc = "new outbound without the new inbound, or the old inbound lost early")
@State
public class PeerSasRekeyTest
{
    private static final SecurityAssociation OUT_1 = sa(0x1001, SecurityAssociation.Direction.OUTBOUND);
    private static final SecurityAssociation IN_1 = sa(0x2001, SecurityAssociation.Direction.INBOUND);
    private static final SecurityAssociation OUT_2 = sa(0x1002, SecurityAssociation.Direction.OUTBOUND);
    private static final SecurityAssociation IN_2 = sa(0x2002, SecurityAssociation.Direction.INBOUND);
    private final PeerSas peer = new PeerSas(OUT_1, IN_1);

    private static SecurityAssociation sa(final int spi, final SecurityAssociation.Direction direction)
    {
        return SecurityAssociation.create(CryptoProvider.BOUNCY_CASTLE, Transform.AES_GCM_128, new byte[20], spi, direction, false);
    }

    @Actor
    public void controlPlane()
    {
        peer.rekey(OUT_2, IN_2, Long.MAX_VALUE);
    }

    @Actor
    public void dataplane(final III_Result result)
    {
        result.r1 = peer.outbound() == OUT_2 ? 2 : 1;
        result.r2 = peer.inbound(IN_1.spi()) == IN_1 ? 1 : 0;
        result.r3 = peer.inbound(IN_2.spi()) == IN_2 ? 1 : 0;
    }
}
