package dev.uvgem.conformance;

import static dev.uvgem.conformance.FdPassing.receive;
import static dev.uvgem.conformance.FdPassing.send;
import static dev.uvgem.conformance.IgtSync.EBADF;
import static dev.uvgem.conformance.IgtSync.ENOENT;
import static dev.uvgem.conformance.IgtSync.ETIME;
import static dev.uvgem.conformance.IgtSync.STATUS_ACTIVE;
import static dev.uvgem.conformance.IgtSync.STATUS_ERROR;
import static dev.uvgem.conformance.IgtSync.STATUS_SIGNALED;
import static dev.uvgem.conformance.IgtSync.createFence;
import static dev.uvgem.conformance.IgtSync.inc;
import static dev.uvgem.conformance.IgtSync.merge;
import static dev.uvgem.conformance.IgtSync.syncFenceCountStatus;
import static dev.uvgem.conformance.IgtSync.syncFenceStatus;
import static dev.uvgem.conformance.IgtSync.syncFenceWait;
import static dev.uvgem.conformance.IgtSync.timelineCreate;
import static dev.uvgem.conformance.IgtSync.tryCreateFence;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IGT {@code tests/sw_sync.c}, its 18 subtests re-expressed through uvgem's syscall layer: sw_sync timelines
 * (CREATE_FENCE, INC, release) and the sync_files they hand out (MERGE, FILE_INFO, poll).
 *
 * <p>Each test boots its own kernel and runs as a privileged process, as IGT runs as root. A forked child is
 * another process of the same kernel on its own thread; what it inherits, or receives over the unix socket, it
 * gets by fd passing (the model of SCM_RIGHTS). The multi-threaded subtests keep IGT's schedule and assertions;
 * by default they run a reduced count, and their {@code Full} twins (tagged {@code stress}) run IGT's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class SwSyncTest extends BackendSuite {
    /** IGT's MULTI_CONSUMER_ITERATIONS. */
    static final int MULTI_CONSUMER_ITERATIONS = 1 << 12;
    /** The reduced per-thread count of the default run. */
    static final int MULTI_CONSUMER_ITERATIONS_QUICK = 1 << 8;
    /** IGT's multi_consumer_threads: at most 8, at most the online CPUs. */
    static final int MULTI_CONSUMER_THREADS = Math.min(8, Runtime.getRuntime().availableProcessors());
    /** IGT's igt_until_timeout(1) loops. */
    static final Duration ONE_SECOND = Duration.ofSeconds(1);
    /** The reduced loop length of the default run. */
    static final Duration QUICK_LOOP = Duration.ofMillis(200);
    /** How long joins wait for threads that should long be done. */
    static final Duration JOIN_DEADLINE = Duration.ofSeconds(30);

    @Test
    void allocTimeline() {
        int timeline = timelineCreate(sys);
        sys.close(timeline);
    }

    @Test
    void allocFence() {
        int timeline = timelineCreate(sys);
        int fence = createFence(sys, timeline, 0);
        sys.close(fence);
        sys.close(timeline);
    }

    @Test
    void allocFenceInvalidTimeline() {
        assertThat(tryCreateFence(sys, -1, 0))
                .as("CREATE_FENCE on fd -1 must fail (EBADF)")
                .isEqualTo(EBADF);
    }

    @Test
    void timelineClosed() {
        int timeline = timelineCreate(sys);
        int fence = createFence(sys, timeline, 1);

        sys.close(timeline);
        assertThat(syncFenceWait(sys, fence, 0))
                .as("an unsignalled point of a closed timeline is ready")
                .isZero();
        assertThat(syncFenceStatus(sys, fence))
                .as("an unsignalled point of a closed timeline fails with ENOENT")
                .isEqualTo(ENOENT);
        sys.close(fence);
    }

    @Test
    void timelineClosedSignaled() {
        int timeline = timelineCreate(sys);
        int fence = createFence(sys, timeline, 1);

        inc(sys, timeline, 1);
        sys.close(timeline);
        assertThat(syncFenceWait(sys, fence, 0))
                .as("a signalled point of a closed timeline is ready")
                .isZero();
        sys.close(fence);
    }

    @Test
    void allocMergeFence() {
        int[] timeline = {timelineCreate(sys), timelineCreate(sys)};
        int[] fence = {createFence(sys, timeline[0], 1), createFence(sys, timeline[1], 1)};
        int merged = merge(sys, fence[1], fence[0]);

        sys.close(fence[0]);
        sys.close(fence[1]);
        sys.close(merged);
        sys.close(timeline[0]);
        sys.close(timeline[1]);
    }

    @Test
    void syncBusy() {
        int timeline = timelineCreate(sys);
        int fence = createFence(sys, timeline, 5);

        assertThat(syncFenceWait(sys, fence, 0)).as("point 5 at value 0").isEqualTo(ETIME);
        inc(sys, timeline, 1);
        assertThat(syncFenceWait(sys, fence, 0)).as("point 5 at value 1").isEqualTo(ETIME);
        inc(sys, timeline, 4);
        assertThat(syncFenceWait(sys, fence, 0)).as("point 5 at value 5").isZero();
        inc(sys, timeline, 5);
        assertThat(syncFenceWait(sys, fence, 0)).as("point 5 at value 10").isZero();

        int seqno = 10;
        for (int prime : primesBelow(100)) {
            seqno += prime;
            int primeFence = createFence(sys, timeline, seqno);
            inc(sys, timeline, prime);
            assertThat(syncFenceWait(sys, primeFence, 0))
                    .as("point %d after INC %d", seqno, prime)
                    .isZero();
            sys.close(primeFence);
        }

        sys.close(fence);
        sys.close(timeline);
    }

    @Test
    void syncBusyFork() throws Exception {
        int timeline = timelineCreate(sys);
        int fence = createFence(sys, timeline, 1);

        assertThat(syncFenceWait(sys, fence, 0)).as("point 1 at value 0").isEqualTo(ETIME);

        // fork(): the child inherits the timeline fd.
        Uvgem child = env.process("igt-child", true);
        byte[] inherited = send(sys, timeline);
        try (SyncThreads children = new SyncThreads("sync_busy_fork", JOIN_DEADLINE)) {
            children.start("child", () -> {
                Syscalls csys = child.syscalls();
                int childTimeline = receive(csys, inherited);
                Thread.sleep(1000);
                inc(csys, childTimeline, 1);
                child.close(); // exit(): its copy of the timeline fd goes, the parent's stays
            });
            children.runMain(() -> assertThat(syncFenceWait(sys, fence, 2000))
                    .as("point 1 after the child's INC")
                    .isZero());
        }

        sys.close(fence);
        sys.close(timeline);
    }

    @Test
    void syncBusyForkUnixsocket() throws Exception {
        BlockingQueue<byte[]> socket = new LinkedBlockingQueue<>(); // the SOCK_DGRAM socketpair
        int timeline = timelineCreate(sys);
        int fence = createFence(sys, timeline, 1);

        Uvgem child = env.process("igt-child", true);
        try (SyncThreads children = new SyncThreads("sync_busy_fork_unixsocket", JOIN_DEADLINE)) {
            children.start("child", () -> {
                Syscalls csys = child.syscalls();
                byte[] message = socket.poll(JOIN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS); // recvmsg
                assertThat(message).as("recvmsg").isNotNull();
                int socketTimeline = receive(csys, message);
                inc(csys, socketTimeline, 1);
                child.close();
            });
            children.runMain(() -> {
                assertThat(syncFenceWait(sys, fence, 0))
                        .as("point 1 before sending the timeline")
                        .isEqualTo(ETIME);
                socket.add(send(sys, timeline)); // sendmsg with SCM_RIGHTS
                assertThat(syncFenceWait(sys, fence, 2000))
                        .as("point 1 after the child's INC through the received timeline fd")
                        .isZero();
            });
        }

        sys.close(fence);
        sys.close(timeline);
    }

    @Test
    void syncMergeInvalid() {
        int timeline = timelineCreate(sys);
        int fence = createFence(sys, timeline, 1);

        assertThat(merge(sys, fence, -1)).as("MERGE with fd2 = -1").isEqualTo(ENOENT);

        int device = (int) sys.open(Uvgem.CARD0, IgtSync.O_RDWR);
        assertThat(device).as("open %s", Uvgem.CARD0).isNotNegative();
        assertThat(merge(sys, fence, device))
                .as("MERGE with fd2 = a DRM device")
                .isEqualTo(ENOENT);
        sys.close(device);

        // The case means an ordinary file (IGT: an unlinked temp file); an eventfd is uvgem's ordinary file.
        int file = (int) sys.eventfd(0, 0);
        assertThat(file).as("eventfd").isNotNegative();
        assertThat(merge(sys, fence, file))
                .as("MERGE with fd2 = an ordinary file")
                .isEqualTo(ENOENT);
        sys.close(file);

        sys.close(fence);
        sys.close(timeline);
    }

    @Test
    void syncMerge() {
        int timeline = timelineCreate(sys);
        int[] fence = {createFence(sys, timeline, 1), createFence(sys, timeline, 2), createFence(sys, timeline, 3)};
        int merged = merge(sys, fence[0], fence[1]);
        merged = merge(sys, fence[2], merged);

        for (int i = 0; i < 3; i++) {
            assertThat(syncFenceCountStatus(sys, fence[i], STATUS_ACTIVE))
                    .as("active in fence %d", i)
                    .isEqualTo(1);
        }
        assertThat(syncFenceCountStatus(sys, merged, STATUS_ACTIVE))
                .as("active in the merge (one point per timeline)")
                .isEqualTo(1);

        for (int i = 0; i < 3; i++) {
            inc(sys, timeline, 1);
            assertThat(syncFenceCountStatus(sys, fence[i], STATUS_SIGNALED))
                    .as("fence %d signalled", i)
                    .isEqualTo(1);
            assertThat(syncFenceCountStatus(sys, merged, i < 2 ? STATUS_ACTIVE : STATUS_SIGNALED))
                    .as("merge %s at value %d", i < 2 ? "still active" : "signalled", i + 1)
                    .isEqualTo(1);
        }
        assertThat(syncFenceCountStatus(sys, merged, STATUS_ACTIVE))
                .as("merge active at value 3")
                .isZero();

        for (int f : fence) {
            sys.close(f);
        }
        sys.close(merged);
        sys.close(timeline);
    }

    @Test
    void syncMergeSame() {
        int timeline = timelineCreate(sys);
        int fence = createFence(sys, timeline, 1);
        int merged = merge(sys, fence, fence);
        assertThat(IgtSync.fdIsValid(sys, merged))
                .as("MERGE of a fence with itself: %d", merged)
                .isTrue();

        assertThat(syncFenceCountStatus(sys, fence, STATUS_SIGNALED))
                .as("signalled at value 0")
                .isZero();
        inc(sys, timeline, 1);
        assertThat(syncFenceCountStatus(sys, fence, STATUS_SIGNALED))
                .as("signalled at value 1")
                .isEqualTo(1);

        sys.close(fence);
        sys.close(merged);
        sys.close(timeline);
    }

    @Test
    void syncMultiTimelineWait() {
        int[] timeline = {timelineCreate(sys), timelineCreate(sys), timelineCreate(sys)};
        int[] fence = new int[3];
        for (int i = 0; i < 3; i++) {
            fence[i] = createFence(sys, timeline[i], 5);
        }
        int merged = merge(sys, fence[0], fence[1]);
        merged = merge(sys, fence[2], merged);

        assertThat(syncFenceCountStatus(sys, merged, STATUS_ACTIVE))
                .as("active before any INC")
                .isEqualTo(3);
        assertThat(syncFenceWait(sys, merged, 0)).as("merge before any INC").isEqualTo(ETIME);

        for (int i = 0; i < 3; i++) {
            inc(sys, timeline[i], 5);
            assertThat(syncFenceCountStatus(sys, merged, STATUS_ACTIVE))
                    .as("active after INC of timeline %d", i)
                    .isEqualTo(2 - i);
            assertThat(syncFenceCountStatus(sys, merged, STATUS_SIGNALED))
                    .as("signalled after INC of timeline %d", i)
                    .isEqualTo(i + 1);
        }

        assertThat(syncFenceWait(sys, merged, 100)).as("merge after every INC").isZero();

        for (int i = 0; i < 3; i++) {
            sys.close(fence[i]);
        }
        sys.close(merged);
        for (int i = 0; i < 3; i++) {
            sys.close(timeline[i]);
        }
    }

    @Test
    void syncMultiConsumer() throws Exception {
        multiConsumer(MULTI_CONSUMER_ITERATIONS_QUICK);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void syncMultiConsumerFull() throws Exception {
        multiConsumer(MULTI_CONSUMER_ITERATIONS);
    }

    /**
     * sync_multi_consumer: thread k waits (1 s at most) for point i·T+k and checks the main thread has counted
     * exactly that far; the main thread counts and advances by one per consumer post.
     */
    private void multiConsumer(int iterations) throws Exception {
        int threads = MULTI_CONSUMER_THREADS;
        int timeline = timelineCreate(sys);
        AtomicInteger counter = new AtomicInteger();
        Semaphore sem = new Semaphore(0);

        try (SyncThreads consumers = new SyncThreads("sync_multi_consumer", JOIN_DEADLINE)) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                consumers.start("consumer-" + id, () -> {
                    for (int i = 0; i < iterations; i++) {
                        int point = i * threads + id;
                        int fence = createFence(sys, timeline, point);
                        assertThat(syncFenceWait(sys, fence, 1000))
                                .as("thread %d waiting for point %d", id, point)
                                .isZero();
                        assertThat(counter.get())
                                .as("thread %d at point %d", id, point)
                                .isEqualTo(point);
                        sem.release();
                        sys.close(fence);
                    }
                });
            }
            consumers.runMain(() -> {
                for (int i = 0; i < threads * iterations; i++) {
                    assertThat(sem.tryAcquire(JOIN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                            .as("a consumer posted for point %d", i)
                            .isTrue();
                    counter.incrementAndGet();
                    inc(sys, timeline, 1);
                }
            });
        }

        sys.close(timeline);
        assertThat(counter.get()).isEqualTo(threads * iterations);
    }

    @Test
    void syncMultiConsumerProducer() throws Exception {
        multiConsumerProducer(MULTI_CONSUMER_ITERATIONS_QUICK);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void syncMultiConsumerProducerFull() throws Exception {
        multiConsumerProducer(MULTI_CONSUMER_ITERATIONS);
    }

    /**
     * sync_multi_consumer_producer: thread k waits for point i·T+k, claims it with a fetch-add that must return
     * exactly that point, and advances the timeline itself to hand over to the next thread.
     */
    private void multiConsumerProducer(int iterations) throws Exception {
        int threads = MULTI_CONSUMER_THREADS;
        int timeline = timelineCreate(sys);
        AtomicInteger counter = new AtomicInteger();

        try (SyncThreads workers = new SyncThreads("sync_multi_consumer_producer", JOIN_DEADLINE)) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers.start("worker-" + id, () -> {
                    for (int i = 0; i < iterations; i++) {
                        int point = i * threads + id;
                        int fence = createFence(sys, timeline, point);
                        assertThat(syncFenceWait(sys, fence, 1000))
                                .as("thread %d waiting for point %d", id, point)
                                .isZero();
                        assertThat(counter.getAndIncrement())
                                .as("thread %d at point %d", id, point)
                                .isEqualTo(point);
                        inc(sys, timeline, 1);
                        sys.close(fence);
                    }
                });
            }
            workers.runMain(() -> {});
        }

        sys.close(timeline);
        assertThat(counter.get()).isEqualTo(threads * iterations);
    }

    @Test
    void syncMultiProducerSingleConsumer() throws Exception {
        multiProducerSingleConsumer(QUICK_LOOP);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void syncMultiProducerSingleConsumerFull() throws Exception {
        multiProducerSingleConsumer(ONE_SECOND);
    }

    /**
     * sync_multi_producer_single_consumer: five producers wait for the consumer timeline (producer 0 by re-reading
     * FILE_INFO, never seeing an error entry), count, and advance their own timelines; the consumer waits for all
     * five, checks the count, and advances the consumer timeline. Closing the consumer timeline at the end releases
     * every producer: their pending points fail with ENOENT and their next CREATE_FENCE fails.
     */
    private void multiProducerSingleConsumer(Duration runFor) throws Exception {
        int n = 5;
        int consumerTimeline = timelineCreate(sys);
        int[] producerTimeline = new int[n];
        for (int i = 0; i < n; i++) {
            producerTimeline[i] = timelineCreate(sys);
        }
        AtomicInteger counter = new AtomicInteger();

        try (SyncThreads producers = new SyncThreads("sync_multi_producer_single_consumer", JOIN_DEADLINE)) {
            for (int p = 0; p < n; p++) {
                int id = p;
                producers.start("producer-" + id, () -> {
                    for (int seqno = 0; ; seqno++) {
                        int fence = tryCreateFence(sys, consumerTimeline, seqno);
                        if (fence < 0) {
                            break;
                        }
                        if (id % 8 != 0) {
                            assertThat(syncFenceWait(sys, fence, -1))
                                    .as("producer %d waiting for point %d", id, seqno)
                                    .isZero();
                        } else {
                            busyWaitOnFence(fence);
                        }
                        counter.incrementAndGet();
                        inc(sys, producerTimeline[id], 1);
                        sys.close(fence);
                    }
                });
            }
            producers.runMain(() -> {
                long end = System.nanoTime() + runFor.toNanos();
                int seqno = 0;
                while (System.nanoTime() - end < 0) {
                    seqno++;
                    int fence = createFence(sys, producerTimeline[0], seqno);
                    for (int i = 1; i < n; i++) {
                        int tmp = createFence(sys, producerTimeline[i], seqno);
                        int merged = merge(sys, tmp, fence);
                        sys.close(tmp);
                        sys.close(fence);
                        fence = merged;
                    }
                    assertThat(syncFenceWait(sys, fence, -1))
                            .as("every producer's point %d", seqno)
                            .isZero();
                    assertThat(counter.get()).as("count at round %d", seqno).isEqualTo(n * seqno);
                    inc(sys, consumerTimeline, 1);
                    sys.close(fence);
                }
                assertThat(seqno).as("rounds in %s", runFor).isPositive();
                sys.close(consumerTimeline);
            });
        }
        for (int i = 0; i < n; i++) {
            sys.close(producerTimeline[i]);
        }
    }

    /** The producers' alternate wait: re-read FILE_INFO until nothing is active, never seeing status -1. */
    private void busyWaitOnFence(int fence) {
        int active;
        do {
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("busy wait on fd " + fence + " cancelled");
            }
            assertThat(syncFenceCountStatus(sys, fence, STATUS_ERROR))
                    .as("error entries on fd %d", fence)
                    .isZero();
            active = syncFenceCountStatus(sys, fence, STATUS_ACTIVE);
        } while (active != 0);
    }

    @Test
    void syncExpiredMerge() {
        expiredMerge(QUICK_LOOP);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void syncExpiredMergeFull() {
        expiredMerge(ONE_SECOND);
    }

    /** sync_expired_merge: merges of a point born signalled are signalled; again and again for {@code runFor}. */
    private void expiredMerge(Duration runFor) {
        int timeline = timelineCreate(sys);
        inc(sys, timeline, 100);
        int expired = createFence(sys, timeline, 1);
        assertThat(syncFenceWait(sys, expired, 0)).as("point 1 at value 100").isZero();

        sys.close(merge(sys, expired, expired));

        long end = System.nanoTime() + runFor.toNanos();
        int rounds = 0;
        while (System.nanoTime() - end < 0) {
            int fence = merge(sys, expired, expired);
            assertThat(syncFenceWait(sys, fence, -1))
                    .as("merge %d of the expired point", rounds)
                    .isZero();
            sys.close(fence);
            rounds++;
        }
        assertThat(rounds).isPositive();

        sys.close(expired);
        sys.close(timeline);
    }

    @Test
    void syncRandomMerge() {
        int timelines = 32;
        int merges = 1024;
        long seed = System.nanoTime();
        Random rand = new Random(seed);
        int[] timeline = new int[timelines];
        int[] fenceMap = new int[timelines];
        for (int i = 0; i < timelines; i++) {
            timeline[i] = timelineCreate(sys);
            fenceMap[i] = -1;
        }

        int syncPt = rand.nextInt(Integer.MAX_VALUE);
        int fence = createFence(sys, timeline[0], syncPt);
        fenceMap[0] = syncPt;

        for (int i = 0; i < merges; i++) {
            int offset = rand.nextInt(timelines);
            syncPt = rand.nextInt(Integer.MAX_VALUE);
            if (fenceMap[offset] == -1 || fenceMap[offset] < syncPt) {
                fenceMap[offset] = syncPt;
            }
            int tmp = createFence(sys, timeline[offset], syncPt);
            int merged = merge(sys, tmp, fence);
            sys.close(tmp);
            sys.close(fence);
            fence = merged;
        }

        for (int i = 0; i < timelines; i++) {
            if (fenceMap[i] != -1) {
                assertThat(syncFenceWait(sys, fence, 0))
                        .as("merge before INC of timeline %d (seed %d)", i, seed)
                        .isEqualTo(ETIME);
                inc(sys, timeline[i], fenceMap[i]);
            }
        }
        assertThat(syncFenceWait(sys, fence, 1))
                .as("merge after every INC (seed %d)", seed)
                .isZero();

        sys.close(fence);
        for (int i = 0; i < timelines; i++) {
            sys.close(timeline[i]);
        }
    }

    // ---- helpers ----

    /** The primes below {@code limit}, ascending (IGT's for_each_prime_number). */
    static int[] primesBelow(int limit) {
        return IntStream.range(2, limit)
                .filter(p -> IntStream.rangeClosed(2, (int) Math.sqrt(p)).noneMatch(d -> p % d == 0))
                .toArray();
    }
}
