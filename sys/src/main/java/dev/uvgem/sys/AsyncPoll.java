package dev.uvgem.sys;

import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.Timer;
import dev.uvgem.uapi.Errno;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * A poll with no thread waiting in it ({@link Process#pollAsync}): the model of an io_uring poll request rather
 * than of {@code poll(2)}. It is registered on the polled files' wait queues like a sleeping poller; a wake-up
 * hands one re-poll to the executor, and the re-poll that finds an entry ready (or runs after the timeout) completes
 * it, on the executor's thread. So a signal that makes a dma-buf readable completes the poll on the path that
 * carried the signal, with no thread to wake.
 *
 * <p>It completes exactly once, unless {@link #cancel()} wins: a completion and a cancel race on one
 * compare-and-set, and the loser does nothing. Completed or cancelled, it leaves every wait queue and disarms its
 * timer.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: re-polls are serialised on the poll's monitor (two wake-ups
 * may hand re-polls to different threads); nothing else takes it, and it is never held while the completion runs.
 * {@link #wake()} takes no lock.
 */
public final class AsyncPoll {
    private static final System.Logger LOG = System.getLogger(AsyncPoll.class.getName());

    private final Process process;
    private final PollFd[] pollFds;
    private final Executor repoll;
    private final LongConsumer completion;
    private final PollWaits waits = new PollWaits(this::wake);
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable repollTask = this::repoll;
    private final Timer timer = new Timer() {
        @Override
        protected void expire() {
            timedOut = true;
            schedule();
        }
    };
    private volatile boolean timedOut;

    AsyncPoll(Process process, PollFd[] pollFds, Executor repoll, LongConsumer completion) {
        this.process = process;
        this.pollFds = pollFds;
        this.repoll = repoll;
        this.completion = completion;
    }

    /** Runs the first pass on the calling thread and, if nothing is ready, arms the timeout. */
    void start(int timeoutMs) {
        if (timeoutMs == 0) {
            timedOut = true;
        } else if (timeoutMs > 0) {
            Clock clock = process.kernel().clock();
            clock.arm(timer, Clock.deadlineAfter(clock.nanoTime(), TimeUnit.MILLISECONDS.toNanos(timeoutMs)));
        }
        repoll();
    }

    /**
     * Stops the poll if it has not completed: it leaves the wait queues and its completion will not run.
     *
     * <p>Context: any thread, never blocks. Locking: the timer wheel's lock, briefly.
     *
     * @return true if this call stopped it; false if it had completed or was cancelled already
     */
    public boolean cancel() {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        release();
        return true;
    }

    /** Returns whether the poll has completed or been cancelled. */
    public boolean isDone() {
        return done.get();
    }

    /**
     * A polled file may have changed: hands one re-poll to the executor, unless one is handed over already and
     * has not started. Context: the waking thread, which may hold locks; never blocks, never re-polls here.
     */
    private void wake() {
        if (!done.get()) {
            schedule();
        }
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            repoll.execute(repollTask);
        }
    }

    /** One pass over the entries; completes the poll if one is ready or the timeout has passed. */
    private void repoll() {
        long result;
        synchronized (this) {
            scheduled.set(false); // a wake-up from now on schedules another pass: none is lost
            if (done.get()) {
                return;
            }
            boolean last = timedOut;
            try {
                result = process.pollPass(pollFds, last ? null : waits);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "bug: a poll pass threw", e);
                result = Errno.EIO.negative();
            }
            if (result == 0 && !last) {
                if (done.get()) {
                    release(); // cancelled during the pass, which may have registered again
                }
                return;
            }
        }
        complete(result);
    }

    /** Completes the poll with {@code result}, unless it completed or was cancelled already. */
    void complete(long result) {
        if (done.compareAndSet(false, true)) {
            release();
            completion.accept(result);
        }
    }

    private void release() {
        process.kernel().clock().cancel(timer);
        waits.unregister();
    }
}
