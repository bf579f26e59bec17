package dev.uvgem.drivers.display;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.container.FenceArray;
import dev.uvgem.core.fence.container.FenceChain;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.drivers.drm.DrmPendingEvent;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Errno;

/**
 * One commit queued on a CRTC, as a {@code drm_crtc_commit} with its event: the new primary-plane state (or none
 * when the commit leaves the plane alone), the fence the plane waits for before it is programmed (prepared as
 * {@code drm_gem_plane_helper_prepare_fb} does), and the FLIP_COMPLETE event and out-fence sent when it is
 * scanned out.
 *
 * <p>Life: queued → fences signalled (a fence callback, no thread waits) → programmed once it is the oldest
 * commit of its CRTC (hw_done) → flipped at the first vblank after programming (flip_done: event sent, out-fence
 * signalled, frame captured). A commit that is still waiting for its fences can be aborted (a blocking commit
 * interrupted before its point of no return).
 *
 * <p>Thread-safety: the immutable parts are set at creation; the progress fields are guarded by the CRTC's lock.
 */
final class PendingFlip {
    private final Crtc crtc;
    private final PlaneState state;
    private final Fence fence;
    private final DrmPendingEvent event;
    private final long userData;
    private final boolean nonblocking;
    private final FenceCallback fenceDone;
    private final long queuedAt;
    boolean fencesSignalled;
    long programmedAt = -1;
    boolean done;
    boolean aborted;
    Thread waiter;

    /**
     * @param state the new plane state (holding a framebuffer user reference this commit owns), or null
     * @param fence the fence to wait for before programming, or null
     * @param event the event to send at flip time (to a file, or internal with an out-fence), or null
     */
    PendingFlip(Crtc crtc, PlaneState state, Fence fence, DrmPendingEvent event, long userData, boolean nonblocking) {
        this.crtc = crtc;
        this.state = state;
        this.fence = fence;
        this.event = event;
        this.userData = userData;
        this.nonblocking = nonblocking;
        this.queuedAt = crtc.clock().nanoTime();
        this.fenceDone = FenceCallback.of(f -> {
            f.traceWaitEnd(crtc.commitTrack, 1);
            crtc.fencesSignalled(this);
        });
    }

    /**
     * Collects the fence a plane state must wait for, as {@code drm_gem_plane_helper_prepare_fb}: none without a
     * framebuffer; with an explicit in-fence only the buffer's KERNEL fences are added to it (explicit fencing
     * overrides implicit), otherwise its WRITE fences (writers and kernel); the buffer's fences are folded into one
     * and chained after the in-fence (a {@code dma_fence_chain} node of seqno 1). A snapshot: fences added to the
     * buffer later do not count.
     *
     * <p>Context: any thread, never blocks. Locking: none (the reservation is read lock-free).
     */
    static Fence prepareFb(PlaneState s) {
        Fence fence = s.fence();
        if (s.fb() == null) {
            return fence;
        }
        ResvUsage usage = fence != null ? ResvUsage.KERNEL : ResvUsage.WRITE;
        Fence implicit = s.fb().object().resv().getSingleton(usage);
        if (implicit == null) {
            return fence;
        }
        return fence == null ? implicit : FenceChain.create(fence, implicit, 1);
    }

    PlaneState state() {
        return state;
    }

    /** Returns the kernel clock's time the commit was made, where its trace slice starts. */
    long queuedAt() {
        return queuedAt;
    }

    /** Returns the user data of its FLIP_COMPLETE event. */
    long userData() {
        return userData;
    }

    boolean isNonblocking() {
        return nonblocking;
    }

    boolean isProgrammed() {
        return programmedAt >= 0;
    }

    /**
     * Starts waiting for the fence: a callback, or at once if there is none or it has signalled.
     *
     * <p>Context: any thread. Locking: the caller must not hold the CRTC's lock (the callback may run inline).
     */
    void watchFence() {
        if (fence == null) {
            crtc.fencesSignalled(this);
            return;
        }
        fence.traceWaitStart(crtc.commitTrack);
        if (fence.addCallback(fenceDone) != 0) {
            fence.traceWaitEnd(crtc.commitTrack, 1);
            crtc.fencesSignalled(this);
        }
    }

    /** Stops waiting for the fence (an aborted commit). Context: any thread. Locking: none needed. */
    void unwatchFence() {
        if (fence != null && fence.removeCallback(fenceDone)) {
            fence.traceWaitEnd(crtc.commitTrack, Errno.EINTR.negative());
        }
    }

    /**
     * Returns the first error among the fences the plane waited for (0 if none signalled with an error): a fence
     * that signals with an error still counts as signalled, the flip proceeds and the capture records the error.
     */
    int fenceError() {
        return firstError(fence);
    }

    private static int firstError(Fence f) {
        if (f == null) {
            return 0;
        }
        if (f.error() != 0) {
            return f.error();
        }
        FenceChain chain = FenceChain.asChain(f);
        if (chain != null) {
            int e = firstError(chain.contained());
            return e != 0 ? e : firstError(chain.prev());
        }
        FenceArray array = FenceArray.asArray(f);
        if (array != null) {
            for (Fence m : array.members()) {
                int e = firstError(m);
                if (e != 0) {
                    return e;
                }
            }
        }
        return 0;
    }

    /**
     * Sends the FLIP_COMPLETE event (signalling the out-fence) for vblank {@code sequence} at {@code timestamp}.
     *
     * <p>Context: the vblank handler. Locking: the caller must not hold the CRTC's lock (fence callbacks run).
     */
    void sendEvent(long sequence, long timestamp) {
        if (event != null) {
            event.send(
                    event.hasFile()
                            ? DrmEventVblank.of(DrmMode.EVENT_FLIP_COMPLETE, userData, timestamp, sequence, crtc.id())
                                    .toBytes()
                            : null,
                    timestamp);
        }
    }

    /**
     * Releases what an aborted commit held: its event space, its out-fence (signalled with {@code error}), its
     * framebuffer reference.
     *
     * <p>Context: any thread. Locking: the caller must not hold the CRTC's lock.
     */
    void discard(int error) {
        if (event != null) {
            event.cancel();
            if (event.fence() != null) {
                event.fence().signalWithError(error);
            }
        }
        if (state != null && state.fb() != null) {
            state.fb().release();
        }
    }
}
