package dev.uvgem.drivers.drm;

import static dev.uvgem.core.testsupport.ErrnoAssertions.assertErrno;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_AVAILABLE;
import static dev.uvgem.uapi.DrmSyncobj.WAIT_FLAGS_WAIT_FOR_SUBMIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.container.FenceChain;
import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.vfs.EventFdContext;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The sync object itself, below the ioctls: the nullable fence, timeline points as a fence chain, point lookup,
 * QUERY's contiguous-prefix rule, waiters and eventfd entries re-evaluated on updates, and freeing.
 */
class DrmSyncobjTest {
    private final DrmTestKit k = new DrmTestKit();
    private final DrmDevice dev = k.device;

    private Fence pending() {
        return Fence.create(k.clock, "test", "t", FenceContext.allocate(), 1);
    }

    /** An eventfd counter as the syscall layer's eventfd is to a driver. */
    private static final class Counter implements EventFdContext {
        final AtomicLong count = new AtomicLong();

        @Override
        public long signal(long n) {
            count.addAndGet(n);
            return n;
        }
    }

    @Test
    void aNewSyncobjHasNoFenceAndSignalInstallsASignalledStub() {
        DrmSyncobj s = dev.createSyncobj();
        assertThat(s.fence()).isNull();
        assertErrno(Errno.EINVAL, () -> s.findFence(0, false));
        k.clock.advance(Duration.ofMillis(5));
        s.signal();
        assertThat(s.fence().isSignaled()).isTrue();
        assertThat(s.fence().timestamp()).isEqualTo(k.clock.nanoTime());
        assertThat(s.findFence(0, false)).isSameAs(s.fence());
        s.put();
    }

    @Test
    void lastPutFreesAndCountsDown() {
        DrmSyncobj s = dev.createSyncobj();
        assertThat(dev.liveSyncobjs()).isEqualTo(1);
        s.get();
        s.put();
        assertThat(dev.liveSyncobjs()).isEqualTo(1);
        s.put();
        assertThat(dev.liveSyncobjs()).isZero();
        assertThat(s.fence()).isNull();
    }

    @Test
    void timelinePointsResolveAndUnsubmittedPointsDoNot() {
        DrmSyncobj s = dev.createSyncobj();
        Fence f1 = pending();
        Fence f3 = pending();
        s.addPoint(f1, 1);
        s.addPoint(f3, 3);
        assertThat(FenceChain.contained(s.findFence(1, false))).isSameAs(f1);
        assertThat(FenceChain.contained(s.findFence(2, false))).isSameAs(f3);
        assertThat(FenceChain.contained(s.findFence(3, false))).isSameAs(f3);
        assertErrno(Errno.EINVAL, () -> s.findFence(4, false));
        f1.signal();
        // Point 1 signalled and is collected by the walk: the stub stands for it.
        assertThat(s.findFence(1, false)).isSameAs(dev.stubFence());
        s.put();
    }

    @Test
    void queryReportsTheContiguousSignalledPrefix() {
        DrmSyncobj s = dev.createSyncobj();
        Fence[] f = new Fence[6];
        for (int i = 1; i <= 5; i++) {
            f[i] = pending();
            s.addPoint(f[i], i);
        }
        assertThat(s.query(false)).isZero();
        assertThat(s.query(true)).isEqualTo(5);
        f[1].signal();
        f[3].signal();
        assertThat(s.query(false)).isEqualTo(1);
        f[2].signal();
        assertThat(s.query(false)).isEqualTo(3);
        s.addPoint(dev.stubFence(), 8);
        assertThat(s.query(false)).as("4 and 5 still pending").isEqualTo(3);
        f[4].signal();
        f[5].signal();
        assertThat(s.query(false)).isEqualTo(8);
        s.put();
    }

    @Test
    void anUnorderedPointStartsANewContextAndKeepsTheHigherValue() {
        DrmSyncobj s = dev.createSyncobj();
        Fence f5 = pending();
        s.addPoint(pending(), 1);
        s.addPoint(f5, 5);
        s.addPoint(pending(), 3);
        assertThat(s.fence().seqno()).isEqualTo(5);
        assertThat(s.query(true)).isEqualTo(5);
        s.put();
    }

