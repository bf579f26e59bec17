package dev.uvgem.daemon;

import java.util.concurrent.Executor;

/**
 * Where the work a wake-up hands over (a parked POLL's re-poll) runs: {@link #execute} defers it to the calling
 * event loop, to run once the loop's current handler returns (or, from a thread that is no loop, to run on the
 * session's loop); {@link #runPending()} runs what the current request deferred so far, earlier.
 *
 * <p>Thread-safety: {@link #execute} from any thread; {@link #runPending()} on an event loop thread (elsewhere it
 * does nothing).
 */
interface Wakeups extends Executor {
    /**
     * Runs the work that wake-ups deferred to the calling event loop, now: how a signalling request answers the
     * waiters it woke before its own reply, the latency that matters being the waiter's.
     *
     * <p>Context: the event loop thread, holding no lock (the deferred work takes the locks of other
     * connections' sessions and sockets).
     */
    void runPending();
}
