package dev.uvgem.drivers.gpu;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.trace.Tracepoints;
import dev.uvgem.core.trace.Track;
import dev.uvgem.drivers.sched.GpuSchedStat;
import dev.uvgem.drivers.sched.GpuScheduler;
import dev.uvgem.drivers.sched.SchedBackendOps;
import dev.uvgem.drivers.sched.SchedJob;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.UvGpuCmd;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The "hardware" of one context: a ring that executes one job at a time (the scheduler's credit limit is one),
 * command after command, on the engine executor; a DURATION command parks the job on a timer of the kernel
 * clock, a HANG command parks it forever. Each job gets a hardware fence on the ring's own context (driver {@code
 * "uvgpu"}), signalled when its last command has run.
 *
 * <p>It is also the scheduler's backend: on a timeout it kills the job (stop, abort, start with {@code -ETIME}),
 * counts the hang on its context and, at the context's ban limit, marks the entity guilty so that its queued jobs
 * are cancelled ({@code -ECANCELED}).
 *
 * <p>Tracing: while a sink is attached, each job is a slice on the context's track ({@code "gpu"}, {@code "<ring>
 * jobs"}) from the moment it reaches the ring to its hardware fence's signal.
 *
 * <p>Thread-safety: safe for concurrent use; per-job state is guarded by the job.
 */
final class GpuRing implements SchedBackendOps {
    private static final System.Logger LOG = System.getLogger(GpuRing.class.getName());

    private final GpuContext ctx;
    private final Clock clock;
    private final Executor engine;
    private final FenceOps hwOps;
    private final long hwContext = FenceContext.allocate();
    private final Track jobs;
    private long hwSeqno;

    GpuRing(GpuContext ctx, String name, Clock clock, Executor engine) {
        this.ctx = ctx;
        this.clock = clock;
        this.engine = engine;
        this.hwOps = FenceOps.named("uvgpu", name);
        this.jobs = new Track("gpu", name + " jobs");
    }

    @Override
    public Fence runJob(SchedJob job) {
        GpuJob g = (GpuJob) job;
        if (g.isCancelled()) {
            // The entity was guilty (its context banned): skip the payload, keep the error. Ended, so that a
            // timeout racing its retirement sees a job that is not hanging.
            g.end();
            ctx.stats().cancelled();
            return null;
        }
        Fence hw;
        synchronized (this) {
            hw = Fence.create(clock, hwOps, hwContext, ++hwSeqno);
        }
        g.start(hw);
        traceJob(hw);
        engine.execute(() -> step(g));
        return hw;
    }

    // The job on the hardware as a slice of the context's jobs track, from now to its hardware fence's signal.
    private void traceJob(Fence hw) {
        if (Tracepoints.sink() != null) {
            long start = clock.nanoTime();
            hw.addCallback(FenceCallback.of(f -> Tracepoints.slice(
                    start,
                    Math.max(start, f.timestamp()),
                    jobs,
                    "job " + f.seqno() + (f.error() != 0 ? " (error " + f.error() + ")" : ""),
                    Map.of("hw_fence", f.traceRef().label(), "error", Integer.toString(f.error())))));
        }
    }

    /** Resumes a job after its DURATION. Context: the clock's timer context. */
    void resume(GpuJob job) {
        engine.execute(() -> step(job));
    }

    /** Runs the job's commands until one parks it or none is left. Context: the engine executor. */
    private void step(GpuJob job) {
        try {
            for (UvGpuCmd c = job.nextCommand(); c != null; c = job.nextCommand()) {
                switch (c.op()) {
                    case UvGpu.CMD_DURATION -> {
                        clock.arm(job.duration, Clock.deadlineAfter(clock.nanoTime(), c.length()));
                        return;
                    }
                    case UvGpu.CMD_HANG -> {
                        return;
                    }
                    default -> GpuCommands.execute(c, job.bos());
                }
            }
            if (job.end()) {
                ctx.stats().completed();
                job.hw().signal();
            }
        } catch (ErrnoException | IllegalStateException e) {
            // Memory that cannot be populated (ENOMEM) faults the job, as a page fault would a real one.
            LOG.log(Level.WARNING, "uvgpu job faulted", e);
            if (job.end()) {
                job.hw().signalWithError(Errno.EIO.negative());
            }
        }
    }

    @Override
    public GpuSchedStat timedoutJob(SchedJob job) {
        GpuJob g = (GpuJob) job;
        if (!g.end()) {
            return GpuSchedStat.NO_HANG;
        }
        GpuScheduler sched = job.scheduler();
        sched.stop(job);
        clock.cancel(g.duration);
        if (ctx.stats().hang()) {
            sched.increaseKarma(job);
        }
        // The hardware fence is detached from the job by now; signal it so that nothing is left pending.
        g.hw().signalWithError(Errno.ETIME.negative());
        sched.start(Errno.ETIME.negative());
        return GpuSchedStat.RESET;
    }

    @Override
    public void freeJob(SchedJob job) {
        ((GpuJob) job).release();
    }
}
