package dev.uvgem.daemon;

import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Ioc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The ioctls that may sleep, which the daemon parks on a thread of their own instead of running them on the event
 * loop (the contract's "an ioctl that waits"). Matched by type and number, not the full request code, because a
 * kernel dispatches by number whatever size the caller encoded. One ioctl sleeps or not by its argument: a KMS
 * ATOMIC commit waits for its flip unless it is NONBLOCK or TEST_ONLY ({@code u32 flags} at offset 0 of {@code
 * struct drm_mode_atomic}).
 *
 * <p>Every ioctl a driver adds that can sleep on a fence, a vblank or a lock held across a wait must be listed
 * here: an unlisted sleeping ioctl would hold up every connection of its event loop.
 *
 * <p>Thread-safety: stateless.
 */
final class WaitingIoctls {
    /** {@code DMA_BUF_IOCTL_SYNC}: START waits for the implicit fences of the access. */
    static final int DMA_BUF_SYNC_NR = 0;
    /** {@code DRM_IOCTL_WAIT_VBLANK}. */
    static final int DRM_WAIT_VBLANK_NR = 0x3a;
    /** {@code DRM_IOCTL_SYNCOBJ_WAIT}. */
    static final int DRM_SYNCOBJ_WAIT_NR = 0xc3;
    /** {@code DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT}. */
    static final int DRM_SYNCOBJ_TIMELINE_WAIT_NR = 0xca;
    /** {@code DRM_IOCTL_SYNCOBJ_TRANSFER}: with WAIT_FOR_SUBMIT it waits up to 5 s for the source point. */
    static final int DRM_SYNCOBJ_TRANSFER_NR = 0xcc;
    /** {@code DRM_IOCTL_MODE_ATOMIC}: a blocking commit waits for its fences and the flip's vblank. */
    static final int DRM_MODE_ATOMIC_NR = Ioc.nr(DrmMode.IOCTL_ATOMIC);
    /** The ATOMIC flags that make a commit return without waiting. */
    private static final int ATOMIC_RETURNS_AT_ONCE = DrmMode.ATOMIC_NONBLOCK | DrmMode.ATOMIC_TEST_ONLY;

    private WaitingIoctls() {}

    /**
     * Returns whether ioctl {@code request} with argument {@code arg} may sleep. An ATOMIC whose argument is too
     * short to hold its flags fails at once (EFAULT), so it is not parked.
     */
    static boolean mayWait(int request, byte[] arg) {
        int type = Ioc.type(request);
        int nr = Ioc.nr(request);
        if (type == 'b') {
            return nr == DMA_BUF_SYNC_NR;
        }
        if (type == 'd') {
            return nr == DRM_WAIT_VBLANK_NR
                    || nr == DRM_SYNCOBJ_WAIT_NR
                    || nr == DRM_SYNCOBJ_TIMELINE_WAIT_NR
                    || nr == DRM_SYNCOBJ_TRANSFER_NR
                    || nr == DRM_MODE_ATOMIC_NR && blockingCommit(arg);
        }
        return false;
    }

    private static boolean blockingCommit(byte[] arg) {
        if (arg.length < Integer.BYTES) {
            return false;
        }
        int flags = ByteBuffer.wrap(arg).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        return (flags & ATOMIC_RETURNS_AT_ONCE) == 0;
    }
}
