package net.dmvpnhub.trafficgen.scenario;

import net.dmvpnhub.trafficgen.cli.Arguments;

import net.dmvpnhub.nhrp.config.ConfigException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./dmvpn scenario SCRIPT [--out FILE]}: runs a scenario script (see {@link ScenarioParser})
 * and prints its transcript, also to FILE when given. Exit status 0 when it ran and every frame
 * is accounted for, 1 when conservation failed, 2 for a bad command line or script.
 */
public final class ScenarioMain
{
    private static final String USAGE = "usage: ./dmvpn scenario SCRIPT [--out FILE]";

    private ScenarioMain()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        System.exit(run(args, System.out, System.err));
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws IOException
    {
        final Arguments arguments;
        try
        {
            arguments = Arguments.read(List.of(args), List.of("--out"), List.of(), 2);
        }
        catch (final Arguments.UsageException e)
        {
            err.println("dmvpn scenario: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        if (arguments == null)
        {
            out.println(USAGE);
            return 0;
        }
        final List<String> scripts = arguments.positionals();
        if (scripts.isEmpty())
        {
            err.println("dmvpn scenario: which script? (examples/*.scn are runnable examples)\n" + USAGE);
            return 2;
        }
        if (scripts.size() > 1)
        {
            err.println("dmvpn scenario: one script at a time ('" + scripts.get(1) + "' is a second)\n" + USAGE);
            return 2;
        }
        final Path script = Path.of(scripts.get(0));
        final Path transcript = arguments.has("--out") ? Path.of(arguments.text("--out", null)) : null;
        final ScenarioScript parsed;
        try
        {
            parsed = ScenarioParser.parse(script);
        }
        catch (final NoSuchFileException e)
        {
            err.println("dmvpn scenario: no such script: " + script);
            return 2;
        }
        catch (final ConfigException e)
        {
            e.problems().forEach(err::println);
            return 2;
        }
        final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        final boolean conserved;
        try (ScenarioRunner runner = ScenarioRunner.prepare(parsed))
        {
            conserved = runner.run(new PrintStream(new Tee(out, copy), true, StandardCharsets.UTF_8));
        }
        catch (final ConfigException e)
        {
            e.problems().forEach(err::println);
            return 2;
        }
        if (transcript != null)
        {
            try
            {
                Files.write(transcript, copy.toByteArray());
            }
            catch (final IOException e)
            {
                err.println("dmvpn scenario: cannot write the transcript to " + transcript + ": " + e);
                return 2;
            }
        }
        return conserved ? 0 : 1;
    }

    /** Writes to the console and to the copy kept for --out. */
    private static final class Tee extends OutputStream
    {
        private final OutputStream first;
        private final OutputStream second;

        Tee(final OutputStream first, final OutputStream second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(final int b) throws IOException
        {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException
        {
            first.flush();
            second.flush();
        }
    }
}
