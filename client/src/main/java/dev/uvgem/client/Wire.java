package dev.uvgem.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The constants and frame layout of the wire protocol v1 ({@code ../shared/contract/wire-v1.md}), client side.
 *
 * <pre>
 * request:  u32 len | u32 tag | u16 op | u16 zero | body
 * reply:    u32 len | u32 tag | i64 result | body
 * </pre>
 *
 * All integers are little-endian; {@code len} counts the bytes after itself.
 */
final class Wire {
    private Wire() {}

    /** The protocol version HELLO asks for. */
    static final int VERSION = 1;
    /** HELLO reply flag: the connection is privileged. */
    static final int FLAG_ADMIN = 1;

    static final int HELLO = 1;
    static final int OPEN = 2;
    static final int CLOSE = 3;
    static final int DUP = 4;
    static final int IOCTL = 5;
    static final int POLL = 6;
    static final int READ = 7;
    static final int LSEEK = 8;
    static final int MMAP = 9;
    static final int CANCEL = 10;
    static final int FD_SEND = 11;
    static final int FD_RECV = 12;
    static final int EVENTFD = 13;

    /** Bytes of a request header: len, tag, op, zero. */
    static final int REQUEST_HEADER = 12;
    /** Bytes of a reply header: len, tag, result. */
    static final int REPLY_HEADER = 16;
    /** The largest {@code len} the daemon accepts; a longer frame closes the connection. */
    static final int MAX_FRAME = 16 << 20;
    /** Bytes of an FD_SEND token. */
    static final int TOKEN_BYTES = 16;
    /** The longest string a {@code u16} length can carry. */
    static final int MAX_STR = 0xffff;

    /** Returns the UTF-8 bytes of {@code s}. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts a request frame with room for {@code bodyBytes} of body: the header is written with tag 0 (set by
     * {@link #tag}), the position is at the body.
     */
    static ByteBuffer request(int op, int bodyBytes) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_HEADER + bodyBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(REQUEST_HEADER - 4 + bodyBytes).putInt(0).putShort((short) op).putShort((short) 0);
        return b;
    }

    /** Sets the tag of a request frame built by {@link #request}. */
    static void tag(ByteBuffer frame, int tag) {
        frame.putInt(4, tag);
    }

    /** Writes a string: u16 length, then the bytes. */
    static void str(ByteBuffer b, byte[] utf8) {
        b.putShort((short) utf8.length).put(utf8);
    }

    /** Writes a length-prefixed byte array: u32 length, then the bytes ({@code null} as empty). */
    static void u32Bytes(ByteBuffer b, byte[] bytes) {
        if (bytes == null) {
            b.putInt(0);
        } else {
            b.putInt(bytes.length).put(bytes);
        }
    }

    /** Reads a string (u16 length + UTF-8). */
    static String str(ByteBuffer b) {
        int n = Short.toUnsignedInt(b.getShort());
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
