package dev.uvgem.core.trace;

import java.util.Map;

/**
 * The switch of every tracepoint in the JVM: at most one {@link TraceSink} is attached at a time, as ftrace has one
 * ring buffer. While none is, every tracepoint is a single volatile read that finds null; emitters build their
 * event only after that check, so tracing off allocates nothing.
 *
 * <pre>{@code
 * TraceSink trace = Tracepoints.sink();
 * if (trace != null) {
 *     trace.emit(new TraceEvent.FenceSignaled(ts, ref, error));
 * }
 * }</pre>
 *
 * <p>Thread-safety: safe for concurrent use; attaching and detaching are volatile writes, and an event that raced a
 * detach may still reach the old sink.
 */
public final class Tracepoints {
    private static volatile TraceSink sink;

    private Tracepoints() {}

    /** Returns the attached sink, or null while tracing is off. Context: any thread; one volatile read. */
    public static TraceSink sink() {
        return sink;
    }

    /**
     * Attaches {@code newSink}, replacing any other.
     *
     * <p>Context: any thread. Locking: none.
     */
    public static void attach(TraceSink newSink) {
        sink = newSink;
    }

    /**
     * Detaches {@code oldSink} if it is the one attached (a sink detaches only itself).
     *
     * <p>Context: any thread. Locking: takes the class monitor briefly.
     */
    public static synchronized void detach(TraceSink oldSink) {
        if (sink == oldSink) {
            sink = null;
        }
    }

    /**
     * Emits an instant on {@code track} if tracing is on: the short form for drivers.
     *
     * <p>Context: any thread, never blocks (the sink's own brief locking aside).
     */
    public static void instant(long timestamp, Track track, String name, Map<String, String> args) {
        TraceSink s = sink;
        if (s != null) {
            s.emit(new TraceEvent.Instant(timestamp, track, name, args));
        }
    }

    /**
     * Emits a slice on {@code track} if tracing is on.
     *
     * <p>Context: any thread, never blocks (the sink's own brief locking aside).
     */
    public static void slice(long start, long end, Track track, String name, Map<String, String> args) {
        TraceSink s = sink;
        if (s != null) {
            s.emit(new TraceEvent.Slice(start, end, track, name, args));
        }
    }
}
