package net.dmvpnhub.bench.jmh;

import org.openjdk.jmh.Main;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.ProfilersFailedException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The benchmarks jar's entry point: JMH's command line, with the project's JVM flags
 * ({@code jvm.properties} at the repository root, packed into this jar) put in front of every
 * fork's own, so that {@code java -jar benchmarks.jar} runs each benchmark as the launcher, the
 * tests and the runners run their JVMs. A benchmark's {@code @Fork} adds only what is its own
 * (its heap size). {@code -jvmArgsPrepend} given on the command line comes after these flags.
 * Listing and help ({@code -l}, {@code -lp}, {@code -lprofs}, {@code -h}) are JMH's own.
 */
public final class BenchmarkMain
{
    private BenchmarkMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final List<String> asked = Arrays.asList(args);
        if (asked.contains("-h") || asked.contains("-l") || asked.contains("-lp") || asked.contains("-lprofs") || asked.contains("-lrf"))
        {
            Main.main(args);
            return;
        }
        final CommandLineOptions command;
        try
        {
            command = new CommandLineOptions(args);
        }
        catch (final CommandLineOptionException ex)
        {
            System.err.println("Error parsing command line:");
            System.err.println(" " + ex.getMessage());
            System.exit(1);
            return;
        }
        final List<String> prepend = new ArrayList<>(jvmFlags());
        if (command.getJvmArgsPrepend().hasValue())
        {
            prepend.addAll(command.getJvmArgsPrepend().get());
        }
        final Options options = new OptionsBuilder().parent(command).jvmArgsPrepend(prepend.toArray(String[]::new)).build();
        try
        {
            new Runner(options).run();
        }
        catch (final NoBenchmarksException ex)
        {
            System.err.println("No benchmark matches " + command.getIncludes() + " (./dmvpn bench -l lists them)");
            System.exit(1);
        }
        catch (final ProfilersFailedException ex)
        {
            // The profiler's own explanation (its options, or why it cannot run here) is in the messages.
            for (Throwable cause = ex; cause != null; cause = cause.getCause())
            {
                System.err.println(cause.getMessage());
                for (final Throwable suppressed : cause.getSuppressed())
                {
                    System.err.println(suppressed.getMessage());
                }
            }
            System.exit(1);
        }
        catch (final RunnerException ex)
        {
            System.err.print("ERROR: ");
            ex.printStackTrace(System.err);
            System.exit(1);
        }
    }

    /** {@code dmvpn.jvm.args} then {@code dmvpn.bench.jvm.args} from the packed {@code jvm.properties}. */
    static List<String> jvmFlags()
    {
        final Properties properties = new Properties();
        try (InputStream in = BenchmarkMain.class.getResourceAsStream("/jvm.properties"))
        {
            if (in == null)
            {
                throw new IllegalStateException("jvm.properties is not in the benchmarks jar: build it with Maven from the repository root");
            }
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final List<String> flags = new ArrayList<>();
        for (final String key : List.of("dmvpn.jvm.args", "dmvpn.bench.jvm.args"))
        {
            final String value = properties.getProperty(key);
            if (value == null || value.isBlank())
            {
                throw new IllegalStateException("jvm.properties lacks " + key);
            }
            flags.addAll(Arrays.asList(value.trim().split("\\s+")));
        }
        return flags;
    }
}
