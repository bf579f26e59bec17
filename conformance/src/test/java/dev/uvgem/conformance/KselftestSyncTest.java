package dev.uvgem.conformance;

import static dev.uvgem.conformance.KselftestSync.FENCE_STATUS_ACTIVE;
import static dev.uvgem.conformance.KselftestSync.FENCE_STATUS_SIGNALED;
import static dev.uvgem.conformance.KselftestSync.busyWaitOnFence;
import static dev.uvgem.conformance.KselftestSync.countWithStatus;
import static dev.uvgem.conformance.KselftestSync.destroy;
import static dev.uvgem.conformance.KselftestSync.fenceCreate;
import static dev.uvgem.conformance.KselftestSync.fenceSize;
import static dev.uvgem.conformance.KselftestSync.isValid;
import static dev.uvgem.conformance.KselftestSync.merge;
import static dev.uvgem.conformance.KselftestSync.syncWait;
import static dev.uvgem.conformance.KselftestSync.timelineCreate;
import static dev.uvgem.conformance.KselftestSync.timelineInc;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel's sync selftests ({@code tools/testing/selftests/sync}), their 10 tests re-expressed through uvgem's
 * syscall layer. The runner forks a child per test; here each test boots its own kernel and runs as a privileged
 * process named after the runner. The three stress tests run a reduced count by default with the same
 * assertions; their {@code Full} twins (tagged {@code stress}) run the selftests' counts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class KselftestSyncTest extends BackendSuite {
    /** The two-thread test's iterations per thread (1 &lt;&lt; 16). */
    static final int TWO_THREADS_ITERATIONS = 1 << 16;
    /** The producer/consumer test's iterations (1 &lt;&lt; 12). */
    static final int MPSC_ITERATIONS = 1 << 12;
    /** The random merge test's merges (1024 · 32). */
    static final int RANDOM_MERGES = 1024 * 32;
    /** How long joins wait for threads that should long be done. */
    static final Duration JOIN_DEADLINE = Duration.ofSeconds(60);

    @BeforeEach
    void boot() {
        sys = env.process("sync_test", true).syscalls();
    }

    @Test
    void testAllocTimeline() {
        int timeline = timelineCreate(sys);
        assertThat(isValid(sys, timeline)).as("Failure allocating timeline").isTrue();
        destroy(sys, timeline);
    }

    @Test
    void testAllocFence() {
        int timeline = timelineCreate(sys);
        assertThat(isValid(sys, timeline)).as("Failure allocating timeline").isTrue();
        int fence = fenceCreate(sys, timeline, "allocFence", 1);
        assertThat(isValid(sys, fence)).as("Failure allocating fence").isTrue();
        destroy(sys, fence);
        destroy(sys, timeline);
    }

    @Test
    void testAllocFenceNegative() {
        int timeline = timelineCreate(sys);
        assertThat(timeline).as("Failure allocating timeline").isPositive();
        int fence = fenceCreate(sys, -1, "fence", 1);
        assertThat(fence).as("Success allocating negative fence").isNegative();
        destroy(sys, fence);
        destroy(sys, timeline);
    }

    @Test
    void testFenceOneTimelineWait() {
        int timeline = timelineCreate(sys);
        assertThat(isValid(sys, timeline)).as("Failure allocating timeline").isTrue();
        int fence = fenceCreate(sys, timeline, "allocFence", 5);
        assertThat(isValid(sys, fence)).as("Failure allocating fence").isTrue();

        assertThat(syncWait(sys, fence, 0)).as("point 5 at value 0 times out").isZero();
        assertThat(timelineInc(sys, timeline, 1))
                .as("Failure advancing timeline")
                .isZero();
        assertThat(syncWait(sys, fence, 0)).as("point 5 at value 1 times out").isZero();
        assertThat(timelineInc(sys, timeline, 4))
                .as("Failure signaling the fence")
                .isZero();
        assertThat(syncWait(sys, fence, 0))
                .as("point 5 at value 5 is signalled")
                .isPositive();
        assertThat(timelineInc(sys, timeline, 10)).as("Failure going further").isZero();
        assertThat(syncWait(sys, fence, 0))
                .as("point 5 at value 15 is signalled")
                .isPositive();

        destroy(sys, fence);
        destroy(sys, timeline);
    }

    /**
     * test_fence_one_timeline_merge. The C test means to check that a, b, c and d each hold one active point but,
     * by a slip, checks a four times; this checks the four it names, which covers what the C code checks.
     */
    @Test
    void testFenceOneTimelineMerge() {
        int timeline = timelineCreate(sys);
        int a = fenceCreate(sys, timeline, "allocFence", 1);
        int b = fenceCreate(sys, timeline, "allocFence", 2);
        int c = fenceCreate(sys, timeline, "allocFence", 3);
        assertThat(isValid(sys, a) && isValid(sys, b) && isValid(sys, c))
                .as("Failure allocating fences")
                .isTrue();

        int d = merge(sys, "mergeFence", b, a);
        d = merge(sys, "mergeFence", c, d);
        assertThat(isValid(sys, d)).as("Failure merging fences").isTrue();

        assertThat(countWithStatus(sys, a, FENCE_STATUS_ACTIVE)).as("a active").isEqualTo(1);
        assertThat(countWithStatus(sys, b, FENCE_STATUS_ACTIVE)).as("b active").isEqualTo(1);
        assertThat(countWithStatus(sys, c, FENCE_STATUS_ACTIVE)).as("c active").isEqualTo(1);
        assertThat(countWithStatus(sys, d, FENCE_STATUS_ACTIVE)).as("d active").isEqualTo(1);

        timelineInc(sys, timeline, 1);
        assertThat(countWithStatus(sys, a, FENCE_STATUS_SIGNALED))
                .as("a did not signal")
                .isEqualTo(1);
        assertThat(countWithStatus(sys, d, FENCE_STATUS_ACTIVE))
                .as("d signaled too early")
                .isEqualTo(1);

        timelineInc(sys, timeline, 1);
        assertThat(countWithStatus(sys, b, FENCE_STATUS_SIGNALED))
                .as("b did not signal")
                .isEqualTo(1);
        assertThat(countWithStatus(sys, d, FENCE_STATUS_ACTIVE))
                .as("d signaled too early")
                .isEqualTo(1);

        timelineInc(sys, timeline, 1);
        assertThat(countWithStatus(sys, c, FENCE_STATUS_SIGNALED))
                .as("c did not signal")
                .isEqualTo(1);
        assertThat(countWithStatus(sys, d, FENCE_STATUS_ACTIVE))
                .as("d active at 3")
                .isZero();
        assertThat(countWithStatus(sys, d, FENCE_STATUS_SIGNALED))
                .as("d signalled at 3")
                .isEqualTo(1);

        destroy(sys, d);
        destroy(sys, c);
        destroy(sys, b);
        destroy(sys, a);
        destroy(sys, timeline);
    }

    @Test
    void testFenceMergeSameFence() {
        int timeline = timelineCreate(sys);
        assertThat(isValid(sys, timeline)).as("Failure allocating timeline").isTrue();
        int fence = fenceCreate(sys, timeline, "allocFence", 5);
        assertThat(isValid(sys, fence)).as("Failure allocating fence").isTrue();

        int merged = merge(sys, "mergeFence", fence, fence);
        assertThat(isValid(sys, fence)).as("Failure merging fence").isTrue();

        assertThat(countWithStatus(sys, merged, FENCE_STATUS_SIGNALED))
                .as("fence signaled too early")
                .isZero();
        timelineInc(sys, timeline, 5);
        assertThat(countWithStatus(sys, merged, FENCE_STATUS_SIGNALED))
                .as("fence did not signal")
                .isEqualTo(1);

        destroy(sys, merged);
        destroy(sys, fence);
        destroy(sys, timeline);
    }

    @Test
    void testFenceMultiTimelineWait() {
        int timelineA = timelineCreate(sys);
        int timelineB = timelineCreate(sys);
        int timelineC = timelineCreate(sys);
        int fenceA = fenceCreate(sys, timelineA, "fenceA", 5);
        int fenceB = fenceCreate(sys, timelineB, "fenceB", 5);
        int fenceC = fenceCreate(sys, timelineC, "fenceC", 5);

        int merged = merge(sys, "mergeFence", fenceB, fenceA);
        merged = merge(sys, "mergeFence", fenceC, merged);
        assertThat(isValid(sys, merged))
                .as("Failure merging fence from various timelines")
                .isTrue();

        assertThat(countWithStatus(sys, merged, FENCE_STATUS_ACTIVE))
                .as("Fence signaled too early")
                .isEqualTo(3);
        assertThat(syncWait(sys, merged, 0)).as("wait until timeout").isZero();

        int[] timelines = {timelineA, timelineB, timelineC};
        for (int i = 0; i < 3; i++) {
            timelineInc(sys, timelines[i], 5);
            assertThat(countWithStatus(sys, merged, FENCE_STATUS_ACTIVE))
                    .as("active after INC of timeline %c", 'A' + i)
                    .isEqualTo(2 - i);
            assertThat(countWithStatus(sys, merged, FENCE_STATUS_SIGNALED))
                    .as("signalled after INC of timeline %c", 'A' + i)
                    .isEqualTo(i + 1);
        }

        assertThat(syncWait(sys, merged, 100))
                .as("Failure waiting on signaled fence")
                .isPositive();

        destroy(sys, merged);
        destroy(sys, fenceC);
        destroy(sys, fenceB);
        destroy(sys, fenceA);
        destroy(sys, timelineC);
        destroy(sys, timelineB);
        destroy(sys, timelineA);
    }

    @Test
    void testStressTwoThreadsSharedTimeline() throws Exception {
        stressTwoThreadsSharedTimeline(1 << 11);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void testStressTwoThreadsSharedTimelineFull() throws Exception {
        stressTwoThreadsSharedTimeline(TWO_THREADS_ITERATIONS);
    }

    /** The counter the two threads hand back and forth: deliberately a plain field, as the C test's plain int. */
    private static final class Counter {
        int value;
    }

    /**
     * test_stress_two_threads_shared_timeline: thread t waits for point 2i+t, finds the plain (unsynchronised)
     * counter at exactly 2i+t, bumps it and advances the timeline to wake the other thread. The signal→wake edge
     * is all that orders the two threads' accesses to the counter.
     */
    private void stressTwoThreadsSharedTimeline(int iterations) throws Exception {
        int timeline = timelineCreate(sys);
        assertThat(isValid(sys, timeline)).as("Failure allocating timeline").isTrue();
        Counter counter = new Counter();

        try (SyncThreads threads = new SyncThreads("two_threads_shared_timeline", JOIN_DEADLINE)) {
            for (int t = 0; t < 2; t++) {
                int id = t;
                threads.start("thread-" + id, () -> {
                    for (int i = 0; i < iterations; i++) {
                        int point = i * 2 + id;
                        int fence = fenceCreate(sys, timeline, "fence", point);
                        if (!isValid(sys, fence)) {
                            throw new AssertionError("Failure allocating fence at point " + point);
                        }
                        if (syncWait(sys, fence, -1) <= 0) {
                            throw new AssertionError("Problem occurred on prior thread at point " + point);
                        }
                        if (counter.value != point) {
                            throw new AssertionError("Counter got damaged: " + counter.value + " at point " + point);
                        }
                        counter.value++;
                        if (timelineInc(sys, timeline, 1) != 0) {
                            throw new AssertionError("Advancing timeline failed at point " + point);
                        }
                        destroy(sys, fence);
                    }
                });
            }
            threads.runMain(() -> {});
        }

        assertThat(counter.value).as("Counter has unexpected value").isEqualTo(iterations * 2);
        destroy(sys, timeline);
    }

    @Test
    void testConsumerStressMultiProducerSingleConsumer() throws Exception {
        consumerStressMultiProducerSingleConsumer(1 << 7);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void testConsumerStressMultiProducerSingleConsumerFull() throws Exception {
        consumerStressMultiProducerSingleConsumer(MPSC_ITERATIONS);
    }

    /**
     * test_consumer_stress_multi_producer_single_consumer: five producers wait for point i of the consumer
     * timeline (the one with (iterations+id) % 8 == 0 by re-reading FILE_INFO, never seeing an error entry), count
     * under a lock and advance their own timelines; the consumer merges point {@code it} of all five, waits (by
     * re-reading FILE_INFO when iterations % 8 == 0), checks the count is 5·it, and advances the consumer
     * timeline. Reduced counts stay multiples of 8 so the same threads busy-poll.
     */
    private void consumerStressMultiProducerSingleConsumer(int iterations) throws Exception {
        int n = 5;
        int consumerTimeline = timelineCreate(sys);
        int[] producerTimelines = new int[n];
        for (int i = 0; i < n; i++) {
            producerTimelines[i] = timelineCreate(sys);
        }
        Object lock = new Object();
        int[] counter = {0}; // guarded by lock

        try (SyncThreads producers = new SyncThreads("consumer_stress_mpsc", JOIN_DEADLINE)) {
            for (int p = 0; p < n; p++) {
                int id = p;
                producers.start("producer-" + id, () -> {
                    for (int i = 0; i < iterations; i++) {
                        int fence = fenceCreate(sys, consumerTimeline, "fence", i);
                        if (!isValid(sys, fence)) {
                            throw new AssertionError("Failure creating fence at " + i);
                        }
                        if ((iterations + id) % 8 != 0) {
                            if (syncWait(sys, fence, -1) <= 0) {
                                throw new AssertionError("Failure waiting on fence at " + i);
                            }
                        } else {
                            busyWaitOnFence(sys, fence);
                        }
                        synchronized (lock) {
                            counter[0]++;
                        }
                        if (timelineInc(sys, producerTimelines[id], 1) != 0) {
                            throw new AssertionError("Error advancing producer timeline at " + i);
                        }
                        destroy(sys, fence);
                    }
                });
            }
            producers.runMain(() -> {
                for (int it = 1; it <= iterations; it++) {
                    int fence = fenceCreate(sys, producerTimelines[0], "name", it);
                    for (int i = 1; i < n; i++) {
                        int tmp = fenceCreate(sys, producerTimelines[i], "name", it);
                        int merged = merge(sys, "name", tmp, fence);
                        destroy(sys, tmp);
                        destroy(sys, fence);
                        fence = merged;
                    }
                    assertThat(isValid(sys, fence))
                            .as("Failure merging fences at %d", it)
                            .isTrue();
                    if (iterations % 8 != 0) {
                        assertThat(syncWait(sys, fence, -1))
                                .as("Producers did not increment as expected at %d", it)
                                .isPositive();
                    } else {
                        busyWaitOnFence(sys, fence);
                    }
                    int seen;
                    synchronized (lock) {
                        seen = counter[0];
                    }
                    assertThat(seen).as("Counter value mismatch at %d", it).isEqualTo(n * it);
                    assertThat(timelineInc(sys, consumerTimeline, 1))
                            .as("Failure releasing producer threads")
                            .isZero();
                    destroy(sys, fence);
                }
            });
        }

        destroy(sys, consumerTimeline);
        for (int i = 0; i < n; i++) {
            destroy(sys, producerTimelines[i]);
        }
    }

    @Test
    void testMergeStressRandomMerge() {
        mergeStressRandomMerge(1024 * 4);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void testMergeStressRandomMergeFull() {
        mergeStressRandomMerge(RANDOM_MERGES);
    }

    /**
     * test_merge_stress_random_merge: 32 timelines, a fence at point 0 of the first, then random points on random
     * timelines merged one by one into it; one entry per timeline used survives, each the largest point, and the
     * merge signals only once every timeline has reached its largest point.
     */
    private void mergeStressRandomMerge(int merges) {
        int timelineCount = 32;
        long seed = System.nanoTime();
        Random rand = new Random(seed);
        int[] timelines = new int[timelineCount];
        int[] fenceMap = new int[timelineCount];
        for (int i = 0; i < timelineCount; i++) {
            timelines[i] = timelineCreate(sys);
            fenceMap[i] = -1;
        }

        int fence = fenceCreate(sys, timelines[0], "fence", 0);
        assertThat(isValid(sys, fence)).as("Failure creating fence").isTrue();
        fenceMap[0] = 0;

        for (int i = 0; i < merges; i++) {
            int offset = rand.nextInt(timelineCount);
            int syncPoint = rand.nextInt(Integer.MAX_VALUE);
            if (fenceMap[offset] == -1 || fenceMap[offset] < syncPoint) {
                fenceMap[offset] = syncPoint;
            }
            int tmp = fenceCreate(sys, timelines[offset], "fence", syncPoint);
            int merged = merge(sys, "merge", tmp, fence);
            destroy(sys, tmp);
            destroy(sys, fence);
            fence = merged;
            assertThat(isValid(sys, merged))
                    .as("Failure creating fence %d (seed %d)", i, seed)
                    .isTrue();
        }

        int size = 0;
        for (int i = 0; i < timelineCount; i++) {
            if (fenceMap[i] != -1) {
                size++;
            }
        }
        assertThat(fenceSize(sys, fence))
                .as("Quantity of elements not matching (seed %d)", seed)
                .isEqualTo(size);

        for (int i = 0; i < timelineCount; i++) {
            if (fenceMap[i] != -1) {
                assertThat(syncWait(sys, fence, 0))
                        .as("wait before INC of timeline %d (seed %d)", i, seed)
                        .isZero();
                timelineInc(sys, timelines[i], fenceMap[i]);
            }
        }
        assertThat(syncWait(sys, fence, 0))
                .as("Failure triggering fence (seed %d)", seed)
                .isPositive();

        destroy(sys, fence);
        for (int i = 0; i < timelineCount; i++) {
            destroy(sys, timelines[i]);
        }
    }
}
