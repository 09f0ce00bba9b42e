package net.dmvpnhub.jcstress;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.HubTables;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The hub's side of a rekey, in the order the registry does it (the new inbound SA into the SPI
 * table, accepted beside the old one, then the outbound switch published in the workers' flat
 * outbound array), against a worker that reads the outbound SA from that array, then looks the
 * new inbound SPI up in the SPI table and in the peer's SAs. A worker that already encrypts
 * under the new outbound SA must also accept the new inbound one: the peer may answer under it.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "before the rekey")
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "the new SPI in the table, not yet accepted by the peer's SAs")
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "the table read before the put, the peer's SAs after the accept")
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "both inbound steps seen, the outbound switch not yet")
@Outcome(id = "2, 1, 1", expect = Expect.ACCEPTABLE, desc = "after the rekey")
@Outcome(expect = Expect.FORBIDDEN, desc = "the new outbound SA seen without the new inbound one")
@State
public class HubTablesRekeyTest
{
    private static final int SA_ID = 1;
    private static final SecurityAssociation OUT_1 = sa(0x1001, SecurityAssociation.Direction.OUTBOUND);
    private static final SecurityAssociation IN_1 = sa(0x2001, SecurityAssociation.Direction.INBOUND);
    private static final SecurityAssociation OUT_2 = sa(0x1002, SecurityAssociation.Direction.OUTBOUND);
    private static final SecurityAssociation IN_2 = sa(0x2002, SecurityAssociation.Direction.INBOUND);
    private final HubTables tables = new HubTables(4, 1);
    private final PeerSas sas = new PeerSas(OUT_1, IN_1);

    public HubTablesRekeyTest()
    {
        tables.peerSas(SA_ID, sas);
    }

    private static SecurityAssociation sa(final int spi, final SecurityAssociation.Direction direction)
    {
        return SecurityAssociation.create(CryptoProvider.BOUNCY_CASTLE, Transform.AES_GCM_128, new byte[20], spi, direction, false);
    }

    @Actor
    public void controlPlane()
    {
        tables.spis().put(IN_2);
        sas.acceptInbound(IN_2, Long.MAX_VALUE);
        tables.switchOutbound(SA_ID, OUT_2);
    }

    @Actor
    public void worker(final III_Result result)
    {
        result.r1 = tables.outboundSa(SA_ID) == OUT_2 ? 2 : 1;
        result.r2 = tables.spis().find(IN_2.spi()) == IN_2 ? 1 : 0;
        result.r3 = tables.peerSas(SA_ID).inbound(IN_2.spi()) == IN_2 ? 1 : 0;
    }
}
