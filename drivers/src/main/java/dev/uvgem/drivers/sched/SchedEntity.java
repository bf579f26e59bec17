package dev.uvgem.drivers.sched;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.trace.Track;
import dev.uvgem.core.vfs.WaitQueue;
import dev.uvgem.uapi.Errno;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A software queue of jobs feeding one scheduler, as {@code struct drm_sched_entity}: one per userspace context.
 * Jobs leave it strictly in push order, each once all its dependencies have signalled; while the head job waits
 * on a fence the entity is blocked (one callback on that fence, no thread, no polling) and other entities of
 * the scheduler go on.
 *
 * <p>Rules from {@code drm_sched_entity_pop_job}: a dependency on the entity's own fences is skipped (order
 * already guarantees it); a dependency on another entity's finished fence of the same scheduler, without error,
 * is replaced by that job's scheduled fence (pipelining); if the entity is guilty, a popped job's finished fence
 * gets {@code -ECANCELED} before it runs.
 *
 * <p>There is no timeout on dependencies: a fence that never signals blocks the entity until its producer's own
 * timeout signals it (a vgem fence expires), as in Linux.
 *
 * <p>Tracing: each dependency wait fires the fence wait tracepoints on the entity's track ({@code "gpu"}, {@code
 * "sched_entity[...] waits"}), so the trace draws an arrow from the signal that unblocked the entity.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the queue, {@code stopped} and {@code last_scheduled} are
 * guarded by the scheduler's lock; the dependency cursor is the scheduler's ordered work's.
 */
public final class SchedEntity {
    /** How long {@link #destroy()} waits for the queue to drain: the kernel's one second. */
    public static final Duration MAX_WAIT_SCHED_ENTITY_Q_EMPTY = Duration.ofSeconds(1);

    private final GpuScheduler sched;
    private final long fenceContext = FenceContext.allocate(2);
    private final ArrayDeque<SchedJob> queue = new ArrayDeque<>();
    private long fenceSeq;
    private Fence lastScheduled;
    private boolean stopped;
    private volatile boolean guilty;

    /** Flushers waiting for the queue to drain, as {@code entity_idle} / the job-queue wait. */
    private final WaitQueue drained = new WaitQueue();

    /** The fence the head job waits on, or null; cleared by {@link #dependencyCallback}. */
    private volatile Fence dependency;

    /** The trace track of this entity's dependency waits, made once so that tracing off allocates nothing. */
    private final Track waitTrack;

    private final FenceCallback dependencyCallback = new FenceCallback() {
        @Override
        protected void onSignal(Fence fence) {
            fence.traceWaitEnd(waitTrack, 1);
            dependency = null;
            sched.wakeUp();
        }
    };

    /**
     * Creates an entity on {@code sched} and adds it to the scheduler's run-queue, as {@code
     * drm_sched_entity_init} with one scheduler.
     *
     * <p>Context: any thread. Locking: takes the scheduler lock briefly.
     */
    public SchedEntity(GpuScheduler sched) {
        this.sched = Objects.requireNonNull(sched, "sched");
        this.waitTrack = new Track("gpu", this + " waits");
        sched.addEntity(this);
    }

    /** Returns the scheduler. */
    public GpuScheduler scheduler() {
        return sched;
    }

    /** Returns the context of the scheduled fences; the finished fences use the next one. */
    public long fenceContext() {
        return fenceContext;
    }

    long nextSeqno() {
        synchronized (sched.lock()) {
            return ++fenceSeq;
        }
    }

    /**
     * Marks the entity guilty (the driver's {@code guilty} atomic): jobs popped from now on are cancelled.
     *
     * <p>Context: any thread. Locking: none.
     */
    public void setGuilty() {
        guilty = true;
    }

    /** Returns whether the entity has been marked guilty. */
    public boolean isGuilty() {
        return guilty;
    }

