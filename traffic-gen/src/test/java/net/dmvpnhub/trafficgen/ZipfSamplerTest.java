package net.dmvpnhub.trafficgen;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZipfSamplerTest
{
    /** Draws many ranks and compares each rank's count with its expectation. */
    private static void assertFrequenciesMatch(final ZipfSampler sampler, final int draws)
    {
        final int[] counts = new int[sampler.size()];
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < draws; i++)
        {
            counts[sampler.next(random)]++;
        }
        for (int rank = 0; rank < sampler.size(); rank++)
        {
            final double expected = sampler.probability(rank) * draws;
            // Five standard deviations of a binomial count: fails only if the sampler is wrong.
            final double bound = 5 * Math.sqrt(expected) + 1;
            final int r = rank;
            assertTrue(Math.abs(counts[rank] - expected) <= bound,
                () -> "rank " + r + ": " + counts[r] + " draws, expected " + expected);
        }
    }

    @Test
    void zipfOneGivesRankKAShareOfOneOverKPlusOne()
    {
        final ZipfSampler zipf = new ZipfSampler(50, 1.0);
        double harmonic = 0;
        for (int k = 1; k <= 50; k++)
        {
            harmonic += 1.0 / k;
        }
        assertEquals(1 / harmonic, zipf.probability(0), 1e-12);
        assertEquals(1 / (10 * harmonic), zipf.probability(9), 1e-12);
        assertFrequenciesMatch(zipf, 200_000);
    }

    @Test
    void exponentZeroIsUniform()
    {
        final ZipfSampler uniform = new ZipfSampler(20, 0);
        assertEquals(0.05, uniform.probability(7), 1e-12);
        assertFrequenciesMatch(uniform, 100_000);
    }

    @Test
    void theSameSeedGivesTheSameRanks()
    {
        final ZipfSampler zipf = new ZipfSampler(100_000, 1.2);
        final SplittableRandom a = new SplittableRandom(7);
        final SplittableRandom b = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++)
        {
            assertEquals(zipf.next(a), zipf.next(b));
        }
    }

    @Test
    void badParametersAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new ZipfSampler(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ZipfSampler(5, -1));
    }
}
