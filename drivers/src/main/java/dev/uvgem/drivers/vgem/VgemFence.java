package dev.uvgem.drivers.vgem;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.Timer;
import dev.uvgem.core.trace.Tracepoints;
import dev.uvgem.core.trace.Track;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A vGEM fence: a software fence userspace signals with FENCE_SIGNAL, which signals by itself (without error)
 * when its timeout passes, so nobody waiting on it can hang for longer. Each fence is its own timeline (a fresh
 * context, seqno 1), so vGEM fences are mutually unordered; driver name {@code "vgem"}, timeline {@code
 * "unbound"}.
 *
 * <p>The expiry is a {@link Timer} on the kernel clock, armed at creation; when the fence signals, by whatever
 * path, the timer is cancelled and the fence uncharged from its {@link Cgroup}, so a signalled fence leaves nothing
 * behind in the timer wheel or the accounting. The same timer
 * first fires at the watchdog's threshold when that comes sooner: the fence is then reported stuck (into the
 * trace; {@link VgemWatchdog} lists it) and the timer re-armed for the expiry. A fence attached with {@link
 * dev.uvgem.uapi.Vgem#UVGEM_FENCE_NO_EXPIRY} has no expiry: only the watchdog fires.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the fence lock, as every {@link Fence}; the timer fires
 * from the clock's timer context (a timer thread, or whoever advances a virtual clock) and signals there.
 */
public final class VgemFence extends Fence {
    private static final FenceOps OPS = FenceOps.named("vgem", "unbound");

    private final Clock clock;
    private final Cgroup cgroup;
    private final long createdAt;
    private final long expiresAt;
    private final long stuckAt;
    private final String creator;
    private final Timer timer = new Timer() {
        @Override
        protected void expire() {
            fire();
        }
    };
    private final FenceCallback disarm = new FenceCallback() {
        @Override
        protected void onSignal(Fence fence) {
            clock.cancel(timer);
            cgroup.unchargeFence();
            onRetire.accept(VgemFence.this);
        }

        @Override
        public String describe() {
            return null; // the fence's own bookkeeping, not a waiter
        }
    };
    private final Consumer<VgemFence> onRetire;
    private volatile boolean expired;

    /**
     * Creates a fence on a new context, as FENCE_ATTACH does, and arms its timer.
     *
     * <p>Context: any thread, never blocks. Locking: registers its disarm callback on the new fence (nobody else
     * can see it yet), then takes the clock's timer lock briefly to arm the timer.
     *
     * @param timeout how long until it expires, or null for never
     * @param stuckAfter how long until the watchdog reports it (no report if not sooner than the expiry)
     * @param creator who attached it ("pid N (comm)"), for the watchdog's report
     * @param cgroup charged with the fence until it signals
     * @param onRetire run once when the fence signals, by whatever path (the driver forgets it)
     * @throws dev.uvgem.uapi.ErrnoException ENOSPC if {@code cgroup} has its limit of outstanding fences (nothing
     *     is created then)
     */
    VgemFence(
            Clock clock,
            Duration timeout,
            Duration stuckAfter,
            String creator,
            Cgroup cgroup,
            Consumer<VgemFence> onRetire) {
        cgroup.chargeFence(); // before anything exists, so a refused fence leaves nothing to undo
        super(OPS, clock, FenceContext.allocate(), 1);
        this.clock = clock;
        this.cgroup = cgroup;
        this.createdAt = clock.nanoTime();
        this.expiresAt = timeout == null ? Clock.FOREVER : Clock.deadlineAfter(createdAt, timeout.toNanos());
        this.stuckAt = Clock.deadlineAfter(createdAt, stuckAfter.toNanos());
        this.creator = creator;
        this.onRetire = onRetire;
        addCallback(disarm);
        long first = Math.min(stuckAt, expiresAt);
        if (first != Clock.FOREVER) {
            clock.arm(timer, first);
        }
    }

    /**
     * Creates a fence charged to {@code cgroup} that expires {@code timeout} from now, with no watchdog report and
     * no creator.
     *
     * <p>Context: any thread, never blocks. Locking: as the driver's constructor.
     *
     * @throws dev.uvgem.uapi.ErrnoException ENOSPC if {@code cgroup} has its limit of outstanding fences
     */
    public VgemFence(Clock clock, Duration timeout, Cgroup cgroup) {
        this(clock, timeout, timeout, "unknown", cgroup, f -> {});
    }

    /**
     * Creates a fence charged to no process ({@link Cgroup#ROOT}): a fence the kernel makes for itself, or a test's.
     *
     * <p>Context: any thread, never blocks. Locking: as the charging constructor.
     */
    public VgemFence(Clock clock, Duration timeout) {
        this(clock, timeout, Cgroup.ROOT);
    }

    // Timer context: the watchdog's threshold (re-arm for the expiry) or the expiry itself (signal).
    private void fire() {
        long now = clock.nanoTime();
        if (now < expiresAt) {
            reportStuck(now);
            if (expiresAt != Clock.FOREVER) {
                clock.arm(timer, expiresAt);
                if (isSignaledFlag()) {
                    clock.cancel(timer); // a signal raced the re-arm: its disarm may have run before it
                }
            }
            return;
        }
        expired = true;
        if (signal()) {
            expired = false; // FENCE_SIGNAL won the race
            return;
        }
        Tracepoints.instant(now, track(), "expired " + traceRef().label(), Map.of("creator", creator));
    }

    private Track track() {
        return Track.timeline(context(), "vgem", "unbound");
    }

    private void reportStuck(long now) {
        if (Tracepoints.sink() != null) {
            Tracepoints.instant(
                    now,
                    track(),
                    "stuck fence " + traceRef().label(),
                    Map.of("creator", creator, "waiters", String.join("; ", describeWaiters())));
        }
    }

    /** Returns the time the fence expires at on the kernel clock, or {@link Clock#FOREVER} if it never does. */
    public long expiresAt() {
        return expiresAt;
    }

    /** Returns the time the fence was created at, on the kernel clock. */
    public long createdAt() {
        return createdAt;
    }

    /** Returns who attached the fence: {@code "pid N (comm)"}. */
    public String creator() {
        return creator;
    }

    /** Returns whether the fence signalled by expiring (rather than by FENCE_SIGNAL or a close). */
    public boolean hasExpired() {
        return expired;
    }
}
