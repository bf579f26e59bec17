package dev.uvgem.core.swsync;

import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.time.Clock;
import dev.uvgem.uapi.CString;
import dev.uvgem.uapi.Errno;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A software timeline, as the kernel's {@code struct sync_timeline} behind one open of
 * {@code /sys/kernel/debug/sync/sw_sync}: a signed 32-bit value starting at 0 that only userspace advances
 * ({@link #inc}), and the points ({@link SyncPoint}) created on it ({@link #createFence}), which signal when the
 * value reaches them.
 *
 * <p><b>Passed rule.</b> A point with value {@code s} is complete iff {@code (int) (s - value) <= 0}: the 32-bit
 * wrap-around comparison, so on a fresh timeline a point more than 2<sup>31</sup> ahead already counts as passed.
 *
 * <p><b>Linked points.</b> Every new point is linked into the timeline's list, kept in wrap-aware seqno order,
 * even one that is already passed (the newest kernel only checks the signalled bit, never set on a new fence):
 * such a point signals the first time anyone asks ({@link SyncPoint#isSignaled()}) or at the next {@link #inc},
 * which unlinks it. Asking for a value that has a linked point returns that point (the same fence object).
 *
 * <p><b>Release.</b> When the timeline's file is released every linked point is signalled with error
 * {@code -ENOENT}; a point that already signalled keeps its status.
 *
 * <p><b>Debug listing.</b> The timeline is listed in its {@link SyncDebug} from creation. In the kernel a point
 * leaves the timeline's list when it is signalled by {@link #inc} or when its last reference goes, and the
 * timeline stays listed until its last point is freed. Java has no reference counts, so: while the timeline is
 * open it holds its linked points strongly (a point whose every holder has gone stays listed until the value
 * passes it or the timeline is released — a deviation); after release it holds them only weakly, and it stays
 * listed while any of them is still reachable, i.e. until the garbage collector has freed them all.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the value and the list are guarded by an internal lock
 * never held while a fence signals. Signalling by {@link #inc} and {@link #release} is additionally serialised
 * by a per-timeline reentrant lock held across the signalling, so concurrent increments signal their points in
 * ascending order as the kernel's (which signals under the timeline lock) do.
 */
public final class SwSyncTimeline {
    /** The driver name of sw_sync fences. */
    static final String DRIVER_NAME = "sw_sync";

    private final SyncDebug debug;
    private final Clock clock;
    private final String name;
    private final long context;
    private final Object lock = new Object();
    private final ReentrantLock signalling = new ReentrantLock();

    private volatile int value;

    // Guarded by lock: the linked points in wrap-aware order (the kernel's tree and list in one).
    private final TreeMap<Integer, SyncPoint> points = new TreeMap<>((a, b) -> Integer.signum(a - b));
    private boolean released;
    private List<WeakReference<SyncPoint>> releasedPoints = List.of();

    private SwSyncTimeline(SyncDebug debug, Clock clock, String name) {
        this.debug = debug;
        this.clock = clock;
        this.name = CString.truncate(name, 31);
        this.context = FenceContext.allocate();
    }

    /**
     * Creates a timeline at value 0 with a fresh fence context and lists it in {@code debug}, as
     * {@code sync_timeline_create}.
     *
     * <p>Context: any thread. Locking: takes the registry lock.
     *
     * @param name the timeline name (the opening task's comm), cut to 31 bytes
     * @param clock the clock that stamps the points' signal times
     * @param debug the kernel's registry of timelines
     */
    public static SwSyncTimeline create(String name, Clock clock, SyncDebug debug) {
        SwSyncTimeline tl = new SwSyncTimeline(debug, clock, name);
        debug.add(tl);
        return tl;
    }

    /** Returns the timeline name, which is also its points' timeline name. */
    public String name() {
        return name;
    }

    /** Returns the fence context shared by all points of this timeline. */
    public long context() {
        return context;
    }

    /** Returns the clock stamping the points. */
    public Clock clock() {
        return clock;
    }

    /** Returns the current value (signed; it wraps). Context: any thread, lock-free. */
    public int value() {
        return value;
    }

    /** Returns whether a point at {@code point} has been passed by the current value (32-bit wrap rule). */
    public boolean isPassed(int point) {
        return point - value <= 0;
    }

    /**
     * Returns whether the timeline's file has been released.
     *
     * <p>Context: any thread. Locking: takes the timeline lock briefly.
     */
    public boolean isReleased() {
        synchronized (lock) {
            return released;
        }
    }

    /**
     * Returns the point at {@code point}, as {@code sync_pt_create}: the linked point of that value if there is
     * one, else a new point linked in order. A point at or below the current value is created all the same and
     * reads as signalled.
     *
     * <p>Context: any thread, never blocks on fences. Locking: takes the timeline lock; signals nothing.
     *
     * @param point the point's value (treated as unsigned 32 bits for the seqno)
     * @throws IllegalStateException if the timeline has been released
     */
    public SyncPoint createFence(int point) {
        synchronized (lock) {
            if (released) {
                throw new IllegalStateException("sw_sync timeline " + name + " already released");
            }
            SyncPoint pt = points.get(point);
            if (pt == null) {
                pt = new SyncPoint(this, point);
                points.put(point, pt);
            }
            return pt;
        }
    }

    /**
     * Advances the value by {@code n}, read as unsigned 32 bits, as {@code SW_SYNC_IOC_INC}: in steps of at most
     * {@link Integer#MAX_VALUE} so the wrap rule stays monotone; after each step every linked point that has been
     * passed is unlinked and then signalled, in ascending order, with the timeline lock dropped.
     *
     * <p>Context: any thread; runs the points' callbacks on it. Locking: holds the timeline's signalling lock
     * across the whole increment (concurrent increments wait for it), the internal lock only around each step;
     * must not hold locks those callbacks take.
     */
    public void inc(int n) {
        signalling.lock();
        try {
            long left = Integer.toUnsignedLong(n);
            while (left > Integer.MAX_VALUE) {
                step(Integer.MAX_VALUE);
                left -= Integer.MAX_VALUE;
            }
            step((int) left);
        } finally {
            signalling.unlock();
        }
    }

    private void step(int by) {
        List<SyncPoint> passed = null;
        synchronized (lock) {
            value += by;
            Map.Entry<Integer, SyncPoint> head;
            while ((head = points.firstEntry()) != null && isPassed(head.getKey())) {
                points.pollFirstEntry();
                if (passed == null) {
                    passed = new ArrayList<>();
                }
                passed.add(head.getValue());
            }
        }
        if (passed != null) {
            for (SyncPoint pt : passed) {
                pt.signal();
            }
        }
    }

    /**
     * Releases the timeline when its file's last reference goes, as the sw_sync release: every linked point is
     * signalled with error {@code -ENOENT} (in list order; one that already signalled keeps its status), and the
     * timeline leaves its registry once none of those points is reachable any more. Idempotent.
     *
     * <p>Context: whoever drops the file's last reference; runs the points' callbacks on it. Locking: holds the
     * timeline's signalling lock while signalling, then takes the registry lock to unlist; must not hold locks
     * those callbacks take.
     */
    public void release() {
        List<SyncPoint> linked;
        signalling.lock();
        try {
            synchronized (lock) {
                if (released) {
                    return;
                }
                released = true;
                linked = new ArrayList<>(points.values());
                points.clear();
                List<WeakReference<SyncPoint>> weak = new ArrayList<>(linked.size());
                for (SyncPoint pt : linked) {
                    weak.add(new WeakReference<>(pt));
                }
                releasedPoints = weak;
            }
            for (SyncPoint pt : linked) {
                pt.signalWithError(Errno.ENOENT.negative());
            }
        } finally {
            signalling.unlock();
        }
        debug.purge();
    }

    /**
     * Returns the points on the timeline's list, in order: the linked points while open; after release, those of
     * the points linked at release that are still reachable.
     *
     * <p>Context: any thread. Locking: takes the timeline lock.
     */
    public List<SyncPoint> listedPoints() {
        synchronized (lock) {
            if (!released) {
                return new ArrayList<>(points.values());
            }
            List<SyncPoint> live = new ArrayList<>(releasedPoints.size());
            for (WeakReference<SyncPoint> ref : releasedPoints) {
                SyncPoint pt = ref.get();
                if (pt != null) {
                    live.add(pt);
                }
            }
            return live;
        }
    }

    /** Returns whether the timeline is released and none of its listed points is reachable: it can be unlisted. */
    boolean isGone() {
        synchronized (lock) {
            if (!released) {
                return false;
            }
            for (WeakReference<SyncPoint> ref : releasedPoints) {
                if (ref.get() != null) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public String toString() {
        return "sw_sync timeline " + name + " ctx " + context + " value " + value;
    }
}
