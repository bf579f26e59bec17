package dev.uvgem.uapi;

/**
 * Linux x86-64 errno values, the one vocabulary of failure in uvgem.
 *
 * <p>Every failing operation in every layer reports one of these: thrown as {@link ErrnoException} in the Java
 * API, returned as {@code -errno} by the syscall layer and on the wire. The numbers are the Linux generic ones
 * (asm-generic/errno-base.h and errno.h), which x86-64 uses.
 *
 * <p>Thread-safety: immutable.
 */
public enum Errno {
    /** Operation not permitted. */
    EPERM(1),
    /** No such file or directory (or: no such handle, fence or token). */
    ENOENT(2),
    /** No such process (a GPU scheduler entity was killed before its job ran). */
    ESRCH(3),
    /** Interrupted system call. */
    EINTR(4),
    /** I/O error. */
    EIO(5),
    /** Bad file descriptor. */
    EBADF(9),
    /** Try again: the call would block. */
    EAGAIN(11),
    /** Out of memory. */
    ENOMEM(12),
    /** Permission denied. */
    EACCES(13),
    /** Bad address: a user pointer outside the caller's memory. */
    EFAULT(14),
    /** Device or resource busy. */
    EBUSY(16),
    /** File exists. */
    EEXIST(17),
    /** No such device. */
    ENODEV(19),
    /** Invalid argument. */
    EINVAL(22),
    /** Too many open files in the system. */
    ENFILE(23),
    /** Too many open files in this process. */
    EMFILE(24),
    /** Inappropriate ioctl for device. */
    ENOTTY(25),
    /** No space left on device. */
    ENOSPC(28),
    /** Illegal seek. */
    ESPIPE(29),
    /** Math result not representable. */
    ERANGE(34),
    /** Resource deadlock would occur. */
    EDEADLK(35),
    /** Function not implemented. */
    ENOSYS(38),
    /** No data available. */
    ENODATA(61),
    /** Timer expired. */
    ETIME(62),
    /** Protocol error. */
    EPROTO(71),
    /** Value too large for defined data type. */
    EOVERFLOW(75),
    /** Message too long. */
    EMSGSIZE(90),
    /** Operation not supported. */
    EOPNOTSUPP(95),
    /** Transport endpoint is not connected (a remote client whose daemon connection is closed or broken). */
    ENOTCONN(107),
    /** Too many references (SCM_RIGHTS: more files in flight from the sender than its fd limit). */
    ETOOMANYREFS(109),
    /** Connection timed out (vgem: the fence had already expired). */
    ETIMEDOUT(110),
    /** Operation already in progress (ww_mutex: already held by this context). */
    EALREADY(114),
    /** Operation canceled. */
    ECANCELED(125);

    private static final Errno[] BY_NUMBER = new Errno[126];

    static {
        for (Errno e : values()) {
            BY_NUMBER[e.number] = e;
        }
    }

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /** Returns the positive errno number, e.g. 22 for EINVAL. */
    public int number() {
        return number;
    }

    /** Returns the negative value a system call returns for this error, e.g. -22 for EINVAL. */
    public int negative() {
        return -number;
    }

    /**
     * Returns the errno for a positive or negative number.
     *
     * @throws IllegalArgumentException if the number is not one uvgem knows
     */
    public static Errno of(int number) {
        int n = Math.abs(number);
        Errno e = n < BY_NUMBER.length ? BY_NUMBER[n] : null;
        if (e == null) {
            throw new IllegalArgumentException("unknown errno " + number);
        }
        return e;
    }

    /** Returns the errno for a number, or {@code null} if uvgem does not know it. */
    public static Errno lookup(int number) {
        int n = Math.abs(number);
        return n < BY_NUMBER.length ? BY_NUMBER[n] : null;
    }

    /** Creates the exception that carries this errno. */
    public ErrnoException exception() {
        return new ErrnoException(this);
    }

    /** Creates the exception that carries this errno, with a message for people. */
    public ErrnoException exception(String message) {
        return new ErrnoException(this, message);
    }
}
