package dev.uvgem.daemon;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A reply frame as the raw test client received it; the body is read front to back with the accessors. */
record Reply(int tag, long result, ByteBuffer body) {
    Reply {
        body = body.order(ByteOrder.LITTLE_ENDIAN);
    }

    int bodyLength() {
        return body.limit();
    }

    short i16() {
        return body.getShort();
    }

    int u32() {
        return body.getInt();
    }

    long i64() {
        return body.getLong();
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        body.get(b);
        return b;
    }

    byte[] u32Bytes() {
        return bytes(u32());
    }

    String str() {
        return new String(bytes(Short.toUnsignedInt(i16())), StandardCharsets.UTF_8);
    }

    boolean fullyRead() {
        return !body.hasRemaining();
    }
}
