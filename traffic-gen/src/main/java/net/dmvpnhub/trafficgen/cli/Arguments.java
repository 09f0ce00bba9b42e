package net.dmvpnhub.trafficgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every Java subcommand's command line ({@code ./dmvpn run}, {@code ratio}, {@code scaling},
 * {@code latency}, {@code storm}, {@code replay}, {@code scenario}), read the same way: picocli
 * takes the arguments apart against the command's options ({@code --name value} or
 * {@code --name=value}, flags without a value, positional parameters where a command has them),
 * and every mistake is one sentence in one style, which the command prints after
 * {@code dmvpn COMMAND: } before it exits with status 2:
 * <ul>
 *   <li>{@code unknown option --colour; the options are --spokes, --seed (see --help)}</li>
 *   <li>{@code unexpected argument 'spokes': options start with --, see --help}</li>
 *   <li>{@code --seed needs a value, see --help}</li>
 *   <li>{@code --spokes must be a whole number from 1 to 100000, not 'many'}</li>
 *   <li>{@code --mode must be rtc or pipelined, not 'fast'}</li>
 * </ul>
 * Exit statuses, for every subcommand: 0 success (and {@code --help}), 1 the run found a failure
 * (a check of conservation, a goal's verdict where the command says so), 2 a bad command line or
 * input file.
 */
public final class Arguments
{
    /** Thrown for a bad command line; its message is the one sentence to print. */
    public static final class UsageException extends IllegalArgumentException
    {
        public UsageException(final String message)
        {
            super(message);
        }
    }

    private final ParseResult result;

    private Arguments(final ParseResult result)
    {
        this.result = result;
    }

    /**
     * Reads {@code args} against the options that take a value ({@code valued}), the flags
     * ({@code flags}) and up to {@code positionals} positional parameters.
     *
     * @return the arguments, or null when {@code --help} or {@code -h} was asked for.
     * @throws UsageException for an unknown option, a missing value or a stray argument.
     */
    public static Arguments read(
        final List<String> args, final Collection<String> valued, final Collection<String> flags, final int positionals)
    {
        final CommandSpec spec = CommandSpec.create();
        spec.addOption(OptionSpec.builder("--help", "-h").usageHelp(true).build());
        for (final String name : valued)
        {
            spec.addOption(OptionSpec.builder(name).arity("1").type(String.class).build());
        }
        for (final String name : flags)
        {
            spec.addOption(OptionSpec.builder(name).arity("0").type(boolean.class).build());
        }
        if (positionals > 0)
        {
            spec.addPositional(CommandLine.Model.PositionalParamSpec.builder().index("0.." + (positionals - 1)).arity("0.." + positionals)
                .type(String[].class).build());
        }
        final CommandLine commandLine = new CommandLine(spec);
        commandLine.setOverwrittenOptionsAllowed(true);
        commandLine.setPosixClusteredShortOptionsAllowed(false);
        commandLine.setEndOfOptionsDelimiter("--");
        final ParseResult result;
        try
        {
            result = commandLine.parseArgs(args.toArray(String[]::new));
        }
        catch (final CommandLine.UnmatchedArgumentException ex)
        {
            final String first = ex.getUnmatched().get(0);
            if (first.startsWith("-"))
            {
                final List<String> known = new ArrayList<>(valued);
                known.addAll(flags);
                throw new UsageException("unknown option " + first + (known.isEmpty() ? "; this command takes none" :
                    "; the options are " + String.join(", ", known)) + " (see --help)");
            }
            throw new UsageException("unexpected argument '" + first + "': options start with --" +
                (positionals > 0 ? " (at most " + positionals + " other arguments)" : "") + ", see --help");
        }
        catch (final CommandLine.MissingParameterException ex)
        {
            throw new UsageException(missingName(ex) + " needs a value, see --help");
        }
        catch (final CommandLine.ParameterException ex)
        {
            throw new UsageException(ex.getMessage() + ", see --help");
        }
        return result.isUsageHelpRequested() ? null : new Arguments(result);
    }

    private static String missingName(final CommandLine.MissingParameterException ex)
    {
        return ex.getMissing().isEmpty() || !(ex.getMissing().get(0) instanceof OptionSpec option) ? "an option" : option.longestName();
    }

    /** @return whether the option was given (a flag, or a valued option with its value). */
    public boolean has(final String name)
    {
        return result.hasMatchedOption(name);
    }

    /** @return the option's value (the last one given), or {@code otherwise} when it was not given. */
    public String text(final String name, final String otherwise)
    {
        return result.matchedOptionValue(name, otherwise);
    }

    /** @return the positional parameters, in order. */
    public List<String> positionals()
    {
        return result.matchedPositionals().isEmpty() ? List.of() : List.of(result.matchedPositionals().get(0).<String[]>getValue());
    }

    /** @return the option's value as a whole number from {@code min} to {@code max} ({@code _} between digits allowed). */
    public long whole(final String name, final long otherwise, final long min, final long max)
    {
        return has(name) ? whole(name, text(name, null), min, max) : otherwise;
    }

    /** @return the option's value as a whole number from {@code min} to {@code max}. */
    public int whole(final String name, final int otherwise, final int min, final int max)
    {
        return has(name) ? (int)whole(name, text(name, null), min, max) : otherwise;
    }

    /** @return the option's value as a number from {@code min} to {@code max}. */
    public double decimal(final String name, final double otherwise, final double min, final double max)
    {
        return has(name) ? decimal(name, text(name, null), min, max) : otherwise;
    }

    /** @return the value {@code choices} maps the option's value to (choices in the order to name them). */
    public <T> T choice(final String name, final T otherwise, final Map<String, T> choices)
    {
        return has(name) ? choice(name, text(name, null), choices) : otherwise;
    }

    /** {@code value} as a whole number from {@code min} to {@code max}, for {@code name}. */
    public static long whole(final String name, final String value, final long min, final long max)
    {
        try
        {
            final long n = Long.parseLong(value.replace("_", ""));
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // told below
        }
        throw new UsageException(name + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
    }

    /** {@code value} as a number from {@code min} to {@code max}, for {@code name}. */
    public static double decimal(final String name, final String value, final double min, final double max)
    {
        try
        {
            final double d = Double.parseDouble(value);
            if (d >= min && d <= max)
            {
                return d;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // told below
        }
        throw new UsageException(String.format(Locale.ROOT, "%s must be a number from %s to %s, not '%s'", name, min, max, value));
    }

    /** {@code value} as one of {@code choices}, for {@code name}. */
    public static <T> T choice(final String name, final String value, final Map<String, T> choices)
    {
        final T chosen = choices.get(value);
        if (chosen == null)
        {
            throw new UsageException(name + " must be " + names(choices.keySet()) + ", not '" + value + "'");
        }
        return chosen;
    }

    /**
     * @param namesAndValues a name, its value, the next name, its value...: the choices of an
     * option in the order a message names them.
     */
    @SuppressWarnings("unchecked")
    public static <T> Map<String, T> choices(final Object... namesAndValues)
    {
        final Map<String, T> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2)
        {
            map.put((String)namesAndValues[i], (T)namesAndValues[i + 1]);
        }
        return map;
    }

    /** "a, b or c". */
    public static String names(final Collection<String> names)
    {
        final List<String> list = List.copyOf(names);
        return list.size() == 1 ? list.get(0) :
            String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.get(list.size() - 1);
    }

    /**
     * A command's {@code main}: the options {@code parse} reads from {@code args}, or null after
     * printing {@code usage} for {@code --help}; a bad command line prints
     * {@code dmvpn COMMAND: sentence} and exits with status 2.
     */
    public static <T> T parseOrExit(final String command, final String usage, final String[] args, final Parser<T> parse)
    {
        try
        {
            final T options = parse.parse(List.of(args));
            if (options == null)
            {
                System.out.print(usage.endsWith("\n") ? usage : usage + "\n");
            }
            return options;
        }
        catch (final UsageException ex)
        {
            System.err.println("dmvpn " + command + ": " + ex.getMessage());
            System.exit(2);
            return null;
        }
    }

    /** Reads a command's options; null for {@code --help}. */
    @FunctionalInterface
    public interface Parser<T>
    {
        T parse(List<String> args);
    }
}
