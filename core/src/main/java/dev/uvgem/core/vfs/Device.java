package dev.uvgem.core.vfs;

import dev.uvgem.uapi.ErrnoException;

/**
 * Something a path opens: a DRM node, the sw_sync debugfs file, a debugfs text. The syscall layer's path table
 * maps each path to a device; each open makes a new {@link OpenFile}.
 *
 * <p>Thread-safety: implementations must be safe for concurrent opens.
 */
@FunctionalInterface
public interface Device {
    /**
     * Opens the device for {@code task}, as a character device's {@code open}.
     *
     * <p>Context: the opening process; must not sleep on fences. Locking: called with no lock of the syscall layer
     * held (the fd is reserved first and installed after).
     *
     * @param flags the open flags (access mode, O_NONBLOCK)
     * @return a new open file holding one reference, owned by the caller
     * @throws ErrnoException with the kernel's errno if the open is refused
     */
    OpenFile open(int flags, Task task);
}
