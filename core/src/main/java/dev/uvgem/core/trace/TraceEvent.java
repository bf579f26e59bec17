package dev.uvgem.core.trace;

import java.util.Map;

/**
 * One trace event. Timestamps are nanoseconds of the kernel clock of whoever emitted the event.
 *
 * <p>Thread-safety: every event is an immutable record (argument maps are copied).
 */
public sealed interface TraceEvent {
    /** Returns when the event happened (for a slice: when it began). */
    long timestamp();

    /** A fence was initialised, as {@code dma_fence_init}. */
    record FenceInit(long timestamp, FenceRef fence) implements TraceEvent {}

    /** Signalling was enabled on a fence (the first callback or wait), as {@code dma_fence_enable_signal}. */
    record FenceEnableSignal(long timestamp, FenceRef fence) implements TraceEvent {}

    /** A fence signalled, with its error (0 or a negative errno), as {@code dma_fence_signaled}. */
    record FenceSignaled(long timestamp, FenceRef fence, int error) implements TraceEvent {}

    /** {@code waiter} started to wait for a fence, as {@code dma_fence_wait_start}. */
    record FenceWaitStart(long timestamp, FenceRef fence, Track waiter) implements TraceEvent {}

    /**
     * {@code waiter} stopped waiting for a fence, as {@code dma_fence_wait_end}.
     *
     * @param result what the wait returned: time left (positive) if signalled, 0 on timeout, a negative errno
     */
    record FenceWaitEnd(long timestamp, FenceRef fence, Track waiter, long result) implements TraceEvent {}

    /**
     * A driver's point event (a vblank, a watchdog report) on {@code track}.
     *
     * @param args extra fields shown with the event
     */
    record Instant(long timestamp, Track track, String name, Map<String, String> args) implements TraceEvent {
        /** Copies the arguments. */
        public Instant {
            args = Map.copyOf(args);
        }
    }

    /**
     * A driver's span of work (a GPU job running, a flip pending) on {@code track}, from {@code timestamp} to
     * {@code end}.
     *
     * @param args extra fields shown with the slice
     */
    record Slice(long timestamp, long end, Track track, String name, Map<String, String> args) implements TraceEvent {
        /** Checks the span and copies the arguments. */
        public Slice {
            if (end < timestamp) {
                throw new IllegalArgumentException("slice ends before it starts: " + timestamp + " > " + end);
            }
            args = Map.copyOf(args);
        }
    }
}