    /**
     * Returns the error of the last job popped, as {@code drm_sched_entity_error}: drivers refuse new submissions
     * after a fault with it. 0 if none or no error.
     *
     * <p>Context: any thread. Locking: takes the scheduler lock briefly.
     */
    public int error() {
        synchronized (sched.lock()) {
            return lastScheduled == null ? 0 : lastScheduled.error();
        }
    }

    /** Returns whether the entity has been killed. Locking: takes the scheduler lock briefly. */
    public boolean isStopped() {
        synchronized (sched.lock()) {
            return stopped;
        }
    }

    /** Returns the number of jobs pushed and not yet popped. Locking: takes the scheduler lock briefly. */
    public int queued() {
        synchronized (sched.lock()) {
            return queue.size();
        }
    }

    /**
     * Queues an armed job, as {@code drm_sched_entity_push_job}, and wakes the scheduler.
     *
     * <p>Context: the submitting thread, serialised with arming. Locking: takes the scheduler lock briefly; with
     * a direct executor the scheduler's work may run on this thread before it returns, so the caller must hold no
     * lock the driver's backend takes other than reentrant ones.
     *
     * @throws IllegalStateException if the job is not armed or the entity has been killed (a driver bug)
     */
    public void pushJob(SchedJob job) {
        if (job.entity() != this || job.fence() == null) {
            throw new IllegalStateException("push of a job not armed on this entity: " + job);
        }
        synchronized (sched.lock()) {
            if (stopped) {
                throw new IllegalStateException("push to a killed entity");
            }
            queue.add(job);
        }
        sched.wakeUp();
    }

    // ---------------------------------------------------------------- for the scheduler's work

    /** Returns the head job if the entity may be selected (not stopped, not blocked). Locking: scheduler lock. */
    SchedJob peekLocked() {
        return stopped || dependency != null ? null : queue.peek();
    }

    /**
     * Walks the head job's remaining dependencies in order; registers a callback on the first unsignalled one and
     * returns false (the entity is blocked until it fires), or returns true once all have signalled.
     * Context: the scheduler's ordered work. Locking: none held.
     */
    boolean resolveDependencies(SchedJob job) {
        for (Fence f = job.nextDependency(); f != null; f = job.nextDependency()) {
            Fence wait = effectiveDependency(f);
            if (wait == null) {
                continue;
            }
            dependency = wait;
            wait.traceWaitStart(waitTrack);
            if (wait.addCallback(dependencyCallback) == 0) {
                return false;
            }
            wait.traceWaitEnd(waitTrack, 1);
            dependency = null;
        }
        return true;
    }

    /** The fence to wait on for dependency {@code f}, or null if none is needed. */
    private Fence effectiveDependency(Fence f) {
        if (f.context() == fenceContext || f.context() == fenceContext + 1) {
            return null;
        }
        SchedFence s = SchedFence.of(f);
        if (s != null && s.isFinished(f) && s.scheduler() == sched && f.error() == 0) {
            Fence scheduled = s.scheduled();
            return scheduled.isSignaled() ? null : scheduled;
        }
        return f.isSignaled() ? null : f;
    }

    /** Takes {@code job} off the queue if still the head; marks it cancelled if guilty. Locking: scheduler lock. */
    boolean popLocked(SchedJob job) {
        if (stopped || queue.peek() != job) {
            return false;
        }
        queue.poll();
        if (queue.isEmpty()) {
            drained.wakeUp();
        }
        if (guilty) {
            job.cancel();
        }
        lastScheduled = job.finished();
        return true;
    }

    // ---------------------------------------------------------------- teardown

