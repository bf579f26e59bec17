package dev.uvgem.core.fence.container;

import static dev.uvgem.core.testsupport.Threads.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.testsupport.CountingCallback;
import dev.uvgem.core.testsupport.TestFences;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel's st-dma-fence-chain selftest (KUnit "dma-buf-fence-chain"), re-expressed: one method per kernel
 * case, named after it, plus checks of the chain rules the selftest relies on (context reuse, 64-bit seqnos,
 * long chains without recursion).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DmaFenceChainTest {
    private static final int CHAIN_SZ = 4 << 10;

    private final VirtualClock clock = new VirtualClock();

    private Fence mockFence() {
        return TestFences.mock(clock);
    }

    /** The selftest's fixture: n mock fences, link i wrapping fence i after link i-1, each link enabled. */
    private final class FenceChains {
        final Fence[] fences;
        final FenceChain[] chains;
        final FenceChain tail;

        FenceChains(int count, LongUnaryOperator seqno) {
            fences = new Fence[count];
            chains = new FenceChain[count];
            FenceChain prev = null;
            for (int i = 0; i < count; i++) {
                fences[i] = mockFence();
                chains[i] = FenceChain.create(prev, fences[i], seqno.applyAsLong(i));
                prev = chains[i];
                chains[i].enableSwSignaling();
            }
            tail = prev;
        }

        FenceChains(int count) {
            this(count, i -> i + 1);
        }

        void signalAll() {
            for (Fence f : fences) {
                f.signal();
            }
        }
    }

    @Test
    void sanitycheck() {
        Fence f = mockFence();
        FenceChain chain = FenceChain.create(null, f, 1);
        chain.enableSwSignaling();
        f.signal();
        assertThat(chain.isSignaledFlag()).isTrue();
    }

    @Test
    void findSeqno() {
        FenceChains fc = new FenceChains(64);
        assertThat(FenceChain.findSeqno(fc.tail, 0))
                .as("find_seqno(0) is a no-op")
                .isSameAs(fc.tail);
        for (int i = 0; i < 64; i++) {
            Fence found = FenceChain.findSeqno(fc.tail, i + 1);
            assertThat(found).as("find_seqno(tail, %d)", i + 1).isSameAs(fc.chains[i]);
            assertThat(FenceChain.findSeqno(found, i + 1)).as("find self").isSameAs(fc.chains[i]);
            int next = i + 2;
            assertThatThrownBy(() -> FenceChain.findSeqno(found, next))
                    .as("future point %d from link %d", next, i)
                    .isInstanceOfSatisfying(
                            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
            Fence previous = FenceChain.findSeqno(found, i);
            if (i > 0) {
                assertThat(previous).as("find_seqno(link %d, %d)", i, i).isSameAs(fc.chains[i - 1]);
            }
        }
        fc.signalAll();
    }

    @Test
    void findSignaled() {
        FenceChains fc = new FenceChains(2);
        fc.fences[0].signal();
        Fence found = FenceChain.findSeqno(fc.tail, 1);
        assertThat(found == null || found == fc.chains[0])
                .as("completed point 1 gives null or link 0, got %s", found)
                .isTrue();
        fc.signalAll();
    }

    @Test
    void findOutOfOrder() {
        FenceChains fc = new FenceChains(3);
        fc.fences[1].signal();
        // Point 2 still waits for point 1: the signalled link 1 is collected and link 0 is what to wait on.
        assertThat(FenceChain.findSeqno(fc.tail, 2)).isSameAs(fc.chains[0]);
        assertThat(fc.chains[2].prev()).as("link 1 collected").isSameAs(fc.chains[0]);
        fc.signalAll();
    }

    @Test
    void findGap() {
        FenceChains fc = new FenceChains(64, i -> 2 * i + 2);
        for (int i = 0; i < 64; i++) {
            Fence found = FenceChain.findSeqno(fc.tail, 2L * i + 1);
            assertThat(found).as("find_seqno(tail, %d)", 2 * i + 1).isSameAs(fc.chains[i]);
            assertThat(FenceChain.findSeqno(found, 2L * i + 2)).as("find self").isSameAs(fc.chains[i]);
        }
        fc.signalAll();
    }

    /** The kernel's duration: one thread per CPU for 5 s. */
    @Test
    @Tag("stress")
    void findRace() throws Exception {
        findRace(Duration.ofSeconds(5));
    }

    /** The default run: the same assertions for a short while. */
    @Test
    void findRaceShort() throws Exception {
        findRace(Duration.ofMillis(300));
    }

    private void findRace(Duration duration) throws Exception {
        FenceChains fc = new FenceChains(CHAIN_SZ);
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong cycles = new AtomicLong();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread.ofPlatform().name("dmabuf/" + t).start(() -> {
                try {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        long seqno = rnd.nextLong(1, CHAIN_SZ + 1);
                        Fence found = FenceChain.findSeqno(fc.tail, seqno);
                        // Only the node for exactly that point may be asked for it again.
                        if (found != null && found.seqno() == seqno) {
                            FenceChain.findSeqno(found, seqno);
                        }
                        fc.fences[rnd.nextInt(CHAIN_SZ - 1)].signal();
                        cycles.incrementAndGet();
                    }
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            });
            workers.add(done);
        }
        Thread.sleep(duration.toMillis());
        stop.set(true);
        for (CompletableFuture<Void> w : workers) {
            w.get(30, TimeUnit.SECONDS);
        }
        assertThat(cycles.get()).isPositive();
        fc.signalAll();
        assertThat(fc.tail.isSignaled()).isTrue();
    }

    @Test
    void signalForward() {
        FenceChains fc = new FenceChains(64);
        for (int i = 0; i < 64; i++) {
            fc.fences[i].signal();
            assertThat(fc.chains[i].isSignaled()).as("chain[%d] signalled", i).isTrue();
            if (i + 1 < 64) {
                assertThat(fc.chains[i + 1].isSignaled())
                        .as("chain[%d] signalled", i + 1)
                        .isFalse();
            }
        }
    }

    @Test
    void signalBackward() {
        FenceChains fc = new FenceChains(64);
        for (int i = 63; i >= 0; i--) {
            fc.fences[i].signal();
            if (i > 0) {
                assertThat(fc.chains[i].isSignaled())
                        .as("chain[%d] signalled", i)
                        .isFalse();
            }
        }
        for (int i = 0; i < 64; i++) {
            assertThat(fc.chains[i].isSignaled()).as("chain[%d] signalled", i).isTrue();
            assertThat(fc.chains[i].isSignaledFlag())
                    .as("chain[%d] signalled by its callback", i)
                    .isTrue();
        }
    }

    @Test
    void waitForward() throws Exception {
        FenceChains fc = new FenceChains(CHAIN_SZ);
        waitWhileSignalling(fc, fc.fences);
    }

    @Test
    void waitBackward() throws Exception {
        FenceChains fc = new FenceChains(CHAIN_SZ);
        Fence[] order = new Fence[CHAIN_SZ];
        for (int i = 0; i < CHAIN_SZ; i++) {
            order[i] = fc.fences[CHAIN_SZ - 1 - i];
        }
        waitWhileSignalling(fc, order);
    }

    @Test
    void waitRandom() throws Exception {
        FenceChains fc = new FenceChains(CHAIN_SZ);
        Fence[] order = fc.fences.clone();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Fence t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        waitWhileSignalling(fc, order);
    }

    /** A thread waits (uninterruptibly) on the tail while this one signals {@code order}: it must wake, once. */
    private static void waitWhileSignalling(FenceChains fc, Fence[] order) throws Exception {
        CompletableFuture<Integer> waiter = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("dmabuf/wait").start(() -> waiter.complete(fc.tail.await(false)));
        awaitParked(t);
        for (int i = 0; i < order.length; i++) {
            if (i == order.length - 1) {
                assertThat(waiter).as("woke before the last fence").isNotDone();
            }
            order[i].signal();
        }
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(fc.tail.isSignaledFlag()).isTrue();
    }

    // ---- Beyond the selftest ----------------------------------------------------------------------------------

    @Test
    void namesAndSeqno64() {
        Fence f = mockFence();
        FenceChain a = FenceChain.create(null, f, 5);
        assertThat(a.driverName()).isEqualTo("dma_fence_chain");
        assertThat(a.timelineName()).isEqualTo("unbound");
        assertThat(a.isSeqno64()).isTrue();
        assertThat(a.contained()).isSameAs(f);
        assertThat(a.prev()).isNull();
        assertThat(a.prevSeqno()).isZero();
        assertThat(FenceChain.asChain(a)).isSameAs(a);
        assertThat(FenceChain.asChain(f)).isNull();
        assertThat(FenceChain.contained(a)).isSameAs(f);
        assertThat(FenceChain.contained(f)).isSameAs(f);
        assertThat(a.clock()).isSameAs(clock);

        FenceChain onStub = FenceChain.create(a, Fence.stub(), 6);
        assertThat(onStub.clock()).as("a stub has no clock: prev's").isSameAs(clock);
        VirtualClock other = new VirtualClock();
        assertThat(FenceChain.create(other, null, Fence.stub(), 1).clock()).isSameAs(other);
        assertThat(FenceChain.create(null, Fence.stub(), 1).clock())
                .as("fallback")
                .isNotNull();
    }

    @Test
    void laterSeqnoContinuesTheTimelineOtherwiseANewOneStarts() {
        FenceChain a = FenceChain.create(null, mockFence(), 5);
        FenceChain b = FenceChain.create(a, mockFence(), 7);
        assertThat(b.context()).isEqualTo(a.context());
        assertThat(b.prevSeqno()).isEqualTo(5);
        assertThat(b.seqno()).isEqualTo(7);

        FenceChain same = FenceChain.create(b, mockFence(), 7);
        assertThat(same.context()).as("not later: new timeline").isNotEqualTo(b.context());
        assertThat(same.seqno()).isEqualTo(7);
        assertThat(same.prevSeqno()).isZero();

        FenceChain back = FenceChain.create(b, mockFence(), 3);
        assertThat(back.context()).isNotEqualTo(b.context());
        assertThat(back.seqno()).as("never goes backwards").isEqualTo(7);

        // 64-bit: a point past 2^32 (and past 2^63, unsigned) is later, no 32-bit wrap.
        FenceChain big = FenceChain.create(b, mockFence(), 0x1_0000_0000L);
        assertThat(big.context()).isEqualTo(b.context());
        FenceChain huge = FenceChain.create(big, mockFence(), 0x8000_0000_0000_0001L);
        assertThat(huge.context()).isEqualTo(b.context());
        assertThat(huge.prevSeqno()).isEqualTo(0x1_0000_0000L);
        FenceChain max = FenceChain.create(huge, mockFence(), 2);
        assertThat(max.seqno()).as("unsigned max").isEqualTo(0x8000_0000_0000_0001L);

        Fence plain = Fence.create(clock, "mock", "mock", FenceContext.allocate(), 100);
        FenceChain afterPlain = FenceChain.create(plain, mockFence(), 1);
        assertThat(afterPlain.context()).isNotEqualTo(plain.context());
        assertThat(afterPlain.seqno())
                .as("a plain prev does not lift the seqno")
                .isEqualTo(1);
        assertThat(afterPlain.prevSeqno()).isZero();
    }

    @Test
    void findSeqnoRejectsPlainFencesAndStopsAtTheTimelineStart() {
        Fence plain = mockFence();
        assertThatThrownBy(() -> FenceChain.findSeqno(plain, 1)).isInstanceOf(ErrnoException.class);
        assertThat(FenceChain.findSeqno(plain, 0)).isSameAs(plain);

        FenceChain a = FenceChain.create(null, mockFence(), 10);
        FenceChain b = FenceChain.create(a, mockFence(), 5); // new timeline, seqno 10
        assertThat(b.context()).isNotEqualTo(a.context());
        assertThat(FenceChain.findSeqno(b, 3))
                .as("does not cross into another timeline")
                .isSameAs(b);
        assertThatThrownBy(() -> FenceChain.findSeqno(b, -1L))
                .as("2^64-1 is in the future")
                .isInstanceOf(ErrnoException.class);
    }

    @Test
    void chainCannotContainAChain() {
        FenceChain a = FenceChain.create(null, mockFence(), 1);
        assertThatThrownBy(() -> FenceChain.create(null, a, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FenceChain.create(a, null, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pollingWithoutEnablingWalksTheWholeChain() {
        Fence f0 = mockFence();
        Fence f1 = mockFence();
        FenceChain c0 = FenceChain.create(null, f0, 1);
        FenceChain c1 = FenceChain.create(c0, f1, 2);
        f1.signal();
        assertThat(c1.isSignaled()).isFalse();
        assertThat(c1.isSignalingEnabled()).isFalse();
        f0.signal();
        assertThat(c0.isSignaledFlag())
                .as("nothing armed, nothing signalled it")
                .isFalse();
        assertThat(c1.isSignaled()).isTrue();
        assertThat(c1.prev()).as("collected by the walk").isNull();
    }

    @Test
    void plainFencePrevIsPartOfTheChain() {
        Fence start = mockFence();
        Fence f = mockFence();
        FenceChain c = FenceChain.create(start, f, 1);
        CountingCallback cb = new CountingCallback();
        c.addCallback(cb);
        f.signal();
        assertThat(c.isSignaledFlag()).isFalse();
        assertThat(FenceChain.walk(c)).isSameAs(start);
        start.signal();
        assertThat(c.isSignaledFlag()).isTrue();
        assertThat(cb.runs).hasValue(1);
        assertThat(FenceChain.walk(c)).isNull();
        assertThat(c.prev()).isNull();
    }

    @Test
    void errorsOfContainedFencesAreNotCopied() {
        Fence f = mockFence();
        FenceChain c = FenceChain.create(null, f, 1);
        c.enableSwSignaling();
        f.signalWithError(Errno.EIO.negative());
        assertThat(c.status()).isEqualTo(1);
    }

    @Test
    void deadlineIsForwardedToEveryPendingContainedFence() {
        List<Long> seen = new ArrayList<>();
        FenceChain prev = null;
        List<Fence> fences = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Fence f = TestFences.fence(clock, TestFences.deadlines("d", "d", (fence, deadline) -> seen.add(deadline)));
            fences.add(f);
            prev = FenceChain.create(prev, f, i + 1);
        }
        fences.get(1).signal();
        prev.setDeadline(1234);
        assertThat(seen).containsExactly(1234L, 1234L, 1234L);
    }

    /** Long chains: every walk is a loop, so neither enabling, polling, finding nor signalling recurses. */
    @Test
    void longChainsDoNotOverflowTheStack() {
        int n = 100_000;
        Fence[] fences = new Fence[n];
        FenceChain tail = null;
        for (int i = 0; i < n; i++) {
            fences[i] = mockFence();
            tail = FenceChain.create(tail, fences[i], i + 1);
        }
        FenceChain head = tail;
        assertThat(FenceUnwrap.leaves(head)).hasSize(n);
        assertThat(head.isSignaled()).isFalse();
        assertThat(FenceChain.findSeqno(head, 1)).isNotNull();
        head.setDeadline(5);

        CountingCallback cb = new CountingCallback();
        head.addCallback(cb);
        // Backwards: the tail's single callback hops from each fence to the one before, n times.
        for (int i = n - 1; i > 0; i--) {
            fences[i].signal();
        }
        assertThat(head.isSignaledFlag()).isFalse();
        fences[0].signal();
        assertThat(cb.runs).hasValue(1);

        // Forwards with only the tail armed: one walk collects n-1 signalled links in a loop.
        Fence[] more = new Fence[n];
        FenceChain t2 = null;
        for (int i = 0; i < n; i++) {
            more[i] = mockFence();
            t2 = FenceChain.create(t2, more[i], i + 1);
        }
        t2.enableSwSignaling();
        for (Fence f : more) {
            f.signal();
        }
        assertThat(t2.isSignaledFlag()).isTrue();
        assertThat(t2.prev()).isNull();
    }

    /**
     * The chain's enable hook runs under the chain's lock and polls earlier contained fences; one that its
     * driver reports complete is signalled there, and its callbacks must not run under the chain's lock.
     */
    @Test
    void callbacksOfFencesFoundCompleteWhileEnablingRunOutsideTheChainLock() {
        AtomicBoolean done = new AtomicBoolean();
        Fence polled = TestFences.fence(clock, TestFences.polled("hw", "ring", done::get));
        Fence last = mockFence();
        FenceChain c0 = FenceChain.create(null, polled, 1);
        FenceChain c1 = FenceChain.create(c0, last, 2);
        AtomicReference<Boolean> underChainLock = new AtomicReference<>();
        polled.addCallback(FenceCallback.of(f -> underChainLock.set(Thread.holdsLock(c1.lock()))));
        last.signal();
        done.set(true);
        // Enabling c1: its own fence is done, the walk polls c0's fence, which signals now.
        assertThat(c1.addCallback(FenceCallback.of(f -> {}))).isEqualTo(Errno.ENOENT.negative());
        assertThat(underChainLock.get())
                .as("callback ran, outside the chain lock")
                .isFalse();
        assertThat(c1.isSignaledFlag()).isTrue();
    }

    /**
     * Every node enabled, every contained fence reported complete by its driver's poll hook but not yet
     * signalled: signalling the last one sets off a cascade (each re-arm polls the fence before, which signals
     * and fires that node's re-arm). The cascade must run as a loop, not as 10,000 nested callbacks.
     */
    @Test
    void cascadingReArmsDoNotRecurse() {
        int n = 10_000;
        AtomicBoolean hardwareDone = new AtomicBoolean();
        FenceOps polled = TestFences.polled("hw", "ring", hardwareDone::get);
        Fence[] fences = new Fence[n];
        FenceChain[] chains = new FenceChain[n];
        FenceChain prev = null;
        for (int i = 0; i < n; i++) {
            fences[i] = TestFences.fence(clock, polled);
            chains[i] = FenceChain.create(prev, fences[i], i + 1);
            chains[i].enableSwSignaling();
            prev = chains[i];
        }
        hardwareDone.set(true);
        fences[n - 1].signal();
        for (int i = 0; i < n; i++) {
            assertThat(chains[i].isSignaledFlag()).as("chain[%d]", i).isTrue();
        }
    }
}
