package net.dmvpnhub.jcstress;

import net.dmvpnhub.dataplane.table.PeerTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The writer rebinds a peer to a new NBMA address and SA (an NBMA change); the reader copies
 * the entry. It must see the old binding whole or the new one whole: never the new address with
 * the old SA.
 */
@JCStressTest
@Outcome(id = "1, 11, 101", expect = Expect.ACCEPTABLE, desc = "old binding")
@Outcome(id = "1, 22, 202", expect = Expect.ACCEPTABLE, desc = "new binding")
@Outcome(expect = Expect.FORBIDDEN, desc = "torn entry or a lost peer")
@State
public class PeerTableSeqlockTest
{
    private static final int PEER = 0x0A00000B;
    private final PeerTable table = new PeerTable(8);
    private final PeerTable.View view = new PeerTable.View();

    public PeerTableSeqlockTest()
    {
        table.put(PEER, 11, 101, PeerTable.Type.DYNAMIC, 1000);
    }

    @Actor
    public void writer()
    {
        table.put(PEER, 22, 202, PeerTable.Type.DYNAMIC, 2000);
    }

    @Actor
    public void reader(final III_Result result)
    {
        final boolean found = table.lookup(PEER, view);
        result.r1 = found ? 1 : 0;
        result.r2 = found ? view.nbma : -1;
        result.r3 = found ? view.saId : -1;
    }
}
