package net.dmvpnhub.trafficgen.scenario;

import net.dmvpnhub.nhrp.config.ConfigException;
import net.dmvpnhub.nhrp.config.RouterConfig;
import net.dmvpnhub.trafficgen.lab.SimulatedNetwork;
import net.dmvpnhub.trafficgen.scenario.ScenarioScript.Step;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link ScenarioScript} against the {@link SimulatedNetwork} its configurations build,
 * printing a console transcript: each step as the router's prompt and command, then what the
 * router printed. Time is simulated, so a script that spans hours runs in moments and prints the
 * same transcript every time.
 */
public final class ScenarioRunner implements AutoCloseable
{
    private final ScenarioScript script;
    private final SimulatedNetwork network;

    private ScenarioRunner(final ScenarioScript script, final SimulatedNetwork network)
    {
        this.script = script;
        this.network = network;
    }

    /**
     * Builds the network and checks, before any step runs, that every show command is one its
     * router has: a script either runs whole or not at all.
     *
     * @throws ConfigException the configurations do not make one DMVPN, or a show command is
     *                         unknown; each problem as {@code file:line: reason}.
     */
    public static ScenarioRunner prepare(final ScenarioScript script) throws ConfigException
    {
        final Map<RouterConfig, Integer> nats = new HashMap<>();
        script.routers().forEach(r -> nats.put(r.config(), r.natNbma()));
        final SimulatedNetwork network = SimulatedNetwork.build(script.routers().stream().map(ScenarioScript.RouterFile::config).toList(), nats);
        final List<String> problems = new ArrayList<>();
        for (final Step step : script.steps())
        {
            if (step.command() instanceof ScenarioScript.Show)
            {
                try
                {
                    network.show(step.router(), step.text());
                }
                catch (final IllegalArgumentException e)
                {
                    problems.add(script.source() + ":" + step.line() + ": " + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty())
        {
            network.close();
            throw new ConfigException(problems);
        }
        return new ScenarioRunner(script, network);
    }

    /**
     * Runs every step at its time and prints the transcript.
     *
     * @return whether every frame in the simulated network is accounted for at the end.
     * @throws ConfigException a step the network refused when its time came (for example an
     *                         address another router holds), as {@code file:line: reason}.
     */
    public boolean run(final PrintStream out) throws ConfigException
    {
        final long startNs = network.nowNs();
        out.println("! scenario " + script.source() + ": " + String.join(", ", network.routerNames()));
        long shownNs = -1;
        for (final Step step : script.steps())
        {
            final long dueNs = startNs + step.atNs();
            if (dueNs > network.nowNs())
            {
                network.advance(dueNs - network.nowNs());
            }
            if (step.atNs() != shownNs)
            {
                out.println();
                out.println("! " + ScenarioParser.clock(step.atNs()));
                shownNs = step.atNs();
            }
            out.println(step.router() + "#" + step.text());
            final String output;
            try
            {
                output = execute(step);
            }
            catch (final IllegalArgumentException e)
            {
                // A step the network refuses as it stands then (an address another router has taken): named by its line.
                throw new ConfigException(List.of(script.source() + ":" + step.line() + ": " + e.getMessage()));
            }
            if (!output.isEmpty())
            {
                out.print(output.endsWith("\n") ? output : output + "\n");
            }
        }
        network.runUntilIdle();
        final boolean conserved = network.conserved();
        out.println();
        out.println("! end at " + ScenarioParser.clock(network.nowNs() - startNs) + ": " + (conserved
            ? "every frame accounted for, no frame slot leaked"
            : "CONSERVATION FAILED: frames do not add up or a frame slot leaked"));
        return conserved;
    }

    private String execute(final Step step)
    {
        final String router = step.router();
        return switch (step.command())
        {
            case ScenarioScript.Show show -> network.show(router, show.command());
            case ScenarioScript.Ping ping -> network.ping(router, ping.destination(), ping.repeat(), ping.sizeBytes());
            case ScenarioScript.Traceroute trace -> network.traceroute(router, trace.destination());
            case ScenarioScript.ChangeNbma nbma ->
            {
                network.changeNbma(router, nbma.nbma());
                yield "";
            }
            case ScenarioScript.Nat nat ->
            {
                network.natAddress(router, nat.postNatNbma());
                yield "";
            }
            case ScenarioScript.Shutdown ignored ->
            {
                network.shutdown(router);
                yield "";
            }
            case ScenarioScript.NoShutdown ignored ->
            {
                network.noShutdown(router);
                yield "";
            }
            case ScenarioScript.EigrpShutdown eigrp ->
            {
                network.eigrpShutdown(router, eigrp.down());
                yield "";
            }
        };
    }

    /** The network the script runs on, for callers that inspect it afterwards. */
    public SimulatedNetwork network()
    {
        return network;
    }

    @Override
    public void close()
    {
        network.close();
    }
}
