package dev.uvgem.daemon;

/**
 * The fixed numbers of wire protocol v1: the version, the frame limits and the reply flags.
 *
 * <p>Thread-safety: constants only.
 */
final class Wire {
    /** The protocol version HELLO must name. */
    static final int VERSION = 1;
    /** The largest {@code len} a frame may carry (16 MiB); a larger one is -EMSGSIZE and the connection ends. */
    static final long MAX_LEN = 16L << 20;
    /** Bytes of the {@code len} field. */
    static final int LEN_BYTES = 4;
    /** The bytes a request's {@code len} covers before its body: {@code u32 tag, u16 op, u16 zero}. */
    static final int REQUEST_HEADER = 8;
    /** The bytes a reply's {@code len} covers before its body: {@code u32 tag, i64 result}. */
    static final int REPLY_HEADER = 12;
    /** HELLO reply flag: the connection is privileged (came through the admin socket). */
    static final int FLAG_ADMIN = 1;
    /** The length of an FD_SEND token. */
    static final int TOKEN_BYTES = 16;

    private Wire() {}
}
