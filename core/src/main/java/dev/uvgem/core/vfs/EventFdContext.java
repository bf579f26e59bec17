package dev.uvgem.core.vfs;

/**
 * The counter behind an eventfd, as {@code struct eventfd_ctx}: what kernel code (DRM syncobj's eventfd ioctl)
 * signals. The syscall layer implements it and makes it the {@link OpenFile#privateData()} of every eventfd, so a
 * driver finds it with {@code task.file(fd).privateData(EventFdContext.class, Errno.EINVAL)} and may keep it after
 * the fd is closed: signalling a context whose file is gone is harmless.
 *
 * <p>Thread-safety: implementations are safe for concurrent use.
 */
public interface EventFdContext {
    /**
     * Adds {@code n} (unsigned) to the counter, saturating at 2^64-1, and wakes readers and pollers, as
     * {@code eventfd_signal}.
     *
     * <p>Context: any thread, including timer and fence-callback context; never sleeps. Locking: takes the
     * context's own lock briefly; wakes after dropping it.
     *
     * @return the amount actually added (less than {@code n} when the counter saturated)
     */
    long signal(long n);

    /** Adds one, as the newest {@code eventfd_signal(ctx)}. */
    default long signal() {
        return signal(1);
    }
}
