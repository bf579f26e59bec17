package dev.uvgem.uapi;

/**
 * The {@code whence} values of lseek ({@code include/uapi/linux/fs.h}).
 *
 * <p>Thread-safety: constants only.
 */
public final class Seek {
    /** Seek from the start. */
    public static final int SEEK_SET = 0;
    /** Seek from the current position. */
    public static final int SEEK_CUR = 1;
    /** Seek from the end. */
    public static final int SEEK_END = 2;

    private Seek() {}
}
