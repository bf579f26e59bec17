package dev.uvgem.daemon;

/**
 * The request operations of wire protocol v1, with the contract's numbers.
 *
 * <p>Thread-safety: immutable.
 */
enum Op {
    /** {@code u32 version, str client_name} → {@code u32 version, u32 flags, str daemon_version}. */
    HELLO(1),
    /** {@code u32 flags, str path} → new fd. */
    OPEN(2),
    /** {@code i32 fd} → 0. */
    CLOSE(3),
    /** {@code i32 fd} → new fd. */
    DUP(4),
    /** {@code i32 fd, u32 request, u32 arg_len, arg, u32 user_len, user} → result; {@code arg} and {@code user} back. */
    IOCTL(5),
    /** {@code u32 nfds, nfds x (i32 fd, i16 events, i16 zero), i32 timeout_ms} → count; {@code nfds x i16 revents}. */
    POLL(6),
    /** {@code i32 fd, u32 count} → bytes read; the bytes. */
    READ(7),
    /** {@code i32 fd, i64 offset, u32 whence} → new offset. */
    LSEEK(8),
    /** {@code i32 fd, u64 offset, u64 length, u32 prot} → 0; {@code str path, u64 file_offset}. */
    MMAP(9),
    /** {@code u32 tag} of a parked request → 0 or -ENOENT. */
    CANCEL(10),
    /** {@code i32 fd} → 0; a 16-byte token. */
    FD_SEND(11),
    /** A 16-byte token → new fd. */
    FD_RECV(12),
    /** {@code u32 initval, u32 flags} → new fd. */
    EVENTFD(13);

    private static final Op[] BY_CODE = new Op[14];

    static {
        for (Op op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;

    Op(int code) {
        this.code = code;
    }

    /** Returns the op's number on the wire. */
    int code() {
        return code;
    }

    /** Returns the op with wire number {@code code} (a u16), or null if there is none. */
    static Op of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
