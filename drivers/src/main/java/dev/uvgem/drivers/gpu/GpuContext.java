package dev.uvgem.drivers.gpu;

import dev.uvgem.core.time.Clock;
import dev.uvgem.drivers.sched.GpuScheduler;
import dev.uvgem.drivers.sched.SchedEntity;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A uvgpu context: one ring (a scheduler with credit limit one and the context's hang timeout as its TDR), one
 * entity feeding it, and the context's reset statistics. Destroying it kills the entity: queued jobs end with
 * {@code -ESRCH} once their dependencies have signalled; the job on the ring runs on (bounded by the TDR).
 *
 * <p>Thread-safety: safe for concurrent use; {@link #submitLock()} serialises arming and pushing.
 */
final class GpuContext {
    private final int id;
    private final SchedEntity entity;
    private final GpuRing ring;
    private final GpuStats stats;
    private final Object submitLock = new Object();

    GpuContext(int id, String name, Clock clock, Duration hangTimeout, int banLimit, Executor engine) {
        this.id = id;
        this.stats = new GpuStats(banLimit);
        this.ring = new GpuRing(this, name, clock, engine);
        this.entity = new SchedEntity(
                new GpuScheduler(name, ring, clock, hangTimeout, 1, GpuScheduler.TdrMode.RESTART_ON_JOB_START, engine));
    }

    int id() {
        return id;
    }

    SchedEntity entity() {
        return entity;
    }

    GpuRing ring() {
        return ring;
    }

    GpuStats stats() {
        return stats;
    }

    /** The lock that keeps seqno order equal to queue order. */
    Object submitLock() {
        return submitLock;
    }

    /**
     * Kills the entity (queued jobs end with -ESRCH). Context: any thread, never blocks. Locking: takes the submit
     * lock, so that no submission is between arming and pushing.
     */
    void destroy() {
        synchronized (submitLock) {
            entity.kill();
        }
    }
}
