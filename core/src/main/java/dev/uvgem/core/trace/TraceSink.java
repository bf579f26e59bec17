package dev.uvgem.core.trace;

/**
 * Where enabled tracepoints deliver their events (the model of the ftrace ring buffer).
 *
 * <p>Thread-safety: implementations must accept events from any number of threads at once.
 */
public interface TraceSink {
    /**
     * Takes one event.
     *
     * <p>Context: any thread, including fence signalling and timer context, sometimes under a fence lock: must
     * not block for long, wait on fences or call back into the emitter.
     */
    void emit(TraceEvent event);
}
