package net.dmvpnhub.trafficgen.lab;

import org.junit.jupiter.api.AfterEach;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A test on a {@link SimulatedNetwork}: whatever the test did, every frame must be accounted for
 * and no slot may be held, checked after each test before the network is closed.
 */
abstract class NetworkTest
{
    protected SimulatedNetwork network;

    @AfterEach
    void conservedAndNoLeak()
    {
        if (network != null)
        {
            assertNull(network.conservationProblem());
            assertTrue(network.conserved());
            network.close();
        }
    }
}
