package net.dmvpnhub.trafficgen.scenario;

import net.dmvpnhub.nhrp.config.RouterConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * A scenario as {@link ScenarioParser} read it: the routers' configuration files and the timed
 * steps to run against the simulated network they build. Immutable, and checked whole: a script
 * with a bad line never starts.
 *
 * @param source  the script's file name, for messages.
 * @param routers the configurations, in the order of their {@code router} lines.
 * @param steps   the steps, in the order they run (never earlier than the step before).
 */
public record ScenarioScript(String source, List<RouterFile> routers, List<Step> steps)
{
    /**
     * A {@code router} line.
     *
     * @param path    the configuration file, resolved against the script's folder.
     * @param config  what it configures.
     * @param line    the script line that names it.
     * @param natNbma the address a one-to-one NAT in front of the router gives its packets from
     *                the start ({@code router FILE nat ADDRESS}), or 0 for none.
     */
    public record RouterFile(Path path, RouterConfig config, int line, int natNbma)
    {
    }

    /**
     * @param line    the script line.
     * @param atNs    simulated time of the step, nanoseconds after the network came up.
     * @param router  hostname of the router the command runs on.
     * @param command what to do there.
     * @param text    the command as the script wrote it, for the transcript.
     */
    public record Step(int line, long atNs, String router, Command command, String text)
    {
    }

    /** What a step does on its router. */
    public sealed interface Command
    {
    }

    /** {@code show ...}: the rest of the line is handed to the router's show commands as it is. */
    public record Show(String command) implements Command
    {
    }

    /** {@code ping ADDRESS [repeat N] [size BYTES]}, IOS's defaults 5 and 100. */
    public record Ping(int destination, int repeat, int sizeBytes) implements Command
    {
    }

    /** {@code traceroute ADDRESS}. */
    public record Traceroute(int destination) implements Command
    {
    }

    /** {@code nbma ADDRESS}: the router's underlay address changes (a spoke on a dynamic IP). */
    public record ChangeNbma(int nbma) implements Command
    {
    }

    /**
     * {@code nat ADDRESS}: a one-to-one NAT in front of the router now gives its packets ADDRESS
     * as their source; {@code no nat} takes it away (address 0).
     */
    public record Nat(int postNatNbma) implements Command
    {
    }

    /** {@code shutdown}: the router's tunnel goes down; it falls silent and its entries age out. */
    public record Shutdown() implements Command
    {
    }

    /** {@code no shutdown}: the tunnel comes back and the router registers again. */
    public record NoShutdown() implements Command
    {
    }

    /**
     * {@code eigrp shutdown} ({@code down}) or {@code no eigrp shutdown}: a spoke's EIGRP process
     * stops, saying goodbye to its neighbour, or starts again from nothing (IOS's {@code shutdown}
     * under {@code router eigrp}).
     */
    public record EigrpShutdown(boolean down) implements Command
    {
    }
}
