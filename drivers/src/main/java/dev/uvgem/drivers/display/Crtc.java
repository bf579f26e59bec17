package dev.uvgem.drivers.display;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.trace.Track;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The CRTC of the virtual display, as {@code struct drm_crtc} with vkms's {@code vkms_output}: always active with
 * its one mode, it scans out its primary plane, runs the vblank counter and timer, queues commits in submission
 * order and flips them, and delivers vblank events and WAIT_VBLANK wake-ups.
 *
 * <p>The commit pipeline (the atomic helpers' per-CRTC commit list): commits are kept oldest first. Only the
 * oldest is ever programmed, and only once its plane fence has signalled (a fence callback: no thread waits); it
 * then flips at the first vblank after programming, and the next one (if its fence has signalled) is programmed
 * at that vblank. So frames are presented strictly in submission order, one per vblank at most, each at a vblank
 * after its fence signalled. A nonblocking commit while any commit is queued is EBUSY (the newest commit has not
 * reached flip_done); a blocking commit waits behind the others.
 *
 * <p>Tracing ({@link DisplayTrace}): each vblank the handler runs for, each commit from queueing to flip-complete,
 * and each presented frame's time on screen.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the CRTC's lock (the output lock) guards the queue, the plane
 * state swap, the vblank events and waiters and the timer's armed flag. Events are sent, fences signalled and
 * listeners called after it is dropped.
 */
public final class Crtc extends ModeObject {
    private final Object lock = new Object();
    private final Clock clock;
    private final DisplayMode mode;
    private final PropertyBlob modeBlob;
    private final ModeConfig config;
    private final Plane primary;
    private final VblankTimer vblank;
    private final ArrayDeque<PendingFlip> commits = new ArrayDeque<>();
    private final List<VblankEvent> vblankEvents = new ArrayList<>();
    private final List<Thread> vblankWaiters = new ArrayList<>();
    private final CopyOnWriteArrayList<PresentListener> listeners = new CopyOnWriteArrayList<>();
    private final FenceOps fenceOps;
    private final long fenceContext = FenceContext.allocate();
    private long fenceSeqno;
    private volatile FrameCapture lastFrame;
    private final DisplayTrace trace;
    // The frame on screen, for its scan-out trace slice (fb 0: none); guarded by the lock.
    private int scanFb;
    private long scanSince;
    private long scanSequence;
    private long scanUserData;

    /** The trace track of the commits' waits for their plane fences. */
    final Track commitTrack;

    Crtc(int id, Clock clock, DisplayMode mode, PropertyBlob modeBlob, ModeConfig config, Plane primary) {
        super(id, DrmMode.OBJECT_CRTC);
        this.clock = clock;
        this.mode = mode;
        this.modeBlob = modeBlob;
        this.config = config;
        this.primary = primary;
        this.vblank = new VblankTimer(clock, this, mode.frameDurationNanos());
        this.fenceOps = FenceOps.named(VkmsDriver.NAME, "CRTC:" + id + "-crtc-0");
        this.commitTrack = new Track("display", "crtc-" + id + " commit");
        this.trace = new DisplayTrace(id);
    }

    /** Returns the kernel clock its vblanks run on. */
    Clock clock() {
        return clock;
    }

    /** Returns the mode the CRTC runs. */
    public DisplayMode mode() {
        return mode;
    }

    /** Returns the blob holding the mode (the MODE_ID property's value). */
    PropertyBlob modeBlob() {
        return modeBlob;
    }

    /** Returns the primary plane. */
    public Plane primary() {
        return primary;
    }

    /** Returns the CRTC's index (its bit in possible_crtcs masks). */
    public int index() {
        return 0;
    }

    /** Returns the vblank period in nanoseconds. */
    public long vblankPeriodNanos() {
        return vblank.period();
    }

    /** Returns the current vblank count, as {@code drm_crtc_vblank_count}. Context: any thread. */
    public long vblankCount() {
        return vblank.count();
    }

    /** Returns the CLOCK_MONOTONIC time of vblank {@code sequence}. */
    public long vblankTime(long sequence) {
        return vblank.time(sequence);
    }

    @Override
    public List<Property> properties() {
        return List.of(config.active, config.modeId, config.outFencePtr);
    }

    /** ACTIVE is 1, MODE_ID the mode blob, OUT_FENCE_PTR always reads 0. */
    @Override
    public long propertyValue(Property property) {
        if (property == config.active) {
            return 1;
        }
        if (property == config.modeId) {
            return modeBlob.id();
        }
        if (property == config.outFencePtr) {
            return 0;
        }
        return super.propertyValue(property);
    }

    // ---------------------------------------------------------------- listeners

    /** Registers {@code listener} for every presented frame. Context: any thread. Locking: none. */
    void addListener(PresentListener listener) {
        listeners.add(listener);
    }

    /** Unregisters {@code listener}. */
    void removeListener(PresentListener listener) {
        listeners.remove(listener);
    }

    /** Returns the last presented frame, or null before the first flip. */
    FrameCapture lastFrame() {
        return lastFrame;
    }

    // ---------------------------------------------------------------- commits

    /**
     * Creates an out-fence on the CRTC's timeline, as {@code drm_crtc_create_fence}.
     *
     * <p>Context: any thread. Locking: takes the CRTC's lock briefly.
     */
    Fence createFence() {
        long seqno;
        synchronized (lock) {
            seqno = ++fenceSeqno;
        }
        return Fence.create(clock, fenceOps, fenceContext, seqno);
    }

    /**
     * Returns whether a commit is queued that has not flipped yet (the newest commit has not reached flip_done).
     *
     * <p>Context: any thread. Locking: takes the CRTC's lock briefly.
     */
    public boolean hasPendingCommit() {
        synchronized (lock) {
            return !commits.isEmpty();
        }
    }

    /**
     * Queues {@code flip} behind the CRTC's other commits and starts waiting for its fence, as {@code
     * drm_atomic_helper_setup_commit} and the start of the commit tail.
     *
     * <p>Context: any thread, never blocks. Locking: takes the CRTC's lock; the fence callback may run inline
     * after it is dropped.
     *
     * @throws ErrnoException EBUSY for a nonblocking commit while another has not flipped
     */
    void queue(PendingFlip flip) {
        synchronized (lock) {
            if (flip.isNonblocking() && !commits.isEmpty()) {
                throw new ErrnoException(Errno.EBUSY);
            }
            commits.addLast(flip);
        }
        flip.watchFence();
    }

    /** The fence callback: programs the commit if it is the oldest. Context: the signalling thread. */
    void fencesSignalled(PendingFlip flip) {
        synchronized (lock) {
            flip.fencesSignalled = true;
            if (!flip.aborted && commits.peekFirst() == flip && !flip.isProgrammed()) {
                programLocked(flip);
            }
        }
    }

    /** Programs the oldest commit, as the commit tail's plane update: it flips at the next vblank. */
    private void programLocked(PendingFlip flip) {
        flip.programmedAt = vblank.count();
        vblank.armLocked();
    }

    /**
     * Waits until {@code flip} has flipped, as a blocking commit does: interruptibly while it still waits for its
     * fences (an interrupt then aborts it, as a signal does before the point of no return), uninterruptibly once
     * it is programmed.
     *
     * <p>Context: the committing process; sleeps on the kernel clock. Locking: takes the CRTC's lock briefly; none
     * held while asleep.
     *
     * @throws ErrnoException EINTR if interrupted before the commit was programmed (the commit is then undone and
     *     the thread stays interrupted)
     */
    void awaitFlip(PendingFlip flip) {
        boolean interrupted = false;
        synchronized (lock) {
            flip.waiter = Thread.currentThread();
        }
        try {
            while (true) {
                synchronized (lock) {
                    if (flip.done) {
                        return;
                    }
                }
                clock.parkUntil(flip, Clock.FOREVER);
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (abort(flip)) {
                        throw new ErrnoException(Errno.EINTR);
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Removes a commit that has not been programmed; false if it is past its point of no return. */
    private boolean abort(PendingFlip flip) {
        synchronized (lock) {
            if (flip.done || flip.isProgrammed()) {
                return false;
            }
            boolean wasOldest = commits.peekFirst() == flip;
            commits.remove(flip);
            flip.aborted = true;
            PendingFlip next = commits.peekFirst();
            if (wasOldest && next != null && next.fencesSignalled) {
                programLocked(next);
            }
        }
        flip.unwatchFence();
        flip.discard(Errno.EINTR.negative());
        return true;
    }

    // ---------------------------------------------------------------- vblank

    /**
     * Queues a VBLANK event for WAIT_VBLANK, as {@code drm_queue_vblank_event}: sent at once if its target has
     * passed (returning the current count), else at the vblank that reaches it (returning the target).
     *
     * <p>Context: any thread, never blocks. Locking: takes the CRTC's lock; an immediate event is sent after it.
     *
     * @return the reply's sequence
     */
    long queueVblankEvent(VblankEvent event) {
        long now;
        synchronized (lock) {
            now = vblank.count();
            if (!passed(now, event.target())) {
                vblankEvents.add(event);
                vblank.armLocked();
                return event.target();
            }
        }
        event.send(now, vblank.time(now));
        return now;
    }

    /**
     * Drops the vblank events {@code file} is still waiting for, as {@code drm_events_release} does at close (so
     * the timer does not run on for a file that is gone).
     *
     * <p>Context: any thread. Locking: takes the CRTC's lock.
     */
    void dropVblankEvents(DrmFile file) {
        synchronized (lock) {
            vblankEvents.removeIf(e -> e.file() == file);
        }
    }

    /**
     * Waits until the vblank counter reaches {@code target} or {@code deadline} passes, as WAIT_VBLANK without an
     * event.
     *
     * <p>Context: the calling process; sleeps on the kernel clock. Locking: takes the CRTC's lock briefly; none
     * held while asleep.
     *
     * @return true if reached, false on timeout
     * @throws ErrnoException EINTR if interrupted (the thread stays interrupted)
     */
    boolean awaitVblank(long target, long deadline) {
        Thread self = Thread.currentThread();
        synchronized (lock) {
            vblankWaiters.add(self);
            vblank.armLocked();
        }
        try {
            while (true) {
                if (passed(vblank.count(), target)) {
                    return true;
                }
                if (clock.nanoTime() >= deadline) {
                    return false;
                }
                clock.parkUntil(this, deadline);
                if (Thread.interrupted()) {
                    self.interrupt();
                    throw new ErrnoException(Errno.EINTR);
                }
            }
        } finally {
            synchronized (lock) {
                vblankWaiters.remove(self);
            }
        }
    }

    /** Whether vblank {@code target} has been reached at count {@code now}, as {@code drm_vblank_passed}. */
    static boolean passed(long now, long target) {
        return Long.compareUnsigned(now - target, 1L << 23) <= 0;
    }

    /**
     * The vblank handler, as {@code drm_crtc_handle_vblank}: flips the programmed oldest commit (the new plane
     * state becomes current), programs the next one whose fence has signalled, sends due vblank events, wakes
     * WAIT_VBLANK callers, and keeps the timer running only while someone needs it. Then, without the lock: the
     * flip's event and out-fence, the frame capture and the listeners, the vblank events.
     *
     * <p>Context: the clock's timer thread. Locking: takes the CRTC's lock.
     */
    void handleVblank() {
        PendingFlip flipped = null;
        PlaneState replaced = null;
        PlaneState scanned = null;
        List<VblankEvent> due = new ArrayList<>();
        List<Thread> waiters;
        long seq;
        int endedFb = 0;
        long endedSince = 0;
        long endedSequence = 0;
        long endedUserData = 0;
        synchronized (lock) {
            seq = vblank.count();
            PendingFlip head = commits.peekFirst();
            if (head != null && head.isProgrammed() && head.programmedAt < seq) {
                commits.removeFirst();
                head.done = true;
                flipped = head;
                if (head.state() != null) {
                    replaced = primary.swapStateLocked(head.state());
                }
                scanned = primary.stateLocked();
                if (scanned.fb() != null) {
                    scanned.fb().get();
                }
                if (head.state() != null) {
                    endedFb = scanFb;
                    endedSince = scanSince;
                    endedSequence = scanSequence;
                    endedUserData = scanUserData;
                    scanFb = scanned.fb() == null ? 0 : scanned.fb().id();
                    scanSince = vblank.time(seq);
                    scanSequence = seq;
                    scanUserData = head.userData();
                }
                PendingFlip next = commits.peekFirst();
                if (next != null && next.fencesSignalled) {
                    programLocked(next);
                }
            }
            for (Iterator<VblankEvent> it = vblankEvents.iterator(); it.hasNext(); ) {
                VblankEvent e = it.next();
                if (passed(seq, e.target())) {
                    it.remove();
                    due.add(e);
                }
            }
            waiters = List.copyOf(vblankWaiters);
            boolean needed = !vblankEvents.isEmpty()
                    || !vblankWaiters.isEmpty()
                    || (!commits.isEmpty() && commits.peekFirst().isProgrammed());
            if (needed) {
                vblank.forwardLocked(seq);
            } else {
                vblank.disarmLocked();
            }
        }
        long ts = vblank.time(seq);
        trace.vblank(seq, ts);
        if (endedFb != 0) {
            trace.scanout(endedSince, ts, endedFb, endedUserData, endedSequence);
        }
        if (flipped != null) {
            present(flipped, scanned, seq, ts);
            if (replaced != null && replaced.fb() != null) {
                replaced.fb().release();
            }
        }
        for (VblankEvent e : due) {
            e.send(seq, ts);
        }
        for (Thread t : waiters) {
            LockSupport.unpark(t);
        }
    }

    /** Captures the flipped frame, sends its event (signalling the out-fence), wakes a blocking committer. */
    private void present(PendingFlip flip, PlaneState scanned, long seq, long ts) {
        FrameCapture frame;
        try {
            frame = Composer.capture(scanned, mode, seq, ts, flip.fenceError());
        } finally {
            if (scanned.fb() != null) {
                scanned.fb().release();
            }
        }
        lastFrame = frame;
        trace.flip(flip.queuedAt(), ts, frame.fbId(), flip.userData(), seq, frame.crc());
        flip.sendEvent(seq, ts);
        Thread waiter;
        synchronized (lock) {
            waiter = flip.waiter;
        }
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
        for (PresentListener l : listeners) {
            l.onPresent(frame);
        }
    }

    /**
     * Turns the plane off if it scans out {@code fb}, as {@code drm_framebuffer_remove} does for a framebuffer in
     * use; commits already queued keep theirs.
     *
     * <p>Context: any thread. Locking: takes the CRTC's lock; the framebuffer reference is dropped after it.
     */
    void disablePlaneUsing(Framebuffer fb) {
        PlaneState replaced = null;
        boolean wasScanned = false;
        long since = 0;
        long sequence = 0;
        long userData = 0;
        synchronized (lock) {
            if (primary.stateLocked().fb() == fb) {
                replaced = primary.swapStateLocked(PlaneState.OFF);
                if (scanFb == fb.id()) {
                    wasScanned = true;
                    since = scanSince;
                    sequence = scanSequence;
                    userData = scanUserData;
                    scanFb = 0;
                }
            }
        }
        if (replaced != null) {
            if (wasScanned) {
                trace.scanout(since, clock.nanoTime(), fb.id(), userData, sequence);
            }
            fb.release();
        }
    }

    /**
     * Returns the primary plane's current state.
     *
     * <p>Context: any thread. Locking: takes the CRTC's lock briefly.
     */
    PlaneState planeState() {
        synchronized (lock) {
            return primary.stateLocked();
        }
    }

    /**
     * Composes what the CRTC shows now.
     *
     * <p>Context: any thread. Locking: takes the CRTC's lock briefly; reads the framebuffer without it.
     */
    Scanout composeCurrent() {
        PlaneState s;
        synchronized (lock) {
            s = primary.stateLocked();
            if (s.fb() != null) {
                s.fb().get();
            }
        }
        try {
            return Composer.compose(s, mode);
        } finally {
            if (s.fb() != null) {
                s.fb().release();
            }
        }
    }

    /**
     * Returns whether the vblank timer is running (for tests).
     *
     * <p>Context: any thread. Locking: takes the CRTC's lock briefly.
     */
    boolean vblankTimerRunning() {
        synchronized (lock) {
            return vblank.isArmedLocked();
        }
    }
}
