package dev.uvgem.drivers.sched;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.testsupport.TestFences;
import dev.uvgem.core.time.Clock;
import dev.uvgem.uapi.Errno;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A scheduler backend for tests: each job gets a hardware fence the test completes by hand ({@link #complete}),
 * or none ({@link #immediate}); runs, frees, timeouts and deadline hints are recorded. The default timeout handler is a
 * driver's usual recovery: stop, kill the job's hardware fence, start with {@code -ETIME}.
 *
 * <p>Thread-safety: the records are synchronised lists; tests run the scheduler on a direct executor.
 */
final class TestBackend implements SchedBackendOps {

    final List<SchedJob> ran = Collections.synchronizedList(new ArrayList<>());
    final List<SchedJob> freed = Collections.synchronizedList(new ArrayList<>());
    final List<SchedJob> timedOut = Collections.synchronizedList(new ArrayList<>());
    final List<SchedJob> cancelled = Collections.synchronizedList(new ArrayList<>());
    final Map<SchedJob, Fence> hw = new ConcurrentHashMap<>();
    final Map<Fence, Long> deadlines = new ConcurrentHashMap<>();
    private final FenceOps hwOps = TestFences.deadlines("test-hw", "ring", deadlines::put);
    private final Clock clock;
    private final long context = FenceContext.allocate();
    private long seqno;
    boolean immediate;
    Function<SchedJob, GpuSchedStat> onTimeout = this::killAndRestart;

    TestBackend(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Fence runJob(SchedJob job) {
        ran.add(job);
        if (immediate) {
            return null;
        }
        Fence f = Fence.create(clock, hwOps, context, ++seqno);
        hw.put(job, f);
        return f;
    }

    @Override
    public GpuSchedStat timedoutJob(SchedJob job) {
        timedOut.add(job);
        return onTimeout.apply(job);
    }

    @Override
    public void freeJob(SchedJob job) {
        freed.add(job);
    }

    @Override
    public void cancelJob(SchedJob job) {
        cancelled.add(job);
        hw.get(job).signalWithError(Errno.ECANCELED.negative());
    }

    /** Completes {@code job}'s hardware fence, optionally with an error. */
    void complete(SchedJob job, int error) {
        Fence f = hw.get(job);
        if (error != 0) {
            f.signalWithError(error);
        } else {
            f.signal();
        }
    }

    /** The usual recovery: stop, reset (the hardware fence dies with -ETIME), start with -ETIME. */
    GpuSchedStat killAndRestart(SchedJob job) {
        if (hw.get(job).isSignaled()) {
            return GpuSchedStat.NO_HANG;
        }
        job.scheduler().stop(job);
        hw.get(job).signalWithError(Errno.ETIME.negative());
        job.scheduler().start(Errno.ETIME.negative());
        return GpuSchedStat.RESET;
    }
}
