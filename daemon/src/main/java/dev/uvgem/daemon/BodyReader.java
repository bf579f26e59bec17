package dev.uvgem.daemon;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a request body field by field, little-endian, checking each read against what is left: a body too
 * short for its op throws {@link ShortBody}, which the session answers with -EINVAL. Bytes left over after the
 * last field are ignored.
 *
 * <p>Thread-safety: none; one reader per request, on one thread.
 */
final class BodyReader {
    private final ByteBuffer body;

    /** Reads {@code body} from its position to its limit. */
    BodyReader(ByteBuffer body) {
        this.body = body.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The body ends before a field does. Carries no stack trace: it is an answer, not a bug. */
    static final class ShortBody extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ShortBody() {
            super("body too short", null, false, false);
        }
    }

    /** Returns the bytes not read yet. */
    int remaining() {
        return body.remaining();
    }

    /** Reads an {@code i16}. */
    short i16() {
        need(2);
        return body.getShort();
    }

    /** Reads a {@code u16}. */
    int u16() {
        return Short.toUnsignedInt(i16());
    }

    /** Reads an {@code i32}. */
    int i32() {
        need(4);
        return body.getInt();
    }

    /** Reads a {@code u32}. */
    long u32() {
        return Integer.toUnsignedLong(i32());
    }

    /** Reads an {@code i64} (also a {@code u64}, as its bits). */
    long i64() {
        need(8);
        return body.getLong();
    }

    /** Reads {@code n} bytes ({@code n} as an unsigned count). */
    byte[] bytes(long n) {
        need(n);
        byte[] out = new byte[(int) n];
        body.get(out);
        return out;
    }

    /** Reads a {@code u32 length} followed by that many bytes. */
    byte[] u32Bytes() {
        return bytes(u32());
    }

    /** Reads a string: {@code u16 length} + UTF-8 bytes (malformed sequences become U+FFFD). */
    String str() {
        return new String(bytes(u16()), StandardCharsets.UTF_8);
    }

    private void need(long n) {
        if (n < 0 || n > body.remaining()) {
            throw new ShortBody();
        }
    }
}
