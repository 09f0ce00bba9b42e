package net.dmvpnhub.jcstress;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.table.SpiTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A rekey: the writer installs the new inbound SA and removes the old one; the reader looks both
 * up. Each lookup finds its SA (with the right SPI) or nothing; the new SA, once seen, is whole.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "before the rekey")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "during the overlap")
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "after")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE_INTERESTING, desc = "old read before removal seen, new read before put seen")
@Outcome(expect = Expect.FORBIDDEN, desc = "an SA under the wrong SPI")
@State
public class SpiTablePublicationTest
{
    private static final SecurityAssociation OLD = sa(0x1000);
    private static final SecurityAssociation NEW = sa(0x2000);
    private final SpiTable table = new SpiTable(8);

    private static SecurityAssociation sa(final int spi)
    {
        return SecurityAssociation.create(CryptoProvider.BOUNCY_CASTLE, Transform.AES_GCM_128, new byte[20], spi,
            SecurityAssociation.Direction.INBOUND, false);
    }

    public SpiTablePublicationTest()
    {
        table.put(OLD);
    }

    @Actor
    public void writer()
    {
        table.put(NEW);
        table.remove(OLD.spi());
    }

    @Actor
    public void reader(final II_Result result)
    {
        final SecurityAssociation fresh = table.find(NEW.spi());
        final SecurityAssociation old = table.find(OLD.spi());
        result.r1 = old == null ? 0 : old.spi() == OLD.spi() ? 1 : 9;
        result.r2 = fresh == null ? 0 : fresh.spi() == NEW.spi() ? 1 : 9;
    }
}
