package net.dmvpnhub.jcstress;

import net.dmvpnhub.dataplane.fib.Dir24Fib;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The writer adds a /32 inside a /24, which allocates and fills a tbl8 group and publishes it
 * in the tbl24 entry; the reader looks up the /32 and a neighbour. A reader must see the /24's
 * answer or the /32's, never an empty or half-filled group.
 */
@JCStressTest
@Outcome(id = "24, 24", expect = Expect.ACCEPTABLE, desc = "before the group is published")
@Outcome(id = "32, 24", expect = Expect.ACCEPTABLE, desc = "after")
@Outcome(id = "24, 32", expect = Expect.FORBIDDEN, desc = "impossible: the neighbour is not in the /32")
@Outcome(expect = Expect.FORBIDDEN, desc = "a miss or garbage from a half-filled group")
@State
public class FibGroupPublicationTest
{
    private static final int NETWORK = 0x0A000100;
    private final Dir24Fib fib = new Dir24Fib(1, 4, null);

    public FibGroupPublicationTest()
    {
        fib.insert(NETWORK, 24, 24);
    }

    @Actor
    public void writer()
    {
        fib.insert(NETWORK | 7, 32, 32);
    }

    @Actor
    public void reader(final II_Result result)
    {
        result.r1 = fib.lookup(NETWORK | 7);
        result.r2 = fib.lookup(NETWORK | 8);
    }
}
