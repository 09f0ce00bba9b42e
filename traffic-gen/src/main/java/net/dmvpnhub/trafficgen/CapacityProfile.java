package net.dmvpnhub.trafficgen;

import one.profiler.AsyncProfiler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * async-profiler in this JVM over the capacity phase's measured rounds only: CPU samples every
 * millisecond with Java and native frames (the crypto library's code shows by name, not charged to
 * the Java frame that called it), one flame graph root per thread. Sampling resumes as a round's
 * feeding starts and pauses when it ends, so the rounds' building and the crypto floor, done
 * between rounds on the main thread, are left out.
 * <p>
 * Writes {@code profile-capacity.html} (the interactive flame graph), {@code
 * profile-capacity.collapsed} (folded stacks) and {@code profile-capacity.md} (the command and the
 * flat profile of the hottest frames) into the run's folder.
 */
final class CapacityProfile
{
    static final String HTML = "profile-capacity.html";
    static final String COLLAPSED = "profile-capacity.collapsed";
    static final String REPORT = "profile-capacity.md";
    private static final String EVENT = "event=cpu,interval=1ms,threads";

    private final AsyncProfiler profiler;
    private final Path directory;
    private boolean started;
    private String failure;

    private CapacityProfile(final AsyncProfiler profiler, final Path directory)
    {
        this.profiler = profiler;
        this.directory = directory;
    }

    /**
     * @return a profile writing into {@code directory}, or null when async-profiler cannot be
     * loaded here ({@code why} receives the reason).
     */
    static CapacityProfile into(final Path directory, final StringBuilder why)
    {
        try
        {
            return new CapacityProfile(AsyncProfiler.getInstance(), directory);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            why.append("async-profiler could not be loaded: ").append(ex.getMessage());
            return null;
        }
    }

    /** Starts or resumes sampling; a failure is kept for the report and sampling stays off. */
    void resume()
    {
        if (failure != null)
        {
            return;
        }
        try
        {
            profiler.execute((started ? "resume," : "start,") + EVENT);
            started = true;
        }
        catch (final IOException | RuntimeException ex)
        {
            failure = "async-profiler did not start: " + ex.getMessage();
        }
    }

    void pause()
    {
        if (started && failure == null)
        {
            try
            {
                profiler.execute("stop");
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = "async-profiler did not stop: " + ex.getMessage();
            }
        }
    }

    /**
     * Writes the flame graph, the folded stacks and the report.
     *
     * @return null, or why there is no profile.
     */
    String write(final String command, final String commit, final String scenario) throws IOException
    {
        if (failure != null || !started)
        {
            return failure != null ? failure : "no measured round ran";
        }
        final String title = "dmvpn run: capacity phase; " + scenario;
        profiler.execute("flamegraph,title=" + title.replace(',', ';') + ",file=" + directory.resolve(HTML).toAbsolutePath());
        profiler.execute("collapsed,file=" + directory.resolve(COLLAPSED).toAbsolutePath());
        final String flat = profiler.execute("flat=30,traces=0");
        final StringBuilder out = new StringBuilder();
        out.append("# Profile of the capacity phase\n\n")
            .append("Written by the run itself (`CapacityProfile`) from async-profiler's own output: CPU samples every 1 ms over the ")
            .append("capacity phase's measured rounds only, Java and native frames, one root per thread (the hub's workers, the ")
            .append("feeder standing in for the NIC, the NHRP server); no figure typed in. Flame graph: [").append(HTML).append("](")
            .append(HTML).append("); folded stacks: `").append(COLLAPSED).append("`.\n\n```\n").append(command).append("\n```\n\n")
            .append("at commit ").append(commit).append(". Scenario: ").append(scenario).append(".\n\n")
            .append(String.format(Locale.ROOT, "## Flat profile (self samples per frame, all threads)%n%n```%n%s```%n", flat));
        Files.writeString(directory.resolve(REPORT), out.toString());
        return null;
    }
}
