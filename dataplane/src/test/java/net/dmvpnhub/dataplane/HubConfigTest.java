package net.dmvpnhub.dataplane;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The hub's tunnel settings: defaults, the builder, and values it refuses with one sentence. */
class HubConfigTest
{
    @Test
    void theRedirectLimiterDefaultsTo16384PairsAndTakesAnyPowerOfTwoFromFour()
    {
        assertEquals(HubConfig.DEFAULT_REDIRECT_PAIRS, HubConfig.builder(1).build().redirectPairs());
        assertEquals(1 << 18, HubConfig.builder(1).redirectPairs(1 << 18).build().redirectPairs());
        assertEquals(4, HubConfig.builder(1).redirectPairs(4).build().redirectPairs());
        assertEquals(1 << 18, HubConfig.builder(1).redirectPairs(1 << 18).build().withInjectWeight(5).redirectPairs(),
            "another injection weight keeps the limiter's size");
        assertEquals("redirect pairs must be a power of two of at least 4, not 3000",
            assertThrows(IllegalArgumentException.class, () -> HubConfig.builder(1).redirectPairs(3000).build()).getMessage());
        assertEquals("redirect pairs must be a power of two of at least 4, not 2",
            assertThrows(IllegalArgumentException.class, () -> HubConfig.builder(1).redirectPairs(2).build()).getMessage());
    }
}
