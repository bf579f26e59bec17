package dev.uvgem.uapi;

import java.io.Serial;

/**
 * The one exception uvgem throws for a failed operation: it carries the Linux {@link Errno} the kernel would
 * return for the same call.
 *
 * <p>The syscall layer turns it into {@code -errno}; the Java API lets it propagate. It is unchecked because,
 * as in the kernel, almost every operation can fail and callers decide where to handle it.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public final class ErrnoException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    /** Creates an exception for {@code errno} with its name as message. */
    public ErrnoException(Errno errno) {
        this(errno, errno.name());
    }

    /** Creates an exception for {@code errno} with a message for people. */
    public ErrnoException(Errno errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }

    /** Returns the errno this failure maps to. */
    public Errno errno() {
        return errno;
    }

    /** Returns {@code -errno}, the value a system call returns for this failure. */
    public int negative() {
        return errno.negative();
    }
}
