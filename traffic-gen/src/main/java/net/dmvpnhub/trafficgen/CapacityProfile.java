package net.dmvpnhub.trafficgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * async-profiler in this JVM ({@link CpuProfile}) over the capacity phase's measured rounds only:
 * CPU samples every millisecond with Java and native frames (the crypto library's code shows by name, not charged to
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

    private final CpuProfile profile;
    private final Path directory;

    private CapacityProfile(final CpuProfile profile, final Path directory)
    {
        this.profile = profile;
        this.directory = directory;
    }

    /**
     * @return a profile writing into {@code directory}, or null when async-profiler cannot be
     * loaded here ({@code why} receives the reason).
     */
    static CapacityProfile into(final Path directory, final StringBuilder why)
    {
        final CpuProfile profile = CpuProfile.load(true, why);
        return profile == null ? null : new CapacityProfile(profile, directory);
    }

    /** Starts or resumes sampling, as a round's feeding starts. */
    void resume()
    {
        profile.resume();
    }

    /** Pauses sampling, as a round's feeding ends. */
    void pause()
    {
        profile.pause();
    }

    /**
     * Writes the flame graph, the folded stacks and the report.
     *
     * @return null, or why there is no profile.
     */
    String write(final String command, final String commit, final String scenario) throws IOException
    {
        if (profile.failure() != null)
        {
            return profile.failure();
        }
        final String flat = profile.write(directory.resolve(HTML), directory.resolve(COLLAPSED),
            "dmvpn run: capacity phase; " + scenario);
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
