package dev.uvgem.drivers.drm;

import dev.uvgem.core.fence.Fence;
import java.util.Objects;

/**
 * An event on its way to a DRM file, as {@code struct drm_pending_event}: space reserved in the file's queue at
 * request time ({@link DrmEventQueue#reserve}), then either sent (its bytes queued for read(), its fence
 * signalled) or cancelled (the space returned). An event without a file is a kernel-internal one: sending it only
 * signals its fence.
 *
 * <p>Thread-safety: the event is sent or cancelled once, by whoever owns it (a commit, a vblank wait); {@link
 * #send} and {@link #cancel} are idempotent after the first.
 */
public final class DrmPendingEvent {
    private final DrmEventQueue queue;
    private final int length;
    private final Fence fence;
    private boolean done;

    private DrmPendingEvent(DrmEventQueue queue, int length, Fence fence) {
        this.queue = queue;
        this.length = length;
        this.fence = fence;
    }

    /**
     * Reserves {@code length} bytes in {@code file}'s event queue for an event, as {@code drm_event_reserve_init}.
     *
     * <p>Context: any thread, never blocks. Locking: takes the queue's lock briefly.
     *
     * @param fence an out-fence to signal when the event is sent, or null
     * @throws dev.uvgem.uapi.ErrnoException ENOMEM when the file's 4096-byte budget is used up
     */
    public static DrmPendingEvent reserve(DrmFile file, int length, Fence fence) {
        file.events().reserve(length);
        return new DrmPendingEvent(file.events(), length, fence);
    }

    /** Returns an event with no file that only signals {@code fence} (which may be null) when sent. */
    public static DrmPendingEvent internal(Fence fence) {
        return new DrmPendingEvent(null, 0, fence);
    }

    /** Returns the out-fence this event signals, or null. */
    public Fence fence() {
        return fence;
    }

    /** Returns whether the event goes to a file (rather than being kernel-internal). */
    public boolean hasFile() {
        return queue != null;
    }

    /**
     * Sends the event, as {@code drm_send_event_timestamp_locked}: signals the fence with {@code timestampNanos},
     * then queues {@code bytes} (exactly the reserved length) for read() and wakes the file's readers and pollers.
     * An event whose file has been closed is dropped.
     *
     * <p>Context: any thread, never blocks; the fence's callbacks run on it. Locking: the caller must not hold a
     * lock the fence's callbacks take; takes the queue's lock briefly.
     */
    public void send(byte[] bytes, long timestampNanos) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        if (fence != null) {
            fence.signalTimestamp(timestampNanos);
        }
        if (queue != null) {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length != length) {
                throw new IllegalArgumentException("event of " + bytes.length + " bytes, reserved " + length);
            }
            queue.add(bytes);
        }
    }

    /**
     * Cancels an event never sent, as {@code drm_event_cancel_free}: returns its reserved space. The fence, if any,
     * is left to its owner.
     *
     * <p>Context: any thread. Locking: takes the queue's lock briefly.
     */
    public void cancel() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        if (queue != null) {
            queue.unreserve(length);
        }
    }
}
