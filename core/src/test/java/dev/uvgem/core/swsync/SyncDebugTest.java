package dev.uvgem.core.swsync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.VirtualClock;
import java.lang.ref.Reference;
import org.junit.jupiter.api.Test;

class SyncDebugTest {
    private static final String HEADER = "objs:\n--------------\n";
    private static final String FOOTER = "fences:\n--------------\n";

    private final VirtualClock clock = new VirtualClock(1_000_000_000L);
    private final SyncDebug debug = new SyncDebug();

    @Test
    void emptyRegistryPrintsBothHeaders() {
        assertThat(debug.info()).isEqualTo(HEADER + FOOTER);
    }

    @Test
    void timelineWithActiveSignalledAndErrorPoints() {
        SwSyncTimeline a = SwSyncTimeline.create("producer", clock, debug);
        SwSyncTimeline b = SwSyncTimeline.create("consumer", clock, debug);
        a.inc(5);
        SyncPoint born = a.createFence(3);
        SyncPoint p7 = a.createFence(7);
        SyncPoint p9 = a.createFence(9);
        SyncPoint q = b.createFence(1);
        clock.advanceNanos(1_000_000_123L);
        assertThat(born.isSignaled()).isTrue();

        assertThat(debug.info())
                .isEqualTo(HEADER
                        + "producer: 5\n"
                        + "  fence signaled@2.000000123\n"
                        + "  fence active\n"
                        + "  fence active\n"
                        + "\n"
                        + "consumer: 0\n"
                        + "  fence active\n"
                        + "\n"
                        + FOOTER);

        clock.advanceNanos(1_500_000_000L);
        a.release();
        assertThat(debug.info())
                .isEqualTo(HEADER
                        + "producer: 5\n"
                        + "  fence signaled@2.000000123\n"
                        + "  fence error@3.500000123\n"
                        + "  fence error@3.500000123\n"
                        + "\n"
                        + "consumer: 0\n"
                        + "  fence active\n"
                        + "\n"
                        + FOOTER);
        // a released timeline lists only points still reachable
        Reference.reachabilityFence(p7);
        Reference.reachabilityFence(p9);
        Reference.reachabilityFence(q);
    }

    @Test
    void readingTheInfoSignalsAPassedPoint() {
        SwSyncTimeline tl = SwSyncTimeline.create("t", clock, debug);
        tl.inc(2);
        SyncPoint pt = tl.createFence(1);
        clock.advanceNanos(5);
        assertThat(pt.isSignaledFlag()).isFalse();
        assertThat(debug.info()).isEqualTo(HEADER + "t: 2\n  fence signaled@1.000000005\n\n" + FOOTER);
        assertThat(pt.isSignaledFlag()).isTrue();
    }

    @Test
    void pointsPassedByAnIncrementLeaveTheList() {
        SwSyncTimeline tl = SwSyncTimeline.create("t", clock, debug);
        tl.createFence(1);
        tl.createFence(2);
        tl.inc(1);
        assertThat(debug.info()).isEqualTo(HEADER + "t: 1\n  fence active\n\n" + FOOTER);
    }

    @Test
    void valueIsPrintedSigned() {
        SwSyncTimeline tl = SwSyncTimeline.create("t", clock, debug);
        tl.inc(-1);
        assertThat(debug.info()).isEqualTo(HEADER + "t: -1\n\n" + FOOTER);
    }

    @Test
    void releasedTimelineWithoutPointsIsUnlistedAtOnce() {
        SwSyncTimeline tl = SwSyncTimeline.create("t", clock, debug);
        tl.createFence(1);
        tl.inc(1);
        tl.release();
        assertThat(debug.timelines()).isEmpty();
        assertThat(debug.info()).isEqualTo(HEADER + FOOTER);
    }

    @Test
    void releasedTimelineIsUnlistedOnceItsPointsAreCollected() throws InterruptedException {
        SwSyncTimeline tl = SwSyncTimeline.create("t", clock, debug);
        createUnreferencedPoints(tl);
        tl.release();
        for (int i = 0; i < 100 && !debug.timelines().isEmpty(); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(debug.timelines()).isEmpty();
    }

    private static void createUnreferencedPoints(SwSyncTimeline tl) {
        tl.createFence(1);
        tl.createFence(2);
    }

    @Test
    void kernelsDoNotShareTimelines() {
        SyncDebug other = new SyncDebug();
        SwSyncTimeline.create("mine", clock, debug);
        assertThat(other.info()).isEqualTo(HEADER + FOOTER);
        assertThat(debug.info()).contains("mine: 0\n");
    }
}
