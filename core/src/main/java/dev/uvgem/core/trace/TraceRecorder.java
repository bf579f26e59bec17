package dev.uvgem.core.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * A sink that keeps every event in memory, in arrival order, and attaches itself while open: the simplest ftrace
 * buffer, for the demo and for tests.
 *
 * <pre>{@code
 * try (TraceRecorder rec = TraceRecorder.start()) {
 *     ... run ...
 *     ChromeTrace.write(rec.events(), out);
 * }
 * }</pre>
 *
 * <p>Thread-safety: safe for concurrent use. Locking: {@link #emit} and {@link #events} take the recorder's monitor
 * briefly.
 */
public final class TraceRecorder implements TraceSink, AutoCloseable {
    private final List<TraceEvent> events = new ArrayList<>();

    private TraceRecorder() {}

    /** Creates a recorder and attaches it (detaching any other sink). Context: any thread. */
    public static TraceRecorder start() {
        TraceRecorder r = new TraceRecorder();
        Tracepoints.attach(r);
        return r;
    }

    @Override
    public synchronized void emit(TraceEvent event) {
        events.add(event);
    }

    /** Returns a copy of the events recorded so far. Locking: takes the recorder's monitor. */
    public synchronized List<TraceEvent> events() {
        return List.copyOf(events);
    }

    /** Detaches the recorder; the events stay readable. */
    @Override
    public void close() {
        Tracepoints.detach(this);
    }
}
