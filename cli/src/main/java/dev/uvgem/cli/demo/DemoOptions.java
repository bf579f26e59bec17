package dev.uvgem.cli.demo;

import dev.uvgem.core.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one demo run is set up.
 *
 * <p>Thread-safety: immutable.
 *
 * @param clock the kernel clock (the real clock for the demo)
 * @param frames how many frames to render and present
 * @param ring how many vgem buffers the frames cycle through (at least 2)
 * @param threads how many renderer threads draw at once
 * @param fenceTimeout the vgem fence expiry (the demo's default is 1 s, not the kernel's 10 s, so that a hang
 *     recovers quickly)
 * @param maxRenderTime each frame's extra render time is drawn at random up to this, so frames finish out of order
 * @param hangFrame the frame whose fence is never signalled, or -1
 * @param gpuHangFrame the frame whose GPU post-processing job hangs, or -1
 * @param completionOrder if not null, the exact order in which frames finish (a permutation of 0..frames-1; needs
 *     {@code ring == frames}); random otherwise
 * @param seed the seed of the random render times
 */
public record DemoOptions(
        Clock clock,
        int frames,
        int ring,
        int threads,
        Duration fenceTimeout,
        Duration maxRenderTime,
        int hangFrame,
        int gpuHangFrame,
        List<Integer> completionOrder,
        long seed) {
    /** The demo's vgem fence expiry: 1 s, so a hung frame recovers quickly. */
    public static final Duration DEMO_FENCE_TIMEOUT = Duration.ofSeconds(1);

    /** Validates the options. */
    public DemoOptions {
        Objects.requireNonNull(clock, "clock");
        if (frames < 1 || threads < 1 || ring < 2) {
            throw new IllegalArgumentException("--frames and --threads must be at least 1");
        }
        if (hangFrame >= frames || gpuHangFrame >= frames) {
            throw new IllegalArgumentException("the hang frames must be below --frames " + frames);
        }
        if (completionOrder != null) {
            completionOrder = List.copyOf(completionOrder);
            if (ring != frames || !completionOrder.stream().sorted().toList().equals(range(frames))) {
                throw new IllegalArgumentException(
                        "a completion order is a permutation of the frames, with ring == frames");
            }
        }
    }

    /** Returns the defaults of {@code ./uvgem demo} on {@code clock}: 48 frames, 4 buffers, 4 threads. */
    public static DemoOptions defaults(Clock clock) {
        return new DemoOptions(clock, 48, 4, 4, DEMO_FENCE_TIMEOUT, Duration.ofMillis(40), -1, -1, null, 1);
    }

    /** Returns a copy rendering {@code n} frames. */
    public DemoOptions withFrames(int n) {
        return new DemoOptions(
                clock, n, ring, threads, fenceTimeout, maxRenderTime, hangFrame, gpuHangFrame, completionOrder, seed);
    }

    /** Returns a copy whose frame {@code k} hangs on the CPU (-1: none). */
    public DemoOptions withHangFrame(int k) {
        return new DemoOptions(
                clock, frames, ring, threads, fenceTimeout, maxRenderTime, k, gpuHangFrame, completionOrder, seed);
    }

    /** Returns a copy whose frame {@code k} hangs on the GPU (-1: none). */
    public DemoOptions withGpuHangFrame(int k) {
        return new DemoOptions(
                clock, frames, ring, threads, fenceTimeout, maxRenderTime, hangFrame, k, completionOrder, seed);
    }

    /** Returns a copy with the vgem fence expiry {@code t}. */
    public DemoOptions withFenceTimeout(Duration t) {
        return new DemoOptions(
                clock, frames, ring, threads, t, maxRenderTime, hangFrame, gpuHangFrame, completionOrder, seed);
    }

    /** Returns a copy with at most {@code t} of random extra render time per frame. */
    public DemoOptions withMaxRenderTime(Duration t) {
        return new DemoOptions(
                clock, frames, ring, threads, fenceTimeout, t, hangFrame, gpuHangFrame, completionOrder, seed);
    }

    /** Returns a copy with {@code n} renderer threads. */
    public DemoOptions withThreads(int n) {
        return new DemoOptions(
                clock, frames, ring, n, fenceTimeout, maxRenderTime, hangFrame, gpuHangFrame, completionOrder, seed);
    }

    /** Returns a copy whose frames finish exactly in {@code order} (the ring grows to hold every frame). */
    public DemoOptions withCompletionOrder(List<Integer> order) {
        return new DemoOptions(
                clock, frames, frames, threads, fenceTimeout, maxRenderTime, hangFrame, gpuHangFrame, order, seed);
    }

    /** Returns a copy whose random render times come from {@code s}. */
    public DemoOptions withSeed(long s) {
        return new DemoOptions(
                clock, frames, ring, threads, fenceTimeout, maxRenderTime, hangFrame, gpuHangFrame, completionOrder, s);
    }

    private static List<Integer> range(int n) {
        return java.util.stream.IntStream.range(0, n).boxed().toList();
    }
}
