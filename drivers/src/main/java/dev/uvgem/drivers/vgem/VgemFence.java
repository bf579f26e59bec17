package dev.uvgem.drivers.vgem;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.Timer;
import java.time.Duration;

/**
 * A vGEM fence: a software fence userspace signals with FENCE_SIGNAL, which signals by itself (without error)
 * when its timeout passes, so nobody waiting on it can hang for longer. Each fence is its own timeline (a fresh
 * context, seqno 1), so vGEM fences are mutually unordered; driver name {@code "vgem"}, timeline {@code
 * "unbound"}.
 *
 * <p>The expiry is a {@link Timer} on the kernel clock, armed at creation; when the fence signals, by whatever
 * path, the timer is cancelled and the fence uncharged from its {@link Cgroup}, so a signalled fence leaves nothing
 * behind in the timer wheel or the accounting.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the fence lock, as every {@link Fence}; the expiry fires
 * from the clock's timer context (a timer thread, or whoever advances a virtual clock) and signals there.
 */
public final class VgemFence extends Fence {
    private static final FenceOps OPS = FenceOps.named("vgem", "unbound");

    private final Clock clock;
    private final Cgroup cgroup;
    private final long createdAt;
    private final Timer expiry = new Timer() {
        @Override
        protected void expire() {
            signal();
        }
    };
    private final FenceCallback disarm = new FenceCallback() {
        @Override
        protected void onSignal(Fence fence) {
            clock.cancel(expiry);
            cgroup.unchargeFence();
        }
    };

    /**
     * Creates a fence on a new context, charged to {@code cgroup} until it signals, and arms its expiry {@code
     * timeout} from now.
     *
     * <p>Context: any thread, never blocks. Locking: registers its disarm callback on the new fence (nobody else
     * can see it yet), then takes the clock's timer lock briefly to arm the expiry.
     *
     * @throws dev.uvgem.uapi.ErrnoException ENOSPC if {@code cgroup} has its limit of outstanding fences (nothing
     *     is created then)
     */
    public VgemFence(Clock clock, Duration timeout, Cgroup cgroup) {
        cgroup.chargeFence(); // before anything exists, so a refused fence leaves nothing to undo
        super(OPS, clock, FenceContext.allocate(), 1);
        this.clock = clock;
        this.cgroup = cgroup;
        this.createdAt = clock.nanoTime();
        addCallback(disarm);
        clock.arm(expiry, Clock.deadlineAfter(createdAt, timeout.toNanos()));
    }

    /**
     * Creates a fence charged to no process ({@link Cgroup#ROOT}): a fence the kernel makes for itself, or a test's.
     *
     * <p>Context: any thread, never blocks. Locking: as the charging constructor.
     */
    public VgemFence(Clock clock, Duration timeout) {
        this(clock, timeout, Cgroup.ROOT);
    }

    /** Returns the time the fence was created at, on the kernel clock. */
    public long createdAt() {
        return createdAt;
    }

    /** Returns the time the fence expires at, on the kernel clock. */
    public long expiresAt() {
        return expiry.deadline();
    }
}
