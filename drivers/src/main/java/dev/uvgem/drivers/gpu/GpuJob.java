package dev.uvgem.drivers.gpu;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.time.Timer;
import dev.uvgem.drivers.drm.GemObject;
import dev.uvgem.drivers.sched.SchedEntity;
import dev.uvgem.drivers.sched.SchedJob;
import dev.uvgem.uapi.UvGpuCmd;

/**
 * One uvgpu job: a scheduler job carrying its commands, references to its buffers (held until the job is freed),
 * and its execution state on the ring: the next command, the hardware fence, the duration timer.
 *
 * <p>Thread-safety: the execution state is guarded by this object's monitor; exactly one of completion and abort
 * wins.
 */
final class GpuJob extends SchedJob {
    private final GemObject[] bos;
    private final UvGpuCmd[] cmds;
    private int pc;
    private boolean ended;
    private boolean released;
    private Fence hw;

    /** Resumes the job on the engine when a DURATION command has elapsed. */
    final Timer duration;

    GpuJob(SchedEntity entity, GemObject[] bos, UvGpuCmd[] cmds, GpuRing ring) {
        super(entity, 1);
        this.bos = bos;
        this.cmds = cmds;
        this.duration = new Timer() {
            @Override
            protected void expire() {
                ring.resume(GpuJob.this);
            }
        };
    }

    GemObject[] bos() {
        return bos;
    }

    synchronized void start(Fence hardware) {
        hw = hardware;
    }

    synchronized Fence hw() {
        return hw;
    }

    /** Returns the next command to run, or null at the end or once the job has ended. */
    synchronized UvGpuCmd nextCommand() {
        return ended || pc == cmds.length ? null : cmds[pc++];
    }

    /** Returns whether the job has ended (completed or aborted). */
    synchronized boolean isEnded() {
        return ended;
    }

    /** Ends the job; returns false if it had already ended (the other of completion and abort won). */
    synchronized boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    /** Drops the buffer references, once. Context: the free path. */
    void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        for (GemObject bo : bos) {
            bo.put();
        }
    }
}
