package dev.uvgem.core.resv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WwMutexTest {
    private static final int EALREADY = Errno.EALREADY.negative();
    private static final int EDEADLK = Errno.EDEADLK.negative();
    private static final int EINTR = Errno.EINTR.negative();

    /** Waits until {@code t} is parked (or otherwise waiting), i.e. queued on a mutex. */
    private static void awaitParked(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING) {
            assertThat(System.nanoTime()).as("thread never parked").isLessThan(end);
            Thread.sleep(1);
        }
    }

    private static Thread thread(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    }

    @Test
    void lockWithoutContext() {
        WwMutex m = new WwMutex();
        assertThat(m.isLocked()).isFalse();
        assertThat(m.lock(null)).isZero();
        assertThat(m.isLocked()).isTrue();
        assertThat(m.owner()).isNull();
        assertThat(m.isHeldByCurrentThread()).isTrue();
        assertThat(Threads.supply(m::trylock).join()).isFalse();
        m.unlock();
        assertThat(m.isLocked()).isFalse();
        assertThat(m.trylock()).isTrue();
        m.unlock();
    }

    @Test
    void lockTwiceWithSameContextIsEalready() {
        WwMutex m = new WwMutex();
        try (WwAcquireContext ctx = new WwAcquireContext()) {
            assertThat(m.lock(ctx)).isZero();
            assertThat(m.owner()).isSameAs(ctx);
            assertThat(ctx.acquired()).isEqualTo(1);
            assertThat(m.lock(ctx)).isEqualTo(EALREADY);
            assertThat(m.lockInterruptible(ctx)).isEqualTo(EALREADY);
            assertThat(ctx.acquired()).isEqualTo(1);
            m.unlock();
            assertThat(ctx.acquired()).isZero();
        }
    }

    @Test
    void youngerContextHoldingLocksDies() throws Exception {
        WwMutex a = new WwMutex();
        WwMutex b = new WwMutex();
        WwAcquireContext older = new WwAcquireContext();
        assertThat(a.lock(older)).isZero();
        int r = Threads.supply(() -> {
                    try (WwAcquireContext younger = new WwAcquireContext()) {
                        assertThat(younger.stamp()).isGreaterThan(older.stamp());
                        assertThat(b.lock(younger)).isZero();
                        int res = a.lock(younger);
                        int res2 = a.lockInterruptible(younger);
                        b.unlock();
                        return res == res2 ? res : 1;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        assertThat(r).isEqualTo(EDEADLK);
        a.unlock();
        older.close();
    }

    @Test
    void youngerContextHoldingNothingWaits() throws Exception {
        WwMutex a = new WwMutex();
        WwAcquireContext older = new WwAcquireContext();
        assertThat(a.lock(older)).isZero();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Integer> f = Threads.supply(() -> {
            waiter.set(Thread.currentThread());
            try (WwAcquireContext younger = new WwAcquireContext()) {
                int res = a.lock(younger);
                a.unlock();
                return res;
            }
        });
        while (waiter.get() == null) {
            Thread.onSpinWait();
        }
        awaitParked(waiter.get());
        assertThat(f).isNotDone();
        a.unlock();
        assertThat(f.get(10, TimeUnit.SECONDS)).isZero();
        older.close();
    }

    @Test
    void olderContextWaitsForYounger() throws Exception {
        WwMutex a = new WwMutex();
        WwMutex b = new WwMutex();
        WwAcquireContext older = new WwAcquireContext();
        CountDownLatch youngerHolds = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> young = Threads.supply(() -> {
            try (WwAcquireContext younger = new WwAcquireContext()) {
                int res = a.lock(younger);
                youngerHolds.countDown();
                release.await();
                a.unlock();
                return res;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        youngerHolds.await();
        assertThat(b.lock(older)).isZero(); // the older one holds something, so it could die; it must not
        Thread self = Thread.currentThread();
        Thread releaser = thread(() -> {
            try {
                awaitParked(self);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            release.countDown();
        });
        releaser.start();
        assertThat(a.lock(older)).isZero(); // waits until the younger one unlocks
        assertThat(young.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(a.owner()).isSameAs(older);
        assertThat(older.acquired()).isEqualTo(2);
        a.unlock();
        b.unlock();
        older.close();
    }

    @Test
    void olderWaiterQueuedAheadMakesYoungerWaiterDie() throws Exception {
        // m is held without a context; a younger context that holds another lock waits for it; then an older
        // context queues ahead of it. Only the first waiting context may hold other locks: the younger one dies.
        WwMutex m = new WwMutex();
        assertThat(m.lock(null)).isZero();
        WwAcquireContext older = new WwAcquireContext();
        WwMutex olderOther = new WwMutex();
        assertThat(olderOther.lock(older)).isZero();
        AtomicReference<Thread> youngThread = new AtomicReference<>();
        CompletableFuture<Integer> young = Threads.supply(() -> {
            youngThread.set(Thread.currentThread());
            try (WwAcquireContext younger = new WwAcquireContext()) {
                WwMutex own = new WwMutex();
                assertThat(own.lock(younger)).isZero();
                int r = m.lock(younger);
                if (r == 0) {
                    m.unlock();
                }
                own.unlock();
                return r;
            }
        });
        while (youngThread.get() == null) {
            Thread.onSpinWait();
        }
        awaitParked(youngThread.get());
        assertThat(young).isNotDone();
        // The younger one dies as soon as the older context queues ahead of it.
        CompletableFuture<Integer> old = Threads.supply(() -> m.lock(older));
        assertThat(young.get(10, TimeUnit.SECONDS)).isEqualTo(EDEADLK);
        assertThat(old).isNotDone();
        m.unlock();
        assertThat(old.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(m.owner()).isSameAs(older);
        assertThat(older.acquired()).isEqualTo(2);
    }

    @Test
    void handoffToOlderContextMakesYoungerWaiterDie() throws Exception {
        // The youngest context holds m; a middle one holding other locks waits (it is older than the holder).
        // When m passes to the oldest context, the middle one must die.
        WwMutex m = new WwMutex();
        WwAcquireContext oldest = new WwAcquireContext();
        WwAcquireContext middle = new WwAcquireContext();
        CountDownLatch youngestHolds = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> youngest = Threads.supply(() -> {
            try (WwAcquireContext ctx = new WwAcquireContext()) {
                int r = m.lock(ctx);
                youngestHolds.countDown();
                release.await();
                m.unlock();
                return r;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        youngestHolds.await();
        AtomicReference<Thread> oldestThread = new AtomicReference<>();
        CompletableFuture<Integer> old = Threads.supply(() -> {
            oldestThread.set(Thread.currentThread());
            int r = m.lock(oldest); // holds nothing: waits
            return r;
        });
        while (oldestThread.get() == null) {
            Thread.onSpinWait();
        }
        awaitParked(oldestThread.get());
        // The middle context holds another lock, so queueing behind an older waiting context kills it at once.
        WwMutex other = new WwMutex();
        CompletableFuture<Integer> mid = Threads.supply(() -> {
            assertThat(other.lock(middle)).isZero();
            int r = m.lock(middle);
            other.unlock();
            middle.close();
            return r;
        });
        assertThat(mid.get(10, TimeUnit.SECONDS)).isEqualTo(EDEADLK);
        release.countDown();
        assertThat(youngest.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(old.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(m.owner()).isSameAs(oldest);
    }

    @Test
    void interruptibleLockReturnsEintrAndUninterruptibleKeepsWaiting() throws Exception {
        WwMutex m = new WwMutex();
        assertThat(m.lock(null)).isZero();
        AtomicReference<Thread> t1 = new AtomicReference<>();
        CompletableFuture<Object[]> interruptible = Threads.supply(() -> {
            t1.set(Thread.currentThread());
            int r = m.lockInterruptible(null);
            return new Object[] {r, Thread.currentThread().isInterrupted()};
        });
        while (t1.get() == null) {
            Thread.onSpinWait();
        }
        awaitParked(t1.get());
        t1.get().interrupt();
        Object[] res = interruptible.get(10, TimeUnit.SECONDS);
        assertThat(res[0]).isEqualTo(EINTR);
        assertThat(res[1]).as("interrupt stays pending").isEqualTo(true);

        AtomicReference<Thread> t2 = new AtomicReference<>();
        CompletableFuture<Object[]> plain = Threads.supply(() -> {
            t2.set(Thread.currentThread());
            int r = m.lock(null);
            boolean interrupted = Thread.currentThread().isInterrupted();
            m.unlock();
            return new Object[] {r, interrupted};
        });
        while (t2.get() == null) {
            Thread.onSpinWait();
        }
        awaitParked(t2.get());
        t2.get().interrupt();
        awaitParked(t2.get()); // parks again after the interrupt
        assertThat(plain).isNotDone();
        m.unlock();
        Object[] res2 = plain.get(10, TimeUnit.SECONDS);
        assertThat(res2[0]).isEqualTo(0);
        assertThat(res2[1]).as("interrupt re-asserted").isEqualTo(true);
    }

    @Test
    void interruptibleLockOfAFreeMutexSucceedsEvenIfInterrupted() {
        WwMutex m = new WwMutex();
        Thread.currentThread().interrupt();
        try {
            assertThat(m.lockInterruptible(null)).isZero();
        } finally {
            Thread.interrupted();
        }
        m.unlock();
    }

    @Test
    void backOffWithLockSlow() throws Exception {
        WwMutex a = new WwMutex();
        WwMutex b = new WwMutex();
        WwAcquireContext older = new WwAcquireContext();
        assertThat(a.lock(older)).isZero();
        CompletableFuture<Integer> young = Threads.supply(() -> {
            try (WwAcquireContext ctx = new WwAcquireContext()) {
                assertThat(b.lock(ctx)).isZero();
                assertThat(a.lock(ctx)).isEqualTo(EDEADLK);
                // Locking anything but the contended lock before backing off is a bug.
                assertThatThrownBy(() -> a.lockSlow(ctx)).isInstanceOf(IllegalStateException.class);
                b.unlock();
                assertThatThrownBy(() -> b.lock(ctx)).isInstanceOf(IllegalStateException.class);
                a.lockSlow(ctx); // sleeps until the older one releases a
                assertThat(b.lock(ctx)).isZero();
                assertThat(a.lock(ctx)).isEqualTo(EALREADY);
                ctx.done();
                assertThat(ctx.acquired()).isEqualTo(2);
                a.unlock();
                b.unlock();
                return 0;
            }
        });
        assertThatThrownBy(() -> young.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        a.unlock();
        older.close();
        assertThat(young.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void contextMisuseIsRejected() throws Exception {
        WwMutex a = new WwMutex();
        WwMutex b = new WwMutex();
        WwAcquireContext ctx = new WwAcquireContext();
        assertThat(a.lock(ctx)).isZero();
        assertThatThrownBy(ctx::close).isInstanceOf(IllegalStateException.class);
        ctx.done();
        assertThatThrownBy(() -> b.lock(ctx)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.lock(null)).isInstanceOf(IllegalStateException.class); // recursive
        assertThat(Threads.supply(() -> {
                            try {
                                a.unlock();
                                return false;
                            } catch (IllegalMonitorStateException e) {
                                return true;
                            }
                        })
                        .get(10, TimeUnit.SECONDS))
                .isTrue();
        a.unlock();
        ctx.close();
        assertThatThrownBy(() -> a.lock(ctx)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stampsIncrease() {
        WwAcquireContext a = new WwAcquireContext();
        WwAcquireContext b = new WwAcquireContext();
        assertThat(b.isYoungerThan(a)).isTrue();
        assertThat(a.isYoungerThan(b)).isFalse();
    }

    // ---------------------------------------------------------------- the back-off protocol under load

    /** Locks every mutex of {@code locks} with {@code ctx} following the back-off protocol; counts back-offs. */
    static void lockAll(List<WwMutex> locks, WwAcquireContext ctx, AtomicLong backoffs) {
        WwMutex contended = null;
        while (true) {
            if (contended != null) {
                contended.lockSlow(ctx);
            }
            WwMutex failed = null;
            for (WwMutex m : locks) {
                int r = m.lock(ctx);
                if (r == EDEADLK) {
                    failed = m;
                    break;
                }
                assertThat(r).isIn(0, EALREADY);
                Thread.yield(); // widen the window in which others interleave
            }
            if (failed == null) {
                ctx.done();
                return;
            }
            backoffs.incrementAndGet();
            for (WwMutex m : locks) {
                if (m.owner() == ctx) {
                    m.unlock();
                }
            }
            assertThat(ctx.acquired()).isZero();
            contended = failed;
        }
    }

    private record StressResult(long transactions, long backoffs) {}

    private static StressResult runStress(int threads, int mutexes, Duration duration) throws Exception {
        List<WwMutex> all = new ArrayList<>();
        for (int i = 0; i < mutexes; i++) {
            all.add(new WwMutex());
        }
        AtomicReferenceArray<Thread> inside = new AtomicReferenceArray<>(mutexes);
        long[] counters = new long[mutexes]; // incremented only under the mutex: plain longs on purpose
        AtomicLong[] expected = new AtomicLong[mutexes];
        for (int i = 0; i < mutexes; i++) {
            expected[i] = new AtomicLong();
        }
        AtomicLong transactions = new AtomicLong();
        AtomicLong backoffs = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Threads.supply(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                Thread self = Thread.currentThread();
                while (System.nanoTime() < end) {
                    int n = 2 + rnd.nextInt(Math.min(4, mutexes - 1));
                    List<Integer> picked = new ArrayList<>();
                    while (picked.size() < n) {
                        int i = rnd.nextInt(mutexes);
                        if (!picked.contains(i)) {
                            picked.add(i); // random order
                        }
                    }
                    List<WwMutex> locks = picked.stream().map(all::get).toList();
                    try (WwAcquireContext ctx = new WwAcquireContext()) {
                        lockAll(locks, ctx, backoffs);
                        for (int i : picked) {
                            assertThat(all.get(i).owner()).isSameAs(ctx);
                            assertThat(inside.compareAndSet(i, null, self))
                                    .as("mutual exclusion on mutex %d", i)
                                    .isTrue();
                        }
                        for (int i : picked) {
                            counters[i]++;
                            expected[i].incrementAndGet();
                        }
                        Thread.yield();
                        for (int i : picked) {
                            assertThat(inside.compareAndSet(i, self, null)).isTrue();
                        }
                        for (WwMutex m : locks) {
                            m.unlock();
                        }
                    }
                    transactions.incrementAndGet();
                }
                return null;
            }));
        }
        try {
            CompletableFuture.allOf(workers.toArray(new CompletableFuture<?>[0]))
                    .get(duration.toSeconds() + 30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("deadlock: workers did not finish", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
        for (int i = 0; i < mutexes; i++) {
            // Reading the plain counters is safe: each worker's last unlock happened-before its completion.
            assertThat(counters[i]).as("counter %d", i).isEqualTo(expected[i].get());
            assertThat(all.get(i).isLocked()).isFalse();
        }
        return new StressResult(transactions.get(), backoffs.get());
    }

    @Test
    void backOffProtocolRandomOrders() throws Exception {
        StressResult r = runStress(8, 12, Duration.ofMillis(1500));
        assertThat(r.transactions()).isPositive();
        assertThat(r.backoffs()).as("the protocol backed off at least once").isPositive();
    }

    @Test
    @Tag("stress")
    void backOffProtocolRandomOrdersStress() throws Exception {
        StressResult r = runStress(32, 24, Duration.ofSeconds(20));
        assertThat(r.transactions()).isPositive();
        assertThat(r.backoffs()).isPositive();
    }
}
