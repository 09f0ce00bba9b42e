package net.dmvpnhub.trafficgen.spoke;

import org.junit.jupiter.api.AfterEach;

/**
 * A test on a {@link Lab}: whatever the test did, every frame must be accounted for at the hub and
 * at the spokes and no slot may leak, checked after each test before the lab is closed.
 */
abstract class LabTest
{
    protected Lab lab;

    @AfterEach
    void conservedAndNoLeak()
    {
        if (lab != null)
        {
            lab.assertConservedAndNoLeak();
            lab.close();
        }
    }
}
