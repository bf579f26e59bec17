package dev.uvgem.drivers.sched;

import static dev.uvgem.core.testsupport.ErrnoAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.trace.TraceEvent;
import dev.uvgem.core.trace.TraceRecorder;
import dev.uvgem.core.trace.Track;
import dev.uvgem.drivers.vgem.VgemFence;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler's behaviour (consumer-semantics §4), on a virtual clock and a direct executor. */
class GpuSchedulerTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final VirtualClock clock = new VirtualClock();
    private final TestBackend backend = new TestBackend(clock);

    private GpuScheduler scheduler(int creditLimit, GpuScheduler.TdrMode mode) {
        return new GpuScheduler("ring0", backend, clock, TIMEOUT, creditLimit, mode, Runnable::run);
    }

    private GpuScheduler scheduler() {
        return scheduler(1, GpuScheduler.TdrMode.RESTART_ON_JOB_START);
    }

    private static SchedJob push(SchedEntity entity, Fence... deps) {
        SchedJob job = new SchedJob(entity, 1);
        for (Fence d : deps) {
            job.addDependency(d);
        }
        job.arm();
        entity.pushJob(job);
        return job;
    }

    private Fence foreign() {
        return Fence.create(clock, "test", "foreign", FenceContext.allocate(), 1);
    }

    @Test
    void jobFencesLieOnTwoConsecutiveContextsWithOneSeqno() {
        SchedEntity e = new SchedEntity(scheduler());
        SchedJob a = push(e);
        SchedJob b = push(e);
        assertThat(a.finished().context()).isEqualTo(a.scheduled().context() + 1);
        assertThat(a.scheduled().context()).isEqualTo(e.fenceContext());
        assertThat(List.of(
                        a.scheduled().seqno(),
                        a.finished().seqno(),
                        b.finished().seqno()))
                .containsExactly(1L, 1L, 2L);
        assertThat(a.finished().driverName()).isEqualTo("drm_sched");
        assertThat(a.finished().timelineName()).isEqualTo("ring0");
        assertThat(SchedFence.of(a.finished())).isSameAs(a.fence());
        assertThat(SchedFence.of(foreign())).isNull();
    }

    @Test
    void aJobRunsOnlyAfterItsDependenciesAndSignalsScheduledThenFinished() {
        SchedEntity e = new SchedEntity(scheduler());
        Fence d1 = foreign();
        Fence d2 = foreign();
        SchedJob job = push(e, d1, d2);
        assertThat(backend.ran).isEmpty();
        d2.signal();
        assertThat(backend.ran).isEmpty();
        d1.signal();
        assertThat(backend.ran).containsExactly(job);
        assertThat(job.scheduled().isSignaled()).isTrue();
        assertThat(job.finished().isSignaled()).isFalse();
        assertThat(job.fence().parent()).isSameAs(backend.hw.get(job));
        backend.complete(job, 0);
        assertThat(job.finished().status()).isEqualTo(1);
        assertThat(backend.freed).containsExactly(job);
    }

    @Test
    void eachDependencyWaitFiresTheWaitTracepointsOnTheEntitysTrack() {
        SchedEntity e = new SchedEntity(scheduler());
        Fence d1 = foreign();
        Fence d2 = foreign();
        List<TraceEvent> waits;
        long t0 = clock.nanoTime();
        try (TraceRecorder rec = TraceRecorder.start()) {
            push(e, d1, d2);
            clock.advanceNanos(10);
            d1.signal();
            clock.advanceNanos(10);
            d2.signal();
            waits = rec.events().stream()
                    .filter(ev -> ev instanceof TraceEvent.FenceWaitStart || ev instanceof TraceEvent.FenceWaitEnd)
                    .toList();
        }
        Track track = new Track("gpu", e + " waits");
        assertThat(waits)
                .containsExactly(
                        new TraceEvent.FenceWaitStart(t0, d1.traceRef(), track),
                        new TraceEvent.FenceWaitEnd(t0 + 10, d1.traceRef(), track, 1),
                        new TraceEvent.FenceWaitStart(t0 + 10, d2.traceRef(), track),
                        new TraceEvent.FenceWaitEnd(t0 + 20, d2.traceRef(), track, 1));
        assertThat(backend.ran).hasSize(1);
    }

    @Test
    void theHardwareFenceErrorBecomesTheJobs() {
        SchedEntity e = new SchedEntity(scheduler());
        SchedJob job = push(e);
        backend.complete(job, Errno.EIO.negative());
        assertThat(job.finished().status()).isEqualTo(Errno.EIO.negative());
        assertThat(e.error()).isEqualTo(Errno.EIO.negative());
    }

    @Test
    void dependenciesKeepTheLaterFenceOfAContext() {
        SchedEntity e = new SchedEntity(scheduler());
        long ctx = FenceContext.allocate();
        Fence early = Fence.create(clock, "t", "t", ctx, 1);
        Fence late = Fence.create(clock, "t", "t", ctx, 2);
        SchedJob job = new SchedJob(e, 1);
        job.addDependency(late);
        job.addDependency(early);
        job.addDependency(null);
        assertThat(job.dependencies()).containsExactly(late);
    }

    @Test
    void waitingOnItselfOrALaterJobOfItsEntityIsADeadlock() {
        SchedEntity e = new SchedEntity(scheduler());
        SchedJob first = push(e);
        SchedJob job = new SchedJob(e, 1);
        job.arm();
        job.addDependency(first.finished());
        assertErrno(Errno.EDEADLK, () -> job.addDependency(job.finished()));
        assertErrno(Errno.EDEADLK, () -> job.addDependency(job.scheduled()));
        e.pushJob(job);
    }

    @Test
    void jobInitChecksCreditsAndTheEntity() {
        SchedEntity e = new SchedEntity(scheduler());
        assertErrno(Errno.EINVAL, () -> new SchedJob(e, 0));
        e.kill();
        assertErrno(Errno.ENOENT, () -> new SchedJob(e, 1));
    }

    @Test
    void anEntityRunsInOrderAndABlockedEntityDoesNotHoldUpAnother() {
        GpuScheduler sched = scheduler(2, GpuScheduler.TdrMode.RESTART_ON_JOB_START);
        SchedEntity blocked = new SchedEntity(sched);
        SchedEntity free = new SchedEntity(sched);
        Fence never = foreign();
        SchedJob b1 = push(blocked, never);
        SchedJob b2 = push(blocked);
        SchedJob f1 = push(free);
        assertThat(backend.ran).containsExactly(f1);
        backend.complete(f1, 0);
        assertThat(backend.ran).containsExactly(f1);
        never.signal();
        assertThat(backend.ran).containsExactly(f1, b1, b2);
    }

    @Test
    void jobsRetireInOrderEvenWhenTheHardwareCompletesThemOutOfOrder() {
        SchedEntity e = new SchedEntity(scheduler(2, GpuScheduler.TdrMode.RESTART_ON_JOB_START));
        SchedJob a = push(e);
        SchedJob b = push(e);
        assertThat(backend.ran).containsExactly(a, b);
        backend.complete(b, 0);
        assertThat(b.finished().isSignaled()).isTrue();
        assertThat(backend.freed).isEmpty();
        backend.complete(a, 0);
        assertThat(backend.freed).containsExactly(a, b);
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void theCreditLimitBoundsJobsOnTheHardware() {
        GpuScheduler sched = scheduler(2, GpuScheduler.TdrMode.RESTART_ON_JOB_START);
        SchedEntity e = new SchedEntity(sched);
        SchedJob a = push(e);
        SchedJob b = push(e);
        SchedJob c = push(e);
        assertThat(sched.pendingJobs()).containsExactly(a, b);
        backend.complete(a, 0);
        assertThat(backend.ran).containsExactly(a, b, c);
    }

    @Test
    void aFinishedFenceOfTheSameSchedulerIsPipelinedThroughItsScheduledFence() {
        GpuScheduler sched = scheduler(2, GpuScheduler.TdrMode.RESTART_ON_JOB_START);
        SchedEntity producer = new SchedEntity(sched);
        SchedEntity consumer = new SchedEntity(sched);
        SchedJob p = push(producer);
        SchedJob c = push(consumer, p.finished());
        assertThat(p.finished().isSignaled()).isFalse();
        assertThat(backend.ran).containsExactly(p, c);
    }

    @Test
    void aFinishedFenceOfAnotherSchedulerIsWaitedForWhole() {
        SchedEntity producer = new SchedEntity(scheduler());
        SchedEntity consumer = new SchedEntity(scheduler());
        SchedJob p = push(producer);
        SchedJob c = push(consumer, p.finished());
        assertThat(backend.ran).containsExactly(p);
        backend.complete(p, 0);
        assertThat(backend.ran).containsExactly(p, c);
    }

    @Test
    void aTimeoutKillsTheJobWithTheDriversErrorAndLeavesNoTimer() {
        GpuScheduler sched = scheduler();
        SchedEntity e = new SchedEntity(sched);
        SchedJob hung = push(e);
        SchedJob next = push(e);
        assertThat(sched.isTimeoutArmed()).isTrue();
        clock.advance(TIMEOUT.minusNanos(1));
        assertThat(backend.timedOut).isEmpty();
        clock.advanceNanos(1);
        assertThat(backend.timedOut).containsExactly(hung);
        assertThat(hung.finished().status()).isEqualTo(Errno.ETIME.negative());
        assertThat(backend.ran).containsExactly(hung, next);
        backend.complete(next, 0);
        assertThat(next.finished().status()).isEqualTo(1);
        assertThat(backend.freed).containsExactly(hung, next);
        assertThat(sched.isTimeoutArmed()).isFalse();
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void aFaultRunsTheTimeoutHandlerAtOnce() {
        GpuScheduler sched = scheduler();
        assertThat(sched.timeout()).isEqualTo(TIMEOUT);
        SchedJob job = push(new SchedEntity(sched));
        sched.fault();
        assertThat(backend.timedOut).containsExactly(job);
        assertThat(job.finished().status()).isEqualTo(Errno.ETIME.negative());
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void withoutATimeoutThereIsNoTdr() {
        GpuScheduler sched = new GpuScheduler(
                "ring", backend, clock, null, 1, GpuScheduler.TdrMode.RESTART_ON_JOB_START, Runnable::run);
        assertThat(sched.timeout()).isNull();
        push(new SchedEntity(sched));
        assertThat(sched.isTimeoutArmed()).isFalse();
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void aFalseAlarmPutsTheJobBackAndReArmsTheTimer() {
        GpuScheduler sched = scheduler();
        SchedEntity e = new SchedEntity(sched);
        SchedJob slow = push(e);
        backend.onTimeout = job -> GpuSchedStat.NO_HANG;
        clock.advance(TIMEOUT);
        assertThat(backend.timedOut).containsExactly(slow);
        assertThat(sched.pendingJobs()).containsExactly(slow);
        assertThat(sched.isTimeoutArmed()).isTrue();
        backend.complete(slow, 0);
        assertThat(backend.freed).containsExactly(slow);
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void theNewestTdrRestartsOnEveryJobStartTheOlderKeepsItsDeadline() {
        for (GpuScheduler.TdrMode mode : GpuScheduler.TdrMode.values()) {
            VirtualClock c = new VirtualClock();
            TestBackend b = new TestBackend(c);
            GpuScheduler sched = new GpuScheduler("ring", b, c, TIMEOUT, 2, mode, Runnable::run);
            SchedEntity e = new SchedEntity(sched);
            SchedJob first = push(e);
            c.advance(TIMEOUT.dividedBy(2));
            push(e);
            c.advance(TIMEOUT.dividedBy(2));
            assertThat(b.timedOut)
                    .as(mode.name())
                    .isEqualTo(mode == GpuScheduler.TdrMode.KEEP_ARMED ? List.of(first) : List.of());
        }
    }

    @Test
    void aGuiltyEntitysLaterJobsAreCancelledAndOtherEntitiesGoOn() {
        GpuScheduler sched = scheduler();
        SchedEntity bad = new SchedEntity(sched);
        SchedEntity good = new SchedEntity(sched);
        SchedJob hung = push(bad);
        SchedJob queued = push(bad);
        SchedJob other = push(good);
        backend.onTimeout = job -> {
            job.scheduler().increaseKarma(job);
            return backend.killAndRestart(job);
        };
        clock.advance(TIMEOUT);
        assertThat(hung.karma()).isEqualTo(1);
        assertThat(bad.isGuilty()).isTrue();
        assertThat(backend.ran.get(1)).isIn(queued, other);
        backend.immediate = true;
        backend.hw.values().forEach(Fence::signal);
        assertThat(queued.isCancelled()).isTrue();
        assertThat(queued.finished().status()).isEqualTo(Errno.ECANCELED.negative());
        assertThat(other.finished().isSignaled()).isTrue();
        assertThat(other.finished().error()).isZero();
    }

    @Test
    void killingAnEntityEndsItsQueuedJobsWithEsrchAfterTheirDependencies() {
        GpuScheduler sched = scheduler();
        SchedEntity e = new SchedEntity(sched);
        SchedJob running = push(e);
        Fence dep = foreign();
        SchedJob q1 = push(e, dep);
        SchedJob q2 = push(e);
        assertThat(e.queued()).isEqualTo(2);
        e.kill();
        assertThat(e.queued()).isZero();
        assertThat(e.isStopped()).isTrue();
        assertThat(q1.finished().isSignaled()).isFalse();
        dep.signal();
        // q1 is chained behind the running job's finished fence.
        assertThat(q1.finished().isSignaled()).isFalse();
        backend.complete(running, 0);
        assertThat(running.finished().status()).isEqualTo(1);
        assertThat(q1.finished().status()).isEqualTo(Errno.ESRCH.negative());
        assertThat(q2.finished().status()).isEqualTo(Errno.ESRCH.negative());
        assertThat(q1.scheduled().isSignaled()).isTrue();
        assertThat(backend.ran).containsExactly(running);
        assertThat(backend.freed).containsExactlyInAnyOrder(running, q1, q2);
    }

    @Test
    void flushReturnsAtOnceForAnEmptyQueueAndTimesOutOnABlockedOne() throws Exception {
        SchedEntity e = new SchedEntity(scheduler());
        assertThat(e.flush(Duration.ofSeconds(1)))
                .isEqualTo(Duration.ofSeconds(1).toNanos());
        Fence never = foreign();
        push(e, never);
        Threads.Running<Long> flusher = Threads.start(() -> e.flush(Duration.ofSeconds(1)));
        Threads.awaitParked(flusher.thread());
        clock.advance(Duration.ofSeconds(1));
        assertThat(flusher.get()).isZero();
    }

    @Test
    void flushReturnsOnceTheQueueDrains() throws Exception {
        SchedEntity e = new SchedEntity(scheduler());
        Fence dep = foreign();
        push(e, dep);
        Threads.Running<Long> flusher = Threads.start(() -> e.flush(null));
        Threads.awaitParked(flusher.thread());
        dep.signal();
        assertThat(flusher.get()).isEqualTo(Long.MAX_VALUE);
        assertThat(e.queued()).isZero();
    }

    @Test
    void destroyFlushesForASecondThenKills() throws Exception {
        SchedEntity e = new SchedEntity(scheduler());
        SchedJob job = push(e, foreign());
        Threads.Running<Boolean> destroyer = Threads.start(() -> {
            e.destroy();
            return true;
        });
        Threads.awaitParked(destroyer.thread());
        assertThat(e.isStopped()).isFalse();
        clock.advance(SchedEntity.MAX_WAIT_SCHED_ENTITY_Q_EMPTY);
        assertThat(destroyer.get()).isTrue();
        assertThat(e.isStopped()).isTrue();
        assertThat(job.finished().isSignaled())
                .as("still waits for its dependency")
                .isFalse();
    }

    @Test
    void finiCancelsTheJobsOnTheHardwareAndKillsTheEntities() {
        GpuScheduler sched = scheduler();
        SchedEntity e = new SchedEntity(sched);
        SchedJob running = push(e);
        SchedJob queued = push(e);
        sched.fini();
        assertThat(backend.cancelled).containsExactly(running);
        assertThat(running.finished().status()).isEqualTo(Errno.ECANCELED.negative());
        assertThat(queued.finished().status()).isEqualTo(Errno.ESRCH.negative());
        assertThat(sched.isReady()).isFalse();
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void aForeignFenceThatNeverSignalsIsBoundedByItsOwnExpiry() {
        GpuScheduler sched = scheduler();
        SchedEntity e = new SchedEntity(sched);
        VgemFence never = new VgemFence(clock, Duration.ofSeconds(10));
        SchedJob job = push(e, never);
        clock.advance(Duration.ofSeconds(9));
        assertThat(backend.ran).isEmpty();
        assertThat(backend.timedOut).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(backend.ran).containsExactly(job);
        backend.complete(job, 0);
        assertThat(job.finished().status()).isEqualTo(1);
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void aRunJobErrorCompletesTheJobWithIt() {
        GpuScheduler sched = new GpuScheduler(
                "ring",
                new SchedBackendOps() {
                    @Override
                    public Fence runJob(SchedJob job) {
                        throw new ErrnoException(Errno.ENOMEM);
                    }

                    @Override
                    public GpuSchedStat timedoutJob(SchedJob job) {
                        return GpuSchedStat.RESET;
                    }

                    @Override
                    public void freeJob(SchedJob job) {}
                },
                clock,
                TIMEOUT,
                1,
                GpuScheduler.TdrMode.RESTART_ON_JOB_START,
                Runnable::run);
        SchedJob job = push(new SchedEntity(sched));
        assertThat(job.scheduled().isSignaled()).isTrue();
        assertThat(job.finished().status()).isEqualTo(Errno.ENOMEM.negative());
        assertThat(sched.pendingJobs()).isEmpty();
    }

    @Test
    void aDeadlineOnTheFinishedFenceReachesTheHardwareFence() {
        SchedEntity e = new SchedEntity(scheduler());
        Fence dep = foreign();
        SchedJob job = push(e, dep);
        job.finished().setDeadline(clock.nanoTime() + 5);
        job.finished().setDeadline(clock.nanoTime() + 9);
        dep.signal();
        assertThat(backend.deadlines).containsEntry(job.fence().parent(), clock.nanoTime() + 5);
        job.finished().setDeadline(clock.nanoTime() + 2);
        assertThat(backend.deadlines).containsEntry(job.fence().parent(), clock.nanoTime() + 2);
    }
}
