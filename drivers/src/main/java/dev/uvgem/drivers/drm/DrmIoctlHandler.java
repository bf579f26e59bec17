package dev.uvgem.drivers.drm;

import dev.uvgem.core.vfs.Task;
import java.nio.ByteBuffer;

/**
 * One DRM ioctl's implementation, as {@code drm_ioctl_t}: it reads and updates the kernel copy of the argument
 * struct.
 *
 * <p>Context: the calling process; may sleep. Locking: called without DRM core locks held.
 *
 * <p>Thread-safety: implementations are called concurrently from any process's threads and must be safe for that.
 */
@FunctionalInterface
public interface DrmIoctlHandler {
    /**
     * Runs the ioctl.
     *
     * @param file the caller's DRM file
     * @param data the argument, little-endian, at least the declared size of the ioctl (zero-extended beyond what
     *     userspace passed); copied back to userspace afterwards, also when this throws
     * @param task the calling process
     * @return the ioctl's non-negative return value, usually 0
     * @throws dev.uvgem.uapi.ErrnoException with the errno to return
     */
    long handle(DrmFile file, ByteBuffer data, Task task);
}
