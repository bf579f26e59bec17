package dev.uvgem.uapi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fixed-size {@code char[N]} fields of uAPI structs as Java strings: read up to the first NUL (or the whole field
 * if it has none), written as UTF-8 cut to at most {@code N - 1} bytes and NUL-terminated, as {@code strscpy}
 * does. Cutting is by bytes, as in the kernel, so a multi-byte character may be split.
 *
 * <p>Thread-safety: stateless.
 */
public final class CString {
    private CString() {}

    /** Returns the string stored in the {@code size}-byte field at {@code offset}, up to its first NUL. */
    public static String get(ByteBuffer b, int offset, int size) {
        int len = 0;
        while (len < size && b.get(offset + len) != 0) {
            len++;
        }
        byte[] bytes = new byte[len];
        b.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Stores {@code s} in the {@code size}-byte field at {@code offset}: at most {@code size - 1} bytes, a NUL, and
     * zeroes to the end of the field (a zero-initialised struct filled with {@code strscpy}).
     */
    public static void put(ByteBuffer b, int offset, int size, String s) {
        int end = putTerminated(b, offset, size, s);
        for (int i = end; i < offset + size; i++) {
            b.put(i, (byte) 0);
        }
    }

    /**
     * Stores {@code s} in the {@code size}-byte field at {@code offset} as {@code strscpy} into an existing buffer:
     * at most {@code size - 1} bytes and a NUL; the bytes after the NUL keep their old values.
     *
     * @return the index just past the NUL
     */
    public static int putTerminated(ByteBuffer b, int offset, int size, String s) {
        byte[] bytes = truncatedBytes(s, size - 1);
        b.put(offset, bytes);
        b.put(offset + bytes.length, (byte) 0);
        return offset + bytes.length + 1;
    }

    /** Returns {@code s} cut to at most {@code maxBytes} UTF-8 bytes, as a field of {@code maxBytes + 1} holds it. */
    public static String truncate(String s, int maxBytes) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return s;
        }
        return new String(bytes, 0, maxBytes, StandardCharsets.UTF_8);
    }

    private static byte[] truncatedBytes(String s, int maxBytes) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= maxBytes ? bytes : Arrays.copyOf(bytes, maxBytes);
    }
}
