package dev.uvgem.daemon;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Splits a connection's byte stream into request frames ({@code u32 len | u32 tag | u16 op | u16 zero | body},
 * little-endian), without trusting anything in it: every length is checked before it is used, and what cannot be
 * a request is reported as an event of its own rather than thrown.
 *
 * <p>Thread-safety: stateless; the buffer belongs to the caller.
 */
final class FrameReader {
    private FrameReader() {}

    /** What the next bytes of the stream are. */
    sealed interface Event permits Request, Oversized, Truncated, Malformed {}

    /**
     * A whole request. The {@code zero} field is ignored.
     *
     * @param op the u16 op (possibly unknown)
     * @param body the body, little-endian, a view of the caller's buffer: valid until the buffer is reused
     */
    record Request(int tag, int op, ByteBuffer body) implements Event {}

    /** A frame whose {@code len} exceeds {@link Wire#MAX_LEN}: answered -EMSGSIZE, then the connection ends. */
    record Oversized(int tag, long len) implements Event {}

    /** A frame too short to hold an op ({@code 4 <= len < 8}): answered -EINVAL with its tag. */
    record Truncated(int tag) implements Event {}

    /** A frame too short to hold a tag ({@code len < 4}): it cannot be answered, and the connection ends. */
    record Malformed(long len) implements Event {}

    /**
     * Decodes the event at {@code buf}'s position and moves the position past it, or returns null (position
     * unchanged) if {@code buf} does not hold all of it yet; {@link #needed} then says how much it needs.
     *
     * @param buf the received bytes, in read mode (any byte order; the frame is read little-endian)
     */
    static Event next(ByteBuffer buf) {
        int start = buf.position();
        int available = buf.remaining();
        if (available < Wire.LEN_BYTES) {
            return null;
        }
        ByteBuffer le = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long len = Integer.toUnsignedLong(le.getInt(start));
        if (len > Wire.MAX_LEN) {
            if (available < Wire.LEN_BYTES + 4) {
                return null;
            }
            buf.position(start + Wire.LEN_BYTES + 4);
            return new Oversized(le.getInt(start + Wire.LEN_BYTES), len);
        }
        if (len < 4) {
            if (available < Wire.LEN_BYTES + len) {
                return null;
            }
            buf.position(start + Wire.LEN_BYTES + (int) len);
            return new Malformed(len);
        }
        if (available < Wire.LEN_BYTES + len) {
            return null;
        }
        int tag = le.getInt(start + Wire.LEN_BYTES);
        int end = start + Wire.LEN_BYTES + (int) len;
        buf.position(end);
        if (len < Wire.REQUEST_HEADER) {
            return new Truncated(tag);
        }
        int op = Short.toUnsignedInt(le.getShort(start + Wire.LEN_BYTES + 4));
        ByteBuffer body = le.slice(start + Wire.LEN_BYTES + Wire.REQUEST_HEADER, (int) len - Wire.REQUEST_HEADER)
                .order(ByteOrder.LITTLE_ENDIAN);
        return new Request(tag, op, body);
    }

    /**
     * Returns how many bytes, counted from {@code buf}'s position, the next event needs: at least the {@code len}
     * field, then the tag of an oversized frame, else the whole frame (at most {@code 4 + MAX_LEN}).
     */
    static int needed(ByteBuffer buf) {
        if (buf.remaining() < Wire.LEN_BYTES) {
            return Wire.LEN_BYTES;
        }
        long len = Integer.toUnsignedLong(
                buf.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(buf.position()));
        return len > Wire.MAX_LEN ? Wire.LEN_BYTES + 4 : Wire.LEN_BYTES + (int) len;
    }
}
