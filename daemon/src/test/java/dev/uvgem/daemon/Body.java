package dev.uvgem.daemon;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds a request body in the wire's encoding (little-endian), for the raw test client. */
final class Body {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Body of() {
        return new Body();
    }

    Body i16(int v) {
        return put(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v));
    }

    Body u16(int v) {
        return i16(v);
    }

    Body i32(int v) {
        return put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v));
    }

    Body u32(long v) {
        return i32((int) v);
    }

    Body i64(long v) {
        return put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v));
    }

    Body bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** {@code u32 length} + bytes. */
    Body u32Bytes(byte[] b) {
        return u32(b.length).bytes(b);
    }

    /** {@code u16 length} + UTF-8. */
    Body str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u16(b.length).bytes(b);
    }

    byte[] build() {
        return out.toByteArray();
    }

    private Body put(ByteBuffer b) {
        out.writeBytes(b.array());
        return this;
    }
}
