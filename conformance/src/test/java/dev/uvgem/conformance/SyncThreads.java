package dev.uvgem.conformance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pthreads (and forked children) of a sync test, with the guarantees a JUnit suite needs and C tests leave
 * to the harness's kill: a failure in any thread fails the test with that thread's assertion, a failing or stuck
 * thread never leaves the others (or the main thread) blocked forever, and nothing outlives the test.
 *
 * <p>Usage: {@link #start} the workers, then {@link #runMain} the main thread's part (the producer, the parent),
 * which afterwards joins every worker within the deadline. When a worker fails, every other worker and the main
 * thread are interrupted: uvgem's blocking calls then end with EINTR, which the helpers turn into a cancellation,
 * and the worker's failure is what the test reports.
 *
 * <p>Thread-safety: {@link #start} and {@link #runMain} are for the test thread; failures are recorded from any.
 */
final class SyncThreads implements AutoCloseable {
    /** A thread body that may throw anything (assertions, checked exceptions). */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private final String name;
    private final Duration deadline;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>(); // guarded by this
    private final List<Throwable> cancelled = new ArrayList<>(); // guarded by this: failures after stop()
    private boolean stopping; // guarded by this
    private Thread owner; // guarded by this: the thread inside runMain, to interrupt on a worker's failure

    /**
     * @param name prefix of the thread names
     * @param deadline how long {@link #runMain} waits for the workers after the main part before failing
     */
    SyncThreads(String name, Duration deadline) {
        this.name = name;
        this.deadline = deadline;
    }

    /** Starts a worker running {@code body}; a throw fails the test and cancels everyone else. */
    void start(String threadName, Body body) {
        Thread t = Thread.ofPlatform().name(name + "-" + threadName).unstarted(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                fail(e);
            }
        });
        threads.add(t);
        t.start();
    }

    /** Returns whether any worker has failed so far. */
    synchronized boolean failed() {
        return !failures.isEmpty();
    }

    private void fail(Throwable e) {
        Thread toInterrupt;
        synchronized (this) {
            if (stopping) {
                cancelled.add(e);
                return;
            }
            failures.add(e);
            if (failures.size() > 1) {
                return;
            }
            toInterrupt = owner;
        }
        for (Thread t : threads) {
            if (t != Thread.currentThread()) {
                t.interrupt();
            }
        }
        if (toInterrupt != null) {
            toInterrupt.interrupt();
        }
    }

    /**
     * Runs the main thread's part, then joins every worker. Throws the first worker failure if there was one
     * (the main thread's own throw, often just the cancellation, suppressed in it), else the main part's throw.
     *
     * @throws AssertionError if the workers do not finish within the deadline (they are interrupted first)
     */
    void runMain(Body main) throws Exception {
        synchronized (this) {
            owner = Thread.currentThread();
        }
        Throwable mainFailure = null;
        try {
            main.run();
            joinAll();
        } catch (Throwable e) {
            mainFailure = e;
        } finally {
            synchronized (this) {
                owner = null;
            }
            Thread.interrupted(); // a worker's cancellation must not leak into the next test
        }
        if (mainFailure != null) {
            stop();
        }
        Throwable first;
        synchronized (this) {
            first = failures.isEmpty() ? mainFailure : failures.getFirst();
            if (first != null) {
                for (int i = 1; i < failures.size(); i++) {
                    first.addSuppressed(failures.get(i));
                }
                for (Throwable c : cancelled) {
                    first.addSuppressed(c);
                }
            }
        }
        if (first != null) {
            if (mainFailure != null && mainFailure != first) {
                first.addSuppressed(mainFailure);
            }
            throwUnchecked(first);
        }
    }

    private void joinAll() throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        for (Thread t : threads) {
            long left = end - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive()) {
                AssertionError stuck = new AssertionError(t.getName() + " still running after " + deadline);
                stuck.setStackTrace(t.getStackTrace());
                throw stuck;
            }
        }
    }

    /** Interrupts every live worker and waits a little for them to end; what they throw now is secondary. */
    private void stop() {
        synchronized (this) {
            stopping = true;
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable e) throws T {
        throw (T) e;
    }
}
