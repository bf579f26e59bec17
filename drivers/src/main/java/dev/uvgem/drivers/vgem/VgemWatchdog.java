package dev.uvgem.drivers.vgem;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.vfs.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stuck-fence watchdog of one vGEM driver: it knows every vGEM fence not yet signalled, who attached it and
 * when, and reports those older than its threshold with whoever waits on them ({@code
 * /sys/kernel/debug/uvgem/stuck_fences}). Each fence also reports itself into the trace when it crosses the
 * threshold (its own timer fires there first, see {@link VgemFence}). The kernel has no such file; it is the
 * answer uvgem gives to the objection that a never-signalled fence hangs everyone: it shows who.
 *
 * <p>Thread-safety: safe for concurrent use; the set of live fences is a concurrent set (a fence leaves it from its
 * own signal callback).
 */
public final class VgemWatchdog {
    private final Clock clock;
    private final Duration threshold;
    private final Set<VgemFence> live = ConcurrentHashMap.newKeySet();

    /**
     * Creates the watchdog.
     *
     * @param threshold how old an unsignalled fence must be to be reported stuck (the driver uses half its fence
     *     timeout: 5 s with Linux's 10 s)
     */
    public VgemWatchdog(Clock clock, Duration threshold) {
        this.clock = clock;
        this.threshold = threshold;
    }

    /** Returns the age from which an unsignalled fence counts as stuck. */
    public Duration threshold() {
        return threshold;
    }

    /**
     * Creates a fence attached by {@code task}, watched until it signals.
     *
     * <p>Context: the attaching process. Locking: see the {@link VgemFence} constructor.
     *
     * @param timeout its expiry, or null for none
     * @param cgroup charged with the fence until it signals
     * @throws dev.uvgem.uapi.ErrnoException ENOSPC if {@code cgroup} has its limit of outstanding fences
     */
    VgemFence create(Duration timeout, Task task, Cgroup cgroup) {
        String creator = "pid " + task.pid() + " (" + task.comm() + ")";
        VgemFence fence = new VgemFence(clock, timeout, threshold, creator, cgroup, live::remove);
        live.add(fence);
        if (fence.isSignaledFlag()) {
            live.remove(fence); // signalled before it was added (an expiry of zero): its retire found nothing
        }
        return fence;
    }

    /** Returns the unsignalled fences older than the threshold, oldest first. Context: any thread. */
    public List<VgemFence> stuck() {
        long now = clock.nanoTime();
        List<VgemFence> out = new ArrayList<>();
        for (VgemFence f : live) {
            if (!f.isSignaledFlag() && now - f.createdAt() >= threshold.toNanos()) {
                out.add(f);
            }
        }
        out.sort(Comparator.comparingLong(VgemFence::createdAt));
        return out;
    }

    /**
     * Renders {@code uvgem/stuck_fences}: a header with the threshold, then per stuck fence a line {@code
     * context:seqno age <ms> expires <in N ms | never> by pid N (comm)} followed by one tab-indented {@code
     * waiter:} line per waiter (a thread in a fence wait, a poll on a dma-buf or sync_file, a driver).
     *
     * <p>Context: any thread. Locking: takes each stuck fence's lock briefly to list its waiters.
     */
    public String report() {
        long now = clock.nanoTime();
        StringBuilder b = new StringBuilder();
        b.append("vgem fences unsignalled for ").append(threshold.toMillis()).append(" ms or more:\n");
        for (VgemFence f : stuck()) {
            b.append(f.traceRef().label())
                    .append(" age ")
                    .append((now - f.createdAt()) / 1_000_000)
                    .append(" ms expires ")
                    .append(
                            f.expiresAt() == Clock.FOREVER
                                    ? "never"
                                    : "in " + (f.expiresAt() - now) / 1_000_000 + " ms")
                    .append(" by ")
                    .append(f.creator())
                    .append('\n');
            for (String w : f.describeWaiters()) {
                b.append("\twaiter: ").append(w).append('\n');
            }
        }
        return b.toString();
    }
}
