package dev.uvgem.core.testsupport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Threads for tests that block on purpose: a call run on a platform thread of its own (never the common pool,
 * which may have a single worker), and waits for that thread to go to sleep or for a condition to hold.
 *
 * <p>Thread-safety: stateless. The waits poll with short sleeps on the real clock, bounded by 5 s.
 */
public final class Threads {
    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(5);

    private Threads() {}

    /** A call running on its own thread: the thread (to interrupt or watch) and the call's result. */
    public record Running<T>(Thread thread, CompletableFuture<T> result) {
        /** Waits up to 5 s for the result. */
        public T get() throws Exception {
            return result.get(5, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code body} on a new daemon platform thread; its result or throw completes the future. */
    public static <T> Running<T> start(Supplier<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(body.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return new Running<>(t, result);
    }

    /** Runs {@code body} on a new daemon platform thread; returns the future of its result. */
    public static <T> CompletableFuture<T> supply(Supplier<T> body) {
        return start(body).result();
    }

    /** Waits until {@code r}'s thread has parked (it sleeps on a clock, a lock or a queue) or finished. */
    public static void awaitParked(Running<?> r) throws InterruptedException {
        awaitParked(r.thread());
    }

    /**
     * Waits until {@code t} has parked (WAITING or TIMED_WAITING) or finished.
     *
     * @throws AssertionError if it has not within 5 s
     */
    public static void awaitParked(Thread t) throws InterruptedException {
        long until = System.nanoTime() + BOUND_NANOS;
        while (System.nanoTime() < until) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.TERMINATED) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("thread never parked: " + t);
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @throws AssertionError if it does not within 5 s
     */
    public static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + BOUND_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(1);
        }
    }

    /** Returns the number of live platform threads in the JVM. */
    public static int liveThreads() {
        return Thread.getAllStackTraces().size();
    }
}
