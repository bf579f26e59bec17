package dev.uvgem.daemon;

import dev.uvgem.uapi.Ioc;

/**
 * The ioctls that may sleep, which the daemon parks on a thread of their own instead of running them on the event
 * loop (the contract's "an ioctl that waits"). Matched by type and number, not the full request code, because a
 * kernel dispatches by number whatever size the caller encoded.
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

    private WaitingIoctls() {}

    /** Returns whether ioctl {@code request} may sleep. */
    static boolean mayWait(int request) {
        int type = Ioc.type(request);
        int nr = Ioc.nr(request);
        if (type == 'b') {
            return nr == DMA_BUF_SYNC_NR;
        }
        if (type == 'd') {
            return nr == DRM_WAIT_VBLANK_NR
                    || nr == DRM_SYNCOBJ_WAIT_NR
                    || nr == DRM_SYNCOBJ_TIMELINE_WAIT_NR
                    || nr == DRM_SYNCOBJ_TRANSFER_NR;
        }
        return false;
    }
}
