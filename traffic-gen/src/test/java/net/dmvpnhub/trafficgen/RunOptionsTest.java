package net.dmvpnhub.trafficgen;

import net.dmvpnhub.trafficgen.cli.Arguments;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.Dataplane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunOptionsTest
{
    @Test
    void noArgumentsGiveTheDefaultScenario() throws Exception
    {
        final RunOptions o = RunOptions.parse(List.of());
        assertEquals(10_000, o.spokes());
        assertEquals(3, o.phase());
        assertEquals(PacketMix.IMIX, o.mix());
        assertEquals(RunOptions.defaults(), o);
    }

    @Test
    void everyOptionIsRead() throws Exception
    {
        final RunOptions o = RunOptions.parse(Arrays.asList(("--spokes 100_000 --duration 2.5 --phase 2 --workers 2 --mode pipelined " +
            "--mix 576 --provider jdk --transform cbc-sha256 --spoke-to-spoke 0.25 --peers 9 --zipf 0 --rate 50000 --seed 9 --pcap 0 --idle yield --out /tmp/x --capacity 0.5")
            .split(" ")));
        assertEquals(100_000, o.spokes());
        assertEquals(2.5, o.durationS());
        assertEquals(2, o.phase());
        assertEquals(2, o.workers());
        assertEquals(Dataplane.ThreadingMode.PIPELINED, o.mode());
        assertEquals("576", o.mix().toString());
        assertEquals(CryptoProvider.JDK, o.provider());
        assertEquals(Transform.AES_256_CBC_HMAC_SHA256, o.transform());
        assertEquals(0.25, o.spokeToSpoke());
        assertEquals(9, o.peers());
        assertEquals(0.0, o.zipf());
        assertEquals(50_000, o.rate());
        assertEquals(9, o.seed());
        assertEquals(0, o.pcapFrames());
        assertEquals("/tmp/x", o.out().toString());
        assertEquals("yield", o.idle());
        assertEquals("yield", o.idleFor(64), "a strategy named on the command line is used as it is");
        assertEquals(0.5, o.capacityS());
        assertEquals(2.0, RunOptions.defaults().capacityS());
        assertEquals(0.0, RunOptions.parse(List.of("--capacity", "0")).capacityS(), "0 leaves the capacity phase out");
        assertTrue(RunOptions.parse(List.of("--profile")).profile());
        assertTrue(!o.profile() && !RunOptions.defaults().profile());
    }

    @Test
    void everyTransformCanBeChosen() throws Exception
    {
        assertEquals(Transform.AES_GCM_128, RunOptions.parse(List.of("--transform", "gcm128")).transform());
        assertEquals(Transform.AES_GCM_192, RunOptions.parse(List.of("--transform", "gcm192")).transform());
        assertEquals(Transform.AES_GCM_256, RunOptions.parse(List.of("--transform", "gcm256")).transform());
        assertEquals(Transform.AES_256_CBC_HMAC_SHA256, RunOptions.parse(List.of("--transform", "cbc-sha256")).transform());
    }

    @Test
    void autoIdleSpinsOnlyWhereAProcessorIsLeftOver() throws Exception
    {
        final RunOptions one = RunOptions.parse(List.of());
        assertEquals(RunOptions.AUTO_IDLE, one.idle());
        assertEquals(2, one.busyThreads(), "one worker and the spokes' thread");
        assertEquals("backoff", one.idleFor(2));
        assertEquals("busy", one.idleFor(3));
        final RunOptions pipelined = RunOptions.parse(List.of("--mode", "pipelined"));
        assertEquals(3, pipelined.busyThreads());
        assertEquals("backoff", pipelined.idleFor(3));
        assertEquals("busy", pipelined.idleFor(16));
        assertEquals("busy", RunOptions.parse(List.of("--idle", "busy")).idleFor(2));
    }

    @Test
    void helpIsNotAnError() throws Exception
    {
        assertNull(RunOptions.parse(List.of("--spokes", "5", "--help")));
        assertTrue(RunOptions.help().contains("--spokes N"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--spokes 0|--spokes must be a whole number from 1 to 100000, not '0'",
        "--spokes many|--spokes must be a whole number from 1 to 100000, not 'many'",
        "--phase 4|--phase must be a whole number from 1 to 3, not '4'",
        "--mode fast|--mode must be rtc or pipelined, not 'fast'",
        "--mix 40|--mix must be imix or a packet size from 64 to 1500 bytes, not '40'",
        "--provider aws|--provider must be ipsec-mb, openssl, jdk or bc, not 'aws'",
        "--spoke-to-spoke 1.5|--spoke-to-spoke must be a number from 0.0 to 1.0, not '1.5'",
        "--duration NaN|--duration must be a number from 0.1 to 86400.0, not 'NaN'",
        "--colour red|unknown option --colour; the options are --spokes, --capacity, --duration, --phase, --workers, --mode, --mix, --provider, " +
            "--transform, --spoke-to-spoke, --peers, --zipf, --rate, --seed, --pcap, --sa-lifetime, --idle, --out, --profile (see --help)",
        "--bogus|unknown option --bogus; the options are --spokes, --capacity, --duration, --phase, --workers, --mode, --mix, --provider, " +
            "--transform, --spoke-to-spoke, --peers, --zipf, --rate, --seed, --pcap, --sa-lifetime, --idle, --out, --profile (see --help)",
        "spokes|unexpected argument 'spokes': options start with --, see --help",
        "--seed|--seed needs a value, see --help",
        "--idle lazy|--idle must be auto, busy, yield or backoff, not 'lazy'",
        "--capacity 601|--capacity must be a number from 0.0 to 600.0, not '601'",
        "--capacity -1|--capacity must be a number from 0.0 to 600.0, not '-1'"})
    void aMistakeGetsOneSentenceNamingTheOptionAndTheProblem(final String args, final String message)
    {
        final Arguments.UsageException ex = assertThrows(Arguments.UsageException.class, () -> RunOptions.parse(List.of(args.split(" "))));
        assertEquals(message, ex.getMessage());
    }

    @Test
    void theMainJobSizesTheRedirectLimiterForItsPairsAndHoldsTheSpokesOnlyWithinTheirLifetime()
    {
        assertEquals(1 << 14, ScaleRun.redirectPairs(100, 4), "at least the default");
        assertEquals(1 << 18, ScaleRun.redirectPairs(10_000, 4), "four slots for each of 40,000 pairs, a power of two");
        assertEquals(1 << 22, ScaleRun.redirectPairs(100_000, 1000), "capped");
        assertTrue(ScaleRun.capacityHoldS(2) < 3600 * 0.9 / 2, "the default capacity phase fits the default lifetime");
        assertTrue(ScaleRun.capacityHoldS(600) > 3600 * 0.9 / 2, "--capacity 600 does not");
    }
}
