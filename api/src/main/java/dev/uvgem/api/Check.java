package dev.uvgem.api;

import dev.uvgem.uapi.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Turns system-call results into values or {@link dev.uvgem.uapi.ErrnoException}s; wraps struct bytes. */
final class Check {
    private Check() {}

    /** Returns {@code result} if non-negative, else throws its errno. */
    static long ok(long result) {
        if (result < 0) {
            throw Errno.of((int) result).exception();
        }
        return result;
    }

    /** Returns {@code result} as an int if non-negative, else throws its errno. */
    static int fd(long result) {
        return (int) ok(result);
    }

    /** Wraps struct bytes little-endian, position 0. */
    static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Wraps {@code length} struct bytes at {@code offset} little-endian, as a buffer of their own from 0. */
    static ByteBuffer le(byte[] bytes, int offset, int length) {
        return ByteBuffer.wrap(bytes, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
