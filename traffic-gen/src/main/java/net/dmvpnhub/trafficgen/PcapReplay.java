package net.dmvpnhub.trafficgen;

import net.dmvpnhub.trafficgen.cli.Arguments;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.DropReasons;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.config.ConfigException;
import net.dmvpnhub.nhrp.config.HubConfiguration;
import net.dmvpnhub.nhrp.config.IosConfigParser;
import net.dmvpnhub.nhrp.config.RouterConfig;
import net.dmvpnhub.nhrp.hub.Hub;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.nhrp.hub.NhrpServer;
import net.dmvpnhub.nhrp.hub.RegistrationListener;
import net.dmvpnhub.wire.PcapReader;
import net.dmvpnhub.wire.PcapWriter;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./dmvpn replay}: runs the frames of a pcap through a hub built from its IOS
 * configuration, in order, and writes every frame the hub sends to another pcap, so independent
 * tools can craft input and check output. Keys come from the configuration's manual crypto maps
 * ({@code crypto map NAME SEQ ipsec-manual} with {@code set session-key}); NHRP in the input is
 * answered by the hub's NHS as in a live run. One worker, one thread, the frames' own clock.
 * Ends with the hub's counters (drops by reason) and the conservation check.
 */
public final class PcapReplay
{
    private static final int SLOTS = 4096;
    private static final int RING = 1024;

    private PcapReplay()
    {
    }

    public static void main(final String[] args)
    {
        final String usage = "Usage: ./dmvpn replay HUB-CONFIG IN.pcap OUT.pcap\n\n" +
            "Runs the frames of IN.pcap (classic pcap, raw IP or Ethernet) through a hub built from HUB-CONFIG (IOS subset;\n" +
            "keys from 'crypto map ... ipsec-manual') and writes the frames the hub sends to OUT.pcap.\n";
        final List<String> files = Arguments.parseOrExit("replay", usage, args, a ->
        {
            final Arguments read = Arguments.read(a, List.of(), List.of(), 3);
            if (read != null && read.positionals().size() != 3)
            {
                throw new Arguments.UsageException("expected HUB-CONFIG IN.pcap OUT.pcap, got " + read.positionals().size() +
                    " arguments, see --help");
            }
            return read == null ? null : read.positionals();
        });
        if (files == null)
        {
            return;
        }
        try
        {
            System.exit(replay(Path.of(files.get(0)), Path.of(files.get(1)), Path.of(files.get(2)), System.out) ? 0 : 1);
        }
        catch (final ConfigException ex)
        {
            System.err.println(ex.getMessage());
            System.exit(2);
        }
        catch (final java.nio.file.NoSuchFileException ex)
        {
            System.err.println("dmvpn replay: no such file: " + ex.getFile());
            System.exit(2);
        }
        catch (final IOException ex)
        {
            System.err.println("dmvpn replay: " + ex.getMessage());
            System.exit(2);
        }
    }

