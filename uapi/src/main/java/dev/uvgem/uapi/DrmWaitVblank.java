package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code union drm_wait_vblank} (24 bytes on LP64): the argument of {@link DrmMode#IOCTL_WAIT_VBLANK}. The request
 * and the reply share the first two fields; the request's {@code signal} (the event's user data) overlays the
 * reply's {@code tval_sec}.
 *
 * <pre>
 *   0  u32  type        in: DRM_VBLANK_* ; out: the type, RELATIVE rewritten to ABSOLUTE
 *   4  u32  sequence    in: target (absolute or relative); out: the vblank count reached
 *   8  long signal      in: user data of the EVENT   | out: long tval_sec
 *  16  long (unused)    in                           | out: long tval_usec
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param type request type bits
 * @param sequence the target or reached sequence
 * @param signal the event's user data (request) or tval_sec (reply)
 * @param tvalUsec microseconds (reply)
 */
public record DrmWaitVblank(int type, int sequence, long signal, long tvalUsec) {
    /** Size of the union in bytes. */
    public static final int SIZE = 24;

    /** Reads the union from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmWaitVblank read(ByteBuffer b) {
        return new DrmWaitVblank(b.getInt(0), b.getInt(4), b.getLong(8), b.getLong(16));
    }

    /** Writes the union into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, type).putInt(4, sequence).putLong(8, signal).putLong(16, tvalUsec);
    }
}
