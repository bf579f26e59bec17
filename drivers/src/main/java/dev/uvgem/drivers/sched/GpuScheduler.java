package dev.uvgem.drivers.sched;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.Timer;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A GPU scheduler for one hardware ring, as {@code struct drm_gpu_scheduler}: it picks ready entities round-robin,
 * hands their jobs to the driver within its credit limit, keeps them on the pending list in run order, signals
 * their finished fences as the hardware completes them, frees them strictly in order, and runs the driver's
 * timeout handler (TDR) when the head of the pending list has been on the hardware for {@link #timeout()}.
 *
 * <p>The TDR is one {@link Timer} on the kernel clock, armed while the pending list is not empty: re-armed for a
 * full period whenever a job retires and, in {@link TdrMode#RESTART_ON_JOB_START} (the newest kernels'
 * {@code mod_delayed_work}), whenever a job starts; in {@link TdrMode#KEEP_ARMED} (6.4-era {@code
 * queue_delayed_work}) a starting job leaves an armed timer alone. With a credit limit of one job the TDR is
 * therefore exactly the running job's timer.
 *
 * <p>All scheduler work (running jobs, retiring them, the timeout handler) runs as items of one ordered work
 * queue over the executor passed in (the kernel's ordered {@code submit_wq} doubling as {@code timeout_wq}): no
 * thread per job, and the timeout handler never races the worker, so {@link #stop} and {@link #start} need not
 * park anything.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: {@link #lock()} guards the pending list, the run-queue, the
 * credit count and every entity's queue; it is never held while fences are signalled or driver ops run.
 */
public final class GpuScheduler {
    /** How a starting job treats an armed TDR. */
    public enum TdrMode {
        /** Every job start restarts the full period (newest kernels). */
        RESTART_ON_JOB_START,
        /** An armed timer is left alone; only retirement re-arms it (6.4-era kernels). */
        KEEP_ARMED
    }

    private final String name;
    private final SchedBackendOps ops;
    private final Clock clock;
    private final long timeoutNanos;
    private final int creditLimit;
    private final TdrMode tdrMode;
    private final OrderedWork work;
    private final Object lock = new Object();
    private final ArrayDeque<SchedJob> pending = new ArrayDeque<>();
    private final List<SchedEntity> runQueue = new ArrayList<>();
    private final AtomicBoolean runQueued = new AtomicBoolean();
    private int rrNext;
    private int creditCount;
    private boolean paused;
    private boolean ready = true;
    private boolean freeGuilty;
    private boolean tdrArmed;

    private final Timer tdr = new Timer() {
        @Override
        protected void expire() {
            synchronized (lock) {
                tdrArmed = false;
            }
            work.queue(GpuScheduler.this::jobTimedout);
        }
    };

    /**
     * Creates a scheduler, as {@code drm_sched_init}.
     *
     * @param name the timeline name of its fences
     * @param ops the driver's backend
     * @param clock the kernel clock the TDR runs on
     * @param timeout how long the head job may stay on the hardware; null disables the TDR (MAX_SCHEDULE_TIMEOUT)
     * @param creditLimit how many credits of jobs may be on the hardware at once
     * @param tdrMode how a starting job treats an armed TDR
     * @param executor where the ordered work runs (a small shared pool; {@code Runnable::run} in tests)
     */
    public GpuScheduler(
            String name,
            SchedBackendOps ops,
            Clock clock,
            Duration timeout,
            int creditLimit,
            TdrMode tdrMode,
            Executor executor) {
        if (creditLimit <= 0) {
            throw new IllegalArgumentException("credit limit must be positive: " + creditLimit);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.ops = Objects.requireNonNull(ops, "ops");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeoutNanos = timeout == null ? Fence.MAX_SCHEDULE_TIMEOUT : timeout.toNanos();
        this.creditLimit = creditLimit;
        this.tdrMode = Objects.requireNonNull(tdrMode, "tdrMode");
        this.work = new OrderedWork(executor);
    }

    /** Returns the name (the timeline name of the scheduler's fences). */
    public String name() {
        return name;
    }

    /** Returns the kernel clock. */
    public Clock clock() {
        return clock;
    }

    /** Returns the TDR period, or null if the TDR is disabled. */
    public Duration timeout() {
        return timeoutNanos == Fence.MAX_SCHEDULE_TIMEOUT ? null : Duration.ofNanos(timeoutNanos);
    }

    SchedBackendOps ops() {
        return ops;
    }

    Object lock() {
        return lock;
    }

    /** Returns whether the TDR timer is armed (for tests and leak checks). Locking: the scheduler lock. */
    public boolean isTimeoutArmed() {
        synchronized (lock) {
            return tdrArmed;
        }
    }

    /** Returns the jobs on the hardware, oldest first (a snapshot). Locking: the scheduler lock. */
    public List<SchedJob> pendingJobs() {
        synchronized (lock) {
            return List.copyOf(pending);
        }
    }

    /** Returns whether the scheduler accepts work (false after {@link #fini}). Locking: the scheduler lock. */
    public boolean isReady() {
        synchronized (lock) {
            return ready;
        }
    }

    void addEntity(SchedEntity entity) {
        synchronized (lock) {
            if (!ready) {
                throw new ErrnoException(Errno.ENOENT, "scheduler torn down");
            }
            runQueue.add(entity);
        }
    }

    void removeEntityLocked(SchedEntity entity) {
        runQueue.remove(entity);
    }

    // ---------------------------------------------------------------- the worker

    /** Queues the run/free work unless already queued, as {@code drm_sched_wakeup}. Context: any thread. */
    void wakeUp() {
        if (runQueued.compareAndSet(false, true)) {
            work.queue(this::runWork);
        }
    }

    /** The run and free work: retire finished jobs in order, then run every job that is ready and fits. */
    private void runWork() {
        runQueued.set(false);
        freeFinishedJobs();
        for (SchedJob job = selectJob(); job != null; job = selectJob()) {
            runJob(job);
        }
    }

    /**
     * Picks the next runnable job round-robin over the entities and moves it to the pending list, as {@code
     * drm_sched_select_entity} plus {@code drm_sched_entity_pop_job} plus {@code drm_sched_job_begin}; null if
     * none is ready.
     */
    private SchedJob selectJob() {
        List<SchedEntity> entities;
        int start;
        synchronized (lock) {
            if (paused || !ready) {
                return null;
            }
            entities = List.copyOf(runQueue);
            start = rrNext;
        }
        for (int i = 0; i < entities.size(); i++) {
            int index = (start + i) % entities.size();
            SchedEntity e = entities.get(index);
            SchedJob head;
            synchronized (lock) {
                head = e.peekLocked();
            }
            if (head == null || !e.resolveDependencies(head)) {
                continue;
            }
            synchronized (lock) {
                if (paused || !fitsLocked(head) || !e.popLocked(head)) {
                    continue;
                }
                rrNext = index + 1;
                creditCount += head.credits();
                pending.add(head);
                if (tdrMode == TdrMode.RESTART_ON_JOB_START || !tdrArmed) {
                    armTimeoutLocked();
                }
                return head;
            }
        }
        return null;
    }

    /** A job fits if its credits fit what is left, or the hardware is idle (an oversized job is truncated). */
    private boolean fitsLocked(SchedJob job) {
        return creditCount == 0 || creditCount + job.credits() <= creditLimit;
    }

    private void armTimeoutLocked() {
        if (timeoutNanos == Fence.MAX_SCHEDULE_TIMEOUT || pending.isEmpty()) {
            return;
        }
        tdrArmed = true;
        clock.arm(tdr, Clock.deadlineAfter(clock.nanoTime(), timeoutNanos));
    }

    private void cancelTimeoutLocked() {
        tdrArmed = false;
        clock.cancel(tdr);
    }

    /** Hands {@code job} to the driver and signals its scheduled fence, as the run-job work. */
    private void runJob(SchedJob job) {
        Fence hw;
        try {
            hw = ops.runJob(job);
        } catch (ErrnoException e) {
            job.scheduled().signal();
            jobDone(job, e.negative());
            return;
        }
        job.fence().setParent(hw);
        job.scheduled().signal();
        if (hw == null) {
            jobDone(job, 0);
        } else if (hw.addCallback(job.doneCallback) != 0) {
            jobDone(job, hw.error());
        }
    }

    /**
     * Completes a job, as {@code drm_sched_job_done}: gives back its credits, signals its finished fence with
     * {@code result} (if nonzero) and queues the retire work.
     */
    void jobDone(SchedJob job, int result) {
        synchronized (lock) {
            creditCount -= job.credits();
        }
        if (result != 0) {
            job.finished().signalWithError(result);
        } else {
            job.finished().signal();
        }
        wakeUp();
    }

    /** Frees finished jobs from the head of the pending list, re-arming the TDR for the next one. */
    private void freeFinishedJobs() {
        while (true) {
            SchedJob head;
            synchronized (lock) {
                head = pending.peek();
                if (head == null || !head.finished().isSignaled()) {
                    return;
                }
                pending.poll();
                cancelTimeoutLocked();
                armTimeoutLocked();
            }
            ops.freeJob(head);
        }
    }

    // ---------------------------------------------------------------- timeout and recovery

    /** The TDR work, as {@code drm_sched_job_timedout}. */
    private void jobTimedout() {
        SchedJob job;
        synchronized (lock) {
            job = pending.poll();
        }
        GpuSchedStat status = GpuSchedStat.RESET;
        if (job != null) {
            status = ops.timedoutJob(job);
            if (status == GpuSchedStat.NO_HANG) {
                synchronized (lock) {
                    pending.addFirst(job);
                }
                wakeUp();
            } else if (takeFreeGuilty()) {
                ops.freeJob(job);
            }
        }
        if (status != GpuSchedStat.ENODEV) {
            synchronized (lock) {
                armTimeoutLocked();
            }
        }
    }

    private boolean takeFreeGuilty() {
        synchronized (lock) {
            boolean f = freeGuilty;
            freeGuilty = false;
            return f;
        }
    }

    /**
     * Runs the timeout handler now, as {@code drm_sched_fault}: for a driver that detects a hang itself.
     *
     * <p>Context: any thread. Locking: takes the scheduler lock and the clock's timer lock briefly.
     */
    public void fault() {
        synchronized (lock) {
            cancelTimeoutLocked();
        }
        work.queue(this::jobTimedout);
    }

    /**
     * Stops the scheduler for a reset, as {@code drm_sched_stop}: pauses the work, puts {@code bad} back at the
     * head of the pending list, and walks the pending jobs newest first: a job whose hardware callback can still be
     * removed loses its hardware fence and gives back its credits; a job already completed is taken off the list,
     * waited for and freed (except {@code bad}, which the timeout handler frees afterwards). Cancels the TDR.
     *
     * <p>Context: the driver's timeout handler (the scheduler's ordered work). May wait for finished fences of
     * jobs whose completion is in progress. Locking: takes the scheduler lock briefly, never across waits.
     */
    public void stop(SchedJob bad) {
        List<SchedJob> newestFirst;
        synchronized (lock) {
            paused = true;
            if (bad != null && bad.scheduler() == this && !pending.contains(bad)) {
                pending.addFirst(bad);
            }
            newestFirst = new ArrayList<>(pending.reversed());
        }
        for (SchedJob job : newestFirst) {
            Fence hw = job.fence().parent();
            if (hw != null && hw.removeCallback(job.doneCallback)) {
                job.fence().setParent(null);
                synchronized (lock) {
                    creditCount -= job.credits();
                }
                continue;
            }
            synchronized (lock) {
                pending.remove(job);
            }
            job.finished().await(false);
            if (job != bad) {
                ops.freeJob(job);
            } else {
                synchronized (lock) {
                    freeGuilty = true;
                }
            }
        }
        synchronized (lock) {
            cancelTimeoutLocked();
        }
    }

    /**
     * Restarts the scheduler after a reset, as {@code drm_sched_start(sched, errno)}: each pending job gets its
     * credits back; a job without a hardware fence completes with {@code errno} (or {@code -ECANCELED} if 0); a job
     * whose hardware fence is back gets its callback again and completes at once, with the fence's error or {@code
     * errno}, if that fence has already signalled. Then the TDR is re-armed and the work resumes.
     *
     * <p>Context: the driver's timeout handler. Locking: takes the scheduler lock briefly; finished fences are
     * signalled on this thread with no lock held.
     */
    public void start(int errno) {
        List<SchedJob> jobs;
        synchronized (lock) {
            jobs = List.copyOf(pending);
            for (SchedJob job : jobs) {
                creditCount += job.credits();
            }
        }
        for (SchedJob job : jobs) {
            Fence hw = job.fence().parent();
            if (hw == null) {
                jobDone(job, errno != 0 ? errno : Errno.ECANCELED.negative());
            } else if (hw.addCallback(job.doneCallback) != 0) {
                jobDone(job, hw.error() != 0 ? hw.error() : errno);
            }
        }
        synchronized (lock) {
            paused = false;
            armTimeoutLocked();
        }
        wakeUp();
    }

    /**
     * Blames {@code bad} for a hang, as {@code drm_sched_increase_karma}: its karma grows and its entity is
     * marked guilty, so that the entity's later jobs are cancelled when popped.
     *
     * <p>Context: the driver's timeout handler. Locking: none beyond the job's monitor.
     */
    public void increaseKarma(SchedJob bad) {
        bad.addKarma();
        bad.entity().setGuilty();
    }

    /**
     * Tears the scheduler down, as {@code drm_sched_fini}: the work stops, the TDR is cancelled, and every job
     * still on the hardware is cancelled through {@link SchedBackendOps#cancelJob} and freed, newest first;
     * entities left on the run-queue are killed (older kernels only marked them stopped), so their queued jobs
     * end with {@code -ESRCH}.
     *
     * <p>Context: any thread but the scheduler's own work. Locking: takes the scheduler lock briefly; driver ops
     * run with no lock held.
     */
    public void fini() {
        List<SchedJob> newestFirst;
        List<SchedEntity> entities;
        synchronized (lock) {
            paused = true;
            ready = false;
            cancelTimeoutLocked();
            newestFirst = new ArrayList<>(pending.reversed());
            pending.clear();
            entities = List.copyOf(runQueue);
        }
        for (SchedJob job : newestFirst) {
            ops.cancelJob(job);
            ops.freeJob(job);
        }
        for (SchedEntity e : entities) {
            e.kill();
        }
    }

    @Override
    public String toString() {
        return "drm_gpu_scheduler[" + name + "]";
    }
}
