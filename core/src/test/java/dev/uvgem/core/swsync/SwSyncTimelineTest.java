package dev.uvgem.core.swsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SwSyncTimelineTest {
    private final VirtualClock clock = new VirtualClock();
    private final SyncDebug debug = new SyncDebug();
    private final SwSyncTimeline tl = SwSyncTimeline.create("tester", clock, debug);

    @Test
    void freshTimelineStartsAtZeroWithItsOwnContext() {
        SwSyncTimeline other = SwSyncTimeline.create("tester", clock, debug);
        assertThat(tl.value()).isZero();
        assertThat(tl.context()).isNotEqualTo(other.context()).isPositive();
        SyncPoint pt = tl.createFence(1);
        assertThat(pt.context()).isEqualTo(tl.context());
        assertThat(pt.driverName()).isEqualTo("sw_sync");
        assertThat(pt.timelineName()).isEqualTo("tester");
        assertThat(pt.seqno()).isEqualTo(1);
    }

    @Test
    void seqnoIsTheUnsignedValue() {
        assertThat(tl.createFence(-1).seqno()).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void passedRuleIsTheWrapAwareComparison() {
        assertThat(tl.isPassed(0)).isTrue();
        assertThat(tl.isPassed(1)).isFalse();
        assertThat(tl.isPassed(Integer.MAX_VALUE)).isFalse();
        // more than 2^31 ahead reads as behind
        assertThat(tl.isPassed(Integer.MIN_VALUE)).isTrue();
        assertThat(tl.isPassed(-1)).isTrue();
        tl.inc(Integer.MAX_VALUE);
        assertThat(tl.isPassed(Integer.MAX_VALUE)).isTrue();
        assertThat(tl.isPassed(Integer.MIN_VALUE)).isFalse();
        tl.inc(1);
        assertThat(tl.value()).isEqualTo(Integer.MIN_VALUE);
        assertThat(tl.isPassed(Integer.MIN_VALUE)).isTrue();
        assertThat(tl.isPassed(Integer.MAX_VALUE)).isTrue();
    }

    @Test
    void incSignalsPassedPointsInAscendingOrderAndStopsAtTheFirstPending() {
        List<Integer> order = new ArrayList<>();
        List<SyncPoint> pts = new ArrayList<>();
        for (int v : new int[] {3, 1, 5, 2}) {
            SyncPoint pt = tl.createFence(v);
            pt.addCallback(FenceCallback.of(f -> order.add(((SyncPoint) f).value())));
            pts.add(pt);
        }
        tl.inc(3);
        assertThat(order).containsExactly(1, 2, 3);
        assertThat(pts.get(2).isSignaledFlag()).isFalse();
        assertThat(tl.listedPoints()).extracting(SyncPoint::value).containsExactly(5);
        tl.inc(2);
        assertThat(order).containsExactly(1, 2, 3, 5);
        assertThat(tl.listedPoints()).isEmpty();
    }

    @Test
    void pointsAreOrderedAcrossTheWrap() {
        tl.inc(Integer.MAX_VALUE - 1);
        List<Integer> order = new ArrayList<>();
        for (int v : new int[] {Integer.MIN_VALUE + 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            tl.createFence(v).addCallback(FenceCallback.of(f -> order.add(((SyncPoint) f).value())));
        }
        assertThat(tl.listedPoints())
                .extracting(SyncPoint::value)
                .containsExactly(Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1);
        tl.inc(3);
        assertThat(order).containsExactly(Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1);
    }

    @Test
    void incOfMoreThanIntMaxStepsSoTheWrapRuleStaysMonotone() {
        SyncPoint pt = tl.createFence(1_000_000);
        // one addition of 0xFFFFFFFF would land on -1, from which 1_000_000 reads as ahead
        tl.inc(-1);
        assertThat(tl.value()).isEqualTo(-1);
        assertThat(pt.isSignaledFlag()).isTrue();
        assertThat(pt.status()).isEqualTo(1);
    }

    @Test
    void incOfZeroSignalsPointsAlreadyPassed() {
        tl.inc(5);
        SyncPoint born = tl.createFence(3);
        assertThat(born.isSignaledFlag()).isFalse();
        tl.inc(0);
        assertThat(born.isSignaledFlag()).isTrue();
        assertThat(tl.listedPoints()).isEmpty();
    }

    @Test
    void pointAtOrBelowTheValueIsBornSignalledButLinkedUntilTheNextInc() {
        tl.inc(10);
        clock.advanceNanos(7);
        SyncPoint born = tl.createFence(10);
        assertThat(tl.listedPoints()).containsExactly(born);
        assertThat(born.isSignaledFlag()).isFalse();
        assertThat(born.isSignaled()).isTrue();
        assertThat(born.status()).isEqualTo(1);
        assertThat(born.timestamp()).isEqualTo(clock.nanoTime());
        // still linked: the same value gives the same fence until an increment unlinks it
        assertThat(tl.createFence(10)).isSameAs(born);
        tl.inc(1);
        assertThat(tl.listedPoints()).isEmpty();
        assertThat(tl.createFence(10)).isNotSameAs(born);
    }

    @Test
    void sameValueWhileActiveReturnsTheExistingFence() {
        SyncPoint a = tl.createFence(5);
        assertThat(tl.createFence(5)).isSameAs(a);
        assertThat(tl.listedPoints()).containsExactly(a);
        tl.inc(5);
        SyncPoint b = tl.createFence(5);
        assertThat(b).isNotSameAs(a);
        assertThat(b.isSignaled()).isTrue();
    }

    @Test
    void signalTimestampsComeFromTheClock() {
        SyncPoint pt = tl.createFence(1);
        clock.advanceNanos(1234);
        tl.inc(1);
        assertThat(pt.timestamp()).isEqualTo(clock.nanoTime());
    }

    @Test
    void releaseFailsPendingPointsWithEnoent() {
        SyncPoint done = tl.createFence(1);
        SyncPoint pending = tl.createFence(2);
        SyncPoint later = tl.createFence(7);
        tl.inc(1);
        AtomicInteger woken = new AtomicInteger();
        pending.addCallback(FenceCallback.of(f -> woken.incrementAndGet()));
        tl.release();
        assertThat(done.status()).isEqualTo(1);
        assertThat(pending.status()).isEqualTo(Errno.ENOENT.negative());
        assertThat(later.status()).isEqualTo(-2);
        assertThat(woken).hasValue(1);
        assertThat(tl.isReleased()).isTrue();
    }

    @Test
    void releaseKeepsTheStatusOfALinkedPointThatAlreadySignalled() {
        tl.inc(3);
        SyncPoint born = tl.createFence(2);
        assertThat(born.isSignaled()).isTrue();
        SyncPoint unasked = tl.createFence(3);
        tl.release();
        assertThat(born.status()).isEqualTo(1);
        // passed but never asked: still pending at release, so it fails like any other
        assertThat(unasked.status()).isEqualTo(-2);
    }

    @Test
    void releaseIsIdempotentAndEndsPointCreation() {
        tl.release();
        tl.release();
        assertThatThrownBy(() -> tl.createFence(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void deadlineKeepsTheEarliestHint() {
        SyncPoint pt = tl.createFence(1);
        assertThat(pt.deadline()).isEmpty();
        pt.setDeadline(100);
        pt.setDeadline(50);
        pt.setDeadline(70);
        assertThat(pt.deadline()).isEqualTo(OptionalLong.of(50));
    }

    @Test
    void deadlineIsSignedNanoseconds() {
        SyncPoint pt = tl.createFence(1);
        pt.setDeadline(5);
        pt.setDeadline(-5);
        assertThat(pt.deadline()).isEqualTo(OptionalLong.of(-5));
    }

    @Test
    void deadlineAfterSignallingIsIgnored() {
        SyncPoint pt = tl.createFence(1);
        tl.inc(1);
        pt.setDeadline(100);
        assertThat(pt.deadline()).isEmpty();
    }

    @Test
    void nameIsCutTo31Bytes() {
        SwSyncTimeline longName = SwSyncTimeline.create("x".repeat(40), clock, debug);
        assertThat(longName.name()).hasSize(31);
    }

    /** Kernel selftest "test_stress_two_threads_shared_timeline", reduced: strict ordering across threads. */
    @Test
    void twoThreadsTakeTurnsOnOneTimeline() throws Exception {
        int iterations = 2000;
        int[] counter = {0};
        List<Throwable> failures = new ArrayList<>();
        Thread[] threads = new Thread[2];
        for (int id = 0; id < 2; id++) {
            int me = id;
            threads[id] = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < iterations; i++) {
                        int point = 2 * i + me;
                        SyncPoint pt = tl.createFence(point);
                        assertThat(pt.await(false)).isZero();
                        assertThat(counter[0]).isEqualTo(point);
                        counter[0]++;
                        tl.inc(1);
                    }
                } catch (Throwable t) {
                    synchronized (failures) {
                        failures.add(t);
                    }
                    tl.release();
                }
            });
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(failures).isEmpty();
        assertThat(counter[0]).isEqualTo(2 * iterations);
    }

    @Test
    void pointsAreFences() {
        Fence f = tl.createFence(1);
        assertThat(f).isInstanceOf(SyncPoint.class);
        assertThat(((SyncPoint) f).timeline()).isSameAs(tl);
    }
}