    @Test
    void signalledHistoryIsCollectedSoTheChainStaysShort() {
        DrmSyncobj s = dev.createSyncobj();
        for (int i = 1; i <= 10_000; i++) {
            s.addPoint(dev.stubFence(), i);
        }
        assertThat(s.query(false)).isEqualTo(10_000);
        int nodes = 0;
        for (Fence f = s.fence(); f != null; f = FenceChain.asChain(f) == null ? null : ((FenceChain) f).prev()) {
            nodes++;
        }
        assertThat(nodes).as("links left after the walks").isLessThanOrEqualTo(2);
        s.put();
    }

    @Test
    void replaceFenceDropsAWholeTimeline() {
        DrmSyncobj s = dev.createSyncobj();
        s.addPoint(pending(), 1);
        s.replaceFence(null);
        assertThat(s.fence()).isNull();
        assertThat(s.query(false)).isZero();
        Fence f = pending();
        s.replaceFence(f);
        assertThat(s.query(true)).as("a binary fence has no timeline value").isZero();
        s.put();
    }

    @Test
    void eventfdEntriesSignalOnMaterialisationOrOnTheFence() {
        DrmSyncobj s = dev.createSyncobj();
        Counter avail = new Counter();
        Counter wait = new Counter();
        s.addWaiter(new DrmSyncobjEventfdEntry(avail, 2, WAIT_FLAGS_WAIT_AVAILABLE));
        s.addWaiter(new DrmSyncobjEventfdEntry(wait, 2, 0));
        assertThat(s.waiterCount()).isEqualTo(2);
        Fence f1 = pending();
        s.addPoint(f1, 1);
        assertThat(avail.count.get() + wait.count.get())
                .as("point 1 is not point 2")
                .isZero();
        Fence f2 = pending();
        s.addPoint(f2, 2);
        assertThat(avail.count.get()).isEqualTo(1);
        assertThat(wait.count.get()).isZero();
        assertThat(s.waiterCount()).as("both left the list").isZero();
        f2.signal();
        assertThat(wait.count.get())
                .as("the chain node signals once point 1 has too")
                .isZero();
        f1.signal();
        assertThat(wait.count.get()).isEqualTo(1);
        s.put();
    }

    @Test
    void freeingDropsPendingEventfdEntriesWithoutSignalling() {
        DrmSyncobj s = dev.createSyncobj();
        Counter c = new Counter();
        s.addWaiter(new DrmSyncobjEventfdEntry(c, 0, 0));
        s.put();
        assertThat(c.count.get()).isZero();
        assertThat(s.waiterCount()).isZero();
    }

    @Test
    void findFenceWaitsForSubmitUntilAFenceAppears() throws Exception {
        DrmSyncobj s = dev.createSyncobj();
        Threads.Running<Fence> r = Threads.start(() -> s.findFence(0, true));
        Threads.awaitParked(r);
        Fence f = pending();
        s.replaceFence(f);
        assertThat(r.get()).isSameAs(f);
        assertThat(s.waiterCount()).isZero();
        s.put();
    }

    @Test
    void findFenceWaitForSubmitGivesUpAfterFiveSecondsWithEtime() throws Exception {
        DrmSyncobj s = dev.createSyncobj();
        Threads.Running<Fence> r = Threads.start(() -> s.findFence(0, true));
        Threads.awaitParked(r);
        k.clock.advance(Duration.ofSeconds(5));
        assertThat(r.result())
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableThat()
                .havingRootCause()
                .satisfies(e -> assertThat(e).hasMessage("ETIME"));
        assertThat(s.waiterCount()).isZero();
        s.put();
    }

    @Test
    void concurrentWaitersNeverMissAPoint() throws Exception {
        DrmSyncobj s = dev.createSyncobj();
        int points = 300;
        List<Threads.Running<Integer>> waiters = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int flags = t % 2 == 0 ? WAIT_FLAGS_WAIT_FOR_SUBMIT : WAIT_FLAGS_WAIT_AVAILABLE;
            waiters.add(Threads.start(() -> {
                for (int p = 1; p <= points; p++) {
                    DrmSyncobjArrayWait.await(new DrmSyncobj[] {s}, new long[] {p}, flags, Clock.FOREVER, null);
                }
                return points;
            }));
        }
        Threads.Running<Integer> signaller = Threads.start(() -> {
            for (int p = 1; p <= points; p++) {
                s.addPoint(dev.stubFence(), p);
            }
            return points;
        });
        assertThat(signaller.get()).isEqualTo(points);
        for (Threads.Running<Integer> w : waiters) {
            assertThat(w.get()).isEqualTo(points);
        }
        assertThat(s.waiterCount()).isZero();
        s.put();
    }
}