    /**
     * @return whether every frame was accounted for.
     */
    static boolean replay(final Path configFile, final Path input, final Path output, final PrintStream console)
        throws IOException, ConfigException
    {
        final RouterConfig config = IosConfigParser.parse(configFile);
        final HubSpec spec = HubConfiguration.spec(config);
        final PcapReader.Capture capture = PcapReader.read(input);
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(capture.packets().isEmpty() ? 0 : capture.packets().get(0).timestampNs());
        final String key = config.isakmpKeys().isEmpty() ? "replay" : config.isakmpKeys().get(0).key();
        final SimulatedIke ike = new SimulatedIke(CryptoProvider.preferred(),
            spec.transform() == null ? net.dmvpnhub.crypto.Transform.AES_GCM_128 : spec.transform(), key.getBytes(StandardCharsets.US_ASCII),
            false);
        final Hub hub = new Hub(spec.withSizing(spec.sizing().withPeers(Math.max(64, config.manualSas().size())).withFrames(SLOTS, RING)),
            ike, clock, RegistrationListener.NONE);
        final FrameSlab slab = hub.slab();
        final Dataplane dataplane = hub.dataplane();
        final NhrpServer server = hub.server();
        for (final RouterConfig.ManualSa manual : config.manualSas())
        {
            final var transform = config.transformSets().get(manual.transformSet()).transform();
            final CryptoProvider provider = CryptoProvider.preferred();
            final int hubNbma = spec.hubConfig().hubNbma();
            server.addManualSas(manual.peer(), new PeerSas(
                SecurityAssociation.create(provider, transform, manual.outboundKey(), manual.outboundSpi(),
                    SecurityAssociation.Direction.OUTBOUND, false, manual.peer(), hubNbma),
                SecurityAssociation.create(provider, transform, manual.inboundKey(), manual.inboundSpi(),
                    SecurityAssociation.Direction.INBOUND, false, manual.peer(), hubNbma)));
        }

        int written = 0;
        int refusedTooLong = 0;
        try (PcapWriter out = new PcapWriter(output))
        {
            final UnsafeBuffer buffer = slab.buffer();
            for (final PcapReader.Packet packet : capture.packets())
            {
                clock.update(packet.timestampNs());
                final byte[] bytes = packet.bytes();
                if (bytes.length > slab.slotSize() - FrameSlabDescriptor.HEADROOM - 64 || bytes.length < 20)
                {
                    refusedTooLong++;
                    continue;
                }
                int slot = slab.allocate();
                while (slot < 0)
                {
                    written += run(dataplane, server, clock, slab, out);
                    slot = slab.allocate();
                }
                final int offset = slab.base(slot) + FrameSlabDescriptor.HEADROOM;
                buffer.putBytes(offset, bytes);
                slab.data(slot, offset, bytes.length);
                final int source = buffer.getInt(offset + 12, ByteOrder.BIG_ENDIAN);
                while (!dataplane.rxFor(source).offer(slot))
                {
                    written += run(dataplane, server, clock, slab, out);
                }
            }
            written += run(dataplane, server, clock, slab, out);
        }
        final WorkerCounters t = dataplane.totals();
        final boolean conserved = dataplane.conserved() && t.received() == capture.packets().size() - refusedTooLong;
        console.printf(Locale.ROOT, "dmvpn replay: %d frames read (%d skipped: not IPv4 over Ethernet; %d refused: shorter than an " +
                "IPv4 header or longer than a frame slot), %d received by the hub, %d transmitted (written to %s), %d punted to the " +
                "control plane, %d dropped%n", capture.packets().size() + capture.skipped(), capture.skipped(), refusedTooLong, t.received(),
            t.transmitted(), output, t.punted(), t.dropped());
        for (int reason = 0; reason < DropReasons.COUNT; reason++)
        {
            if (!DropReasons.isOk(reason) && t.drops(reason) > 0)
            {
                console.printf(Locale.ROOT, "  dropped %-28s %d  (%s)%n", DropReasons.name(reason), t.drops(reason),
                    DropReasons.description(reason));
            }
        }
        console.print(server.traffic().render(spec.interfaceName()));
        console.println(conserved ? "dmvpn replay: every frame accounted for" :
            "dmvpn replay: CONSERVATION FAILED: received != transmitted + punted + dropped");
        return conserved && written == t.transmitted();
    }

    /** Runs the hub until idle, writing what it transmits. */
    private static int run(final Dataplane dataplane, final NhrpServer server, final CachedNanoClock clock, final FrameSlab slab,
        final PcapWriter out) throws IOException
    {
        int written = 0;
        final long[] one = new long[1];
        for (int idle = 0; idle < 2; )
        {
            final int work = dataplane.doWork(clock.nanoTime()) + server.doWork();
            for (final SpscLongRing tx : dataplane.txRings())
            {
                while (tx.pollBatch(one, 1) == 1)
                {
                    final int slot = (int)one[0];
                    out.write(clock.nanoTime(), slab.buffer(), slab.offset(slot), slab.length(slot));
                    slab.release(slot);
                    written++;
                }
            }
            idle = work == 0 ? idle + 1 : 0;
        }
        return written;
    }
}
