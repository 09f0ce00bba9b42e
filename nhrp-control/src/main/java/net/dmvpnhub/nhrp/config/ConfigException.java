package net.dmvpnhub.nhrp.config;

import java.util.List;

/**
 * A configuration that cannot be used: every problem found, each as {@code file:line: reason},
 * in the order of the lines.
 */
public final class ConfigException extends Exception
{
    private final List<String> problems;

    public ConfigException(final List<String> problems)
    {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems()
    {
        return problems;
    }
}
