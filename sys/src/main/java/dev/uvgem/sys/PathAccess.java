package dev.uvgem.sys;

/**
 * Who may open a path of the {@link Kernel}'s path table: the model of a device node's mode bits and of debugfs
 * being mounted root-only.
 *
 * <p>Thread-safety: immutable.
 */
public enum PathAccess {
    /** Any process (a DRM node, mode 0666). */
    EVERYONE,
    /**
     * Only an admin process, and only when the kernel runs with debugfs enabled; anyone else gets EACCES (the
     * contract's rule for {@code /sys/kernel/debug/...}).
     */
    ADMIN_DEBUGFS
}
