package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtSyncobj.gettimeNs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * IGT's asynchronous helpers as the syncobj suites use them, over threads: a POSIX timer with SIGEV_THREAD
 * ({@link #waitAcrossTimer}: a thread that sleeps, then acts) and {@code igt_while_interruptible} around one ioctl
 * ({@link #whileInterruptible}: thread interrupts as the signals, and {@code drmIoctl}'s restart on EINTR).
 *
 * <p>Thread-safety: stateless. Each helper starts threads of its own through {@link SyncThreads} and joins them
 * (within {@link #JOIN_DEADLINE}) before returning; a failure on any of them fails the caller.
 */
final class IgtInterrupts {
    /** How long joins wait for threads that should long be done. */
    static final Duration JOIN_DEADLINE = Duration.ofSeconds(30);

    private IgtInterrupts() {}

    /**
     * IGT's {@code set_timer} and the wait that follows it: {@code action} runs on a thread of its own {@code
     * delayNs} from now (a SIGEV_THREAD timer), while this thread runs {@code wait}, a syncobj wait with the
     * absolute deadline {@code deadlineNs} from now, which must succeed, and not before the timer fired. A failure
     * of either thread fails the test.
     */
    static void waitAcrossTimer(String what, long delayNs, long deadlineNs, SyncThreads.Body action, LongPredicate wait)
            throws Exception {
        AtomicBoolean fired = new AtomicBoolean();
        try (SyncThreads threads = new SyncThreads("timer", JOIN_DEADLINE)) {
            threads.start("timer", () -> {
                Thread.sleep(Duration.ofNanos(delayNs));
                fired.set(true);
                action.run();
            });
            threads.runMain(() -> {
                assertThat(wait.test(gettimeNs() + deadlineNs)).as("%s", what).isTrue();
                assertThat(fired.get()).as("%s: the timer had fired", what).isTrue();
            });
        }
    }

    /**
     * {@code igt_while_interruptible} around one {@code igt_ioctl}: {@code call} runs on a thread of its own and
     * is restarted whenever it ends with -EINTR (as {@code drmIoctl} restarts it), while this thread interrupts it
     * every period, IGT's signal storm. Passes repeat with the period doubled until one pass is not interrupted;
     * every pass must return {@code expect}. The storm stops once a pass has run for {@code bound}, and the pass
     * must have ended by then: a wait whose timeout each restart extended would outlast any storm.
     *
     * @return how many times the call was interrupted and restarted, over all passes
     */
    static int whileInterruptible(String what, LongSupplier call, long expect, Duration bound) throws Exception {
        int total = 0;
        for (long periodUs = 1000; ; periodUs *= 2) {
            AtomicInteger hits = new AtomicInteger();
            AtomicLong result = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Thread> caller = new AtomicReference<>();
            long start = gettimeNs();
            long period = periodUs;
            try (SyncThreads threads = new SyncThreads("interruptible", JOIN_DEADLINE)) {
                threads.start("ioctl", () -> {
                    caller.set(Thread.currentThread());
                    try {
                        long r;
                        while ((r = call.getAsLong()) == Errno.EINTR.negative()) {
                            Thread.interrupted(); // the signal was handled: restart
                            hits.incrementAndGet();
                        }
                        result.set(r);
                    } finally {
                        done.set(true);
                    }
                });
                threads.runMain(() -> {
                    while (!done.get() && gettimeNs() - start < bound.toNanos()) {
                        Thread.sleep(Duration.ofNanos(period * 1000));
                        Thread t = caller.get();
                        if (t != null && !done.get()) {
                            t.interrupt();
                        }
                    }
                });
            }
            long took = gettimeNs() - start;
            assertThat(took)
                    .as("%s: a pass under a %d us storm ends within %s", what, periodUs, bound)
                    .isLessThan(bound.toNanos());
            assertThat(result.get())
                    .as("%s: pass under a %d us storm", what, periodUs)
                    .isEqualTo(expect);
            total += hits.get();
            if (hits.get() == 0) {
                return total;
            }
        }
    }
}