    /**
     * Waits until every queued job has left for the hardware (or the entity is killed), as {@code
     * drm_sched_entity_flush}: killably (here: interruptibly) and, as for an exiting process, at most {@code
     * timeout} on the kernel clock; null waits without limit.
     *
     * <p>Context: process context, sleeps. Locking: takes the scheduler lock briefly; holds none while it sleeps.
     *
     * @return the time left (at least 1; the whole timeout if the queue was already empty) once drained, 0 if the
     *     timeout passed, {@code -EINTR} if the thread was interrupted
     */
    public long flush(Duration timeout) {
        Clock clock = sched.clock();
        long total = timeout == null ? Clock.FOREVER : timeout.toNanos();
        long deadline = Clock.deadlineAfter(clock.nanoTime(), total);
        Thread self = Thread.currentThread();
        WaitQueue.Entry waiter = () -> LockSupport.unpark(self);
        drained.add(waiter);
        try {
            for (boolean first = true; ; first = false) {
                synchronized (sched.lock()) {
                    if (queue.isEmpty() || stopped) {
                        return first || deadline == Clock.FOREVER ? total : Math.max(1, deadline - clock.nanoTime());
                    }
                }
                if (Thread.currentThread().isInterrupted()) {
                    return Errno.EINTR.negative();
                }
                if (clock.nanoTime() >= deadline) {
                    return 0;
                }
                clock.parkUntil(this, deadline);
            }
        } finally {
            drained.remove(waiter);
        }
    }

    /**
     * Flushes for at most {@link #MAX_WAIT_SCHED_ENTITY_Q_EMPTY}, then kills, as {@code drm_sched_entity_destroy}.
     *
     * <p>Context: process context, sleeps up to a second of the kernel clock. Locking: as {@link #flush} and {@link
     * #kill}.
     */
    public void destroy() {
        flush(MAX_WAIT_SCHED_ENTITY_Q_EMPTY);
        kill();
    }

    /**
     * Kills the entity, as {@code drm_sched_entity_kill}: it leaves the run-queue, and every job still queued is
     * chained behind the previous one (starting with the last job popped), waits for all its dependencies, then
     * gets its scheduled fence signalled and its finished fence signalled with {@code -ESRCH}, and is freed. Jobs
     * already on the hardware are not affected. Idempotent.
     *
     * <p>Context: any thread, never blocks. Locking: takes the scheduler lock briefly; the killed jobs complete on
     * the threads that signal their dependencies (or on this one if they have none left).
     */
    public void kill() {
        List<SchedJob> killed;
        Fence prev;
        synchronized (sched.lock()) {
            if (stopped) {
                return;
            }
            stopped = true;
            sched.removeEntityLocked(this);
            killed = new ArrayList<>(queue);
            queue.clear();
            prev = lastScheduled;
        }
        drained.wakeUp();
        Fence dep = dependency;
        if (dep != null && dep.removeCallback(dependencyCallback)) {
            dep.traceWaitEnd(waitTrack, Errno.ESRCH.negative());
            dependency = null;
        }
        for (SchedJob job : killed) {
            job.addDependency(prev);
            prev = job.finished();
        }
        for (SchedJob job : killed) {
            new KilledJob(job).next();
        }
    }

    /** A killed job waiting, one callback at a time, for all its dependencies before it is signalled -ESRCH. */
    private final class KilledJob extends FenceCallback {
        private final SchedJob job;
        private final List<Fence> waits;
        private int index;

        KilledJob(SchedJob job) {
            this.job = job;
            this.waits = job.dependencies();
        }

        void next() {
            while (index < waits.size()) {
                Fence f = waits.get(index++);
                f.traceWaitStart(waitTrack);
                if (f.addCallback(this) == 0) {
                    return;
                }
                f.traceWaitEnd(waitTrack, 1);
            }
            job.scheduled().signal();
            job.finished().signalWithError(Errno.ESRCH.negative());
            sched.ops().freeJob(job);
        }

        @Override
        protected void onSignal(Fence fence) {
            fence.traceWaitEnd(waitTrack, 1);
            next();
        }
    }

    @Override
    public String toString() {
        return "sched_entity[" + sched.name() + ", ctx " + fenceContext + "]";
    }
}
