package dev.uvgem.cli;

import dev.uvgem.cli.demo.DemoOptions;
import dev.uvgem.core.time.SystemClock;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of {@code uvgem demo} that shape the renderer's work (frames, threads, hangs, render times, the
 * vgem expiry): a picocli mixin shared by {@code demo} and its hidden renderer process, which gets them back as
 * {@link #args()}.
 *
 * <p>Thread-safety: one command run per instance.
 */
final class DemoWorkload {
    @Option(names = "--frames", defaultValue = "48", description = "Frames to render (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(
            names = "--hang-frame",
            defaultValue = "-1",
            paramLabel = "K",
            description = "Frame K's fence is never signalled: it expires and the display recovers.")
    int hangFrame;

    @Option(
            names = "--gpu-hang-frame",
            defaultValue = "-1",
            paramLabel = "K",
            description = "Frame K's GPU post-processing job hangs and the scheduler recovers it.")
    int gpuHangFrame;

    @Option(names = "--threads", defaultValue = "4", description = "Renderer threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--fence-timeout",
            defaultValue = "1s",
            description = "vgem fence expiry; the kernel's is 10s, the demo's ${DEFAULT-VALUE} so a hang recovers"
                    + " quickly. With --socket the daemon's own --fence-timeout applies: give the same value here"
                    + " (it sets the GPU's hang timeout, half of it, and the report).")
    Duration fenceTimeout;

    @Option(
            names = "--max-render-time",
            defaultValue = "40ms",
            description = "Each frame takes up to this much extra time at random, so frames finish out of order"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration maxRenderTime;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random render times.")
    long seed;

    /**
     * Returns the demo's options on the real clock.
     *
     * @throws ParameterException if they do not fit together
     */
    DemoOptions options(CommandSpec spec) {
        try {
            return DemoOptions.defaults(new SystemClock())
                    .withFrames(frames)
                    .withThreads(threads)
                    .withFenceTimeout(fenceTimeout)
                    .withMaxRenderTime(maxRenderTime)
                    .withHangFrame(hangFrame)
                    .withGpuHangFrame(gpuHangFrame)
                    .withSeed(seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Returns these options as command-line arguments. */
    List<String> args() {
        return List.of(
                "--frames", Integer.toString(frames),
                "--hang-frame", Integer.toString(hangFrame),
                "--gpu-hang-frame", Integer.toString(gpuHangFrame),
                "--threads", Integer.toString(threads),
                "--fence-timeout", fenceTimeout.toNanos() + "ns",
                "--max-render-time", maxRenderTime.toNanos() + "ns",
                "--seed", Long.toString(seed));
    }
}
