package dev.uvgem.daemon;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes one reply frame ({@code u32 len | u32 tag | i64 result | body}, little-endian): the header first, then
 * the body's fields in order; {@link #finish()} fills in {@code len} and returns the frame ready to write.
 *
 * <p>Thread-safety: none; one writer per reply.
 */
final class ReplyWriter {
    private final ByteBuffer frame;

    /**
     * Starts a reply.
     *
     * @param bodyBytes the exact size of the body that will follow
     */
    ReplyWriter(int tag, long result, int bodyBytes) {
        frame = ByteBuffer.allocate(Wire.LEN_BYTES + Wire.REPLY_HEADER + bodyBytes)
                .order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(0).putInt(tag).putLong(result);
    }

    /** Returns a reply with no body. */
    static ByteBuffer of(int tag, long result) {
        return new ReplyWriter(tag, result, 0).finish();
    }

    /** Returns the encoded size of a string whose UTF-8 bytes are {@code utf8}: {@code u16 length} + the bytes. */
    static int strBytes(byte[] utf8) {
        return 2 + utf8.length;
    }

    ReplyWriter i16(int v) {
        frame.putShort((short) v);
        return this;
    }

    ReplyWriter u32(long v) {
        frame.putInt((int) v);
        return this;
    }

    ReplyWriter i64(long v) {
        frame.putLong(v);
        return this;
    }

    ReplyWriter bytes(byte[] b) {
        frame.put(b);
        return this;
    }

    ReplyWriter bytes(byte[] b, int offset, int length) {
        frame.put(b, offset, length);
        return this;
    }

    /** Writes {@code u32 length} + the bytes. */
    ReplyWriter u32Bytes(byte[] b) {
        return u32(b.length).bytes(b);
    }

    /**
     * Writes a string already encoded as UTF-8: {@code u16 length} + the bytes.
     *
     * @throws IllegalArgumentException if it is longer than 65535 bytes
     */
    ReplyWriter str(byte[] utf8) {
        if (utf8.length > 0xffff) {
            throw new IllegalArgumentException("string of " + utf8.length + " bytes does not fit a u16 length");
        }
        frame.putShort((short) utf8.length);
        return bytes(utf8);
    }

    /** Returns the UTF-8 bytes of {@code s}. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sets {@code len} and returns the frame, positioned at 0.
     *
     * @throws IllegalStateException if the body did not fill the size given at the start
     */
    ByteBuffer finish() {
        if (frame.hasRemaining()) {
            throw new IllegalStateException("reply body is " + frame.remaining() + " bytes short");
        }
        frame.putInt(0, frame.capacity() - Wire.LEN_BYTES);
        return frame.flip();
    }
}
