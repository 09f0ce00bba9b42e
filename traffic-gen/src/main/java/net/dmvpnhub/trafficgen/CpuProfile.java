package net.dmvpnhub.trafficgen;

import one.profiler.AsyncProfiler;

import java.io.IOException;
import java.nio.file.Path;

/**
 * async-profiler in this JVM, CPU samples every millisecond with Java and native frames (time in
 * a native library shows as the library's own functions, under the Java frame that called it).
 * Sampling can be resumed and paused around the stretches worth profiling; what was sampled is
 * written as an interactive flame graph, folded stacks and a flat profile. A failure to start or
 * stop is kept ({@link #failure}) rather than thrown, so the work being profiled goes on.
 */
public final class CpuProfile
{
    private final AsyncProfiler profiler;
    private final String event;
    private boolean started;
    private String failure;

    private CpuProfile(final AsyncProfiler profiler, final boolean perThread)
    {
        this.profiler = profiler;
        this.event = "event=cpu,interval=1ms" + (perThread ? ",threads" : "");
    }

    /**
     * @param perThread one flame graph root per thread.
     * @return the profiler, or null when async-profiler cannot be loaded here ({@code why} receives the reason).
     */
    public static CpuProfile load(final boolean perThread, final StringBuilder why)
    {
        try
        {
            return new CpuProfile(AsyncProfiler.getInstance(), perThread);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            why.append("async-profiler could not be loaded: ").append(ex.getMessage());
            return null;
        }
    }

    /** Starts sampling, or resumes it into the same profile. */
    public void resume()
    {
        if (failure != null)
        {
            return;
        }
        try
        {
            profiler.execute((started ? "resume," : "start,") + event);
            started = true;
        }
        catch (final IOException | RuntimeException ex)
        {
            failure = "async-profiler did not start: " + ex.getMessage();
        }
    }

    public void pause()
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

    /** @return null, or why there is no profile (sampling failed, or never ran). */
    public String failure()
    {
        return failure != null ? failure : started ? null : "nothing was sampled";
    }

    /**
     * Writes the flame graph ({@code html}, one file that opens offline) and the folded stacks.
     *
     * @return the flat profile: the 30 frames with the most self samples.
     */
    public String write(final Path html, final Path collapsed, final String title) throws IOException
    {
        profiler.execute("flamegraph,title=" + title.replace(',', ';') + ",file=" + html.toAbsolutePath());
        profiler.execute("collapsed,file=" + collapsed.toAbsolutePath());
        return profiler.execute("flat=30,traces=0");
    }
}
