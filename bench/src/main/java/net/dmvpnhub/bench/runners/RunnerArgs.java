package net.dmvpnhub.bench.runners;

import java.util.Arrays;
import java.util.function.Function;

/** The command line of a runner ({@code ./dmvpn storm}, {@code ./dmvpn ratio}): help, or options, or one line that says what is wrong. */
final class RunnerArgs
{
    private RunnerArgs()
    {
    }

    /** One option applied to the options so far. */
    @FunctionalInterface
    interface Option<T>
    {
        /** @throws IllegalArgumentException (or NumberFormatException) for an unknown option or a bad value. */
        T apply(T options, String name, String value);
    }

    /**
     * Applies {@code --name value} pairs in order, starting from {@code defaults}.
     *
     * @throws IllegalArgumentException with one sentence: a name without a value, an unknown
     * name, or a value that is not a whole number where one is needed.
     */
    static <T> T fold(final String[] args, final T defaults, final Option<T> option)
    {
        T options = defaults;
        for (int i = 0; i < args.length; i += 2)
        {
            final String name = args[i];
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException(name + " needs a value");
            }
            final String value = args[i + 1];
            try
            {
                options = option.apply(options, name, value);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(name + " needs a whole number, not '" + value + "'");
            }
        }
        return options;
    }

    /**
     * @return the parsed options, or null after printing {@code usage} for {@code -h}/{@code --help};
     * a bad option prints "dmvpn COMMAND: reason" and exits with status 2.
     */
    static <T> T parseOrExit(final String[] args, final String command, final String usage, final Function<String[], T> parse)
    {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h"))
        {
            System.out.print(usage);
            return null;
        }
        try
        {
            return parse.apply(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("dmvpn " + command + ": " + ex.getMessage());
            System.exit(2);
            return null;
        }
    }
}
