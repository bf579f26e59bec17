package dev.uvgem.core.trace;

import java.util.Objects;

/**
 * A row of the trace: a {@code group} (shown as a process in the Perfetto UI: "display", "gpu", "fences: vgem",
 * "tasks") and a {@code name} inside it (a thread-like track: "crtc-0", "gpu ctx 1", a timeline, a waiting
 * thread).
 *
 * <p>Thread-safety: immutable.
 *
 * @param group the group the track belongs to
 * @param name the track's name inside the group
 */
public record Track(String group, String name) {
    /** The group of the tracks of waiting threads. */
    public static final String TASKS = "tasks";

    /** Validates the names. */
    public Track {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
    }

    /**
     * Returns the track of a fence timeline: one per context, in the group of its driver ({@code "fences: vgem"}),
     * named after the timeline and the context. Every fence of the context lands on it.
     */
    public static Track timeline(long context, String driver, String timeline) {
        return new Track(
                "fences: " + (driver == null ? "?" : driver),
                (timeline == null ? "?" : timeline) + " (ctx " + Long.toUnsignedString(context) + ")");
    }

    /**
     * Returns the one track of every fence of a driver whose fences each get a context of their own (vgem's
     * "unbound" fences, {@code dma_fence_array}s): in the group of its driver, named after the timeline alone, so
     * that a person reads one row per timeline name rather than one per fence.
     */
    public static Track sharedTimeline(String driver, String timeline) {
        return new Track("fences: " + (driver == null ? "?" : driver), timeline == null ? "?" : timeline);
    }

    /** Returns the track of the calling thread, for waits it makes. Context: any thread. */
    public static Track currentThread() {
        Thread t = Thread.currentThread();
        String name = t.getName().isEmpty() ? "thread" : t.getName();
        return new Track(TASKS, name + " [" + t.threadId() + "]");
    }
}
