package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_event_vblank} (32 bytes) with its {@code struct drm_event} header: what read() on a DRM fd
 * returns for a VBLANK or FLIP_COMPLETE event.
 *
 * <pre>
 *   0  u32 type        DRM_EVENT_VBLANK or DRM_EVENT_FLIP_COMPLETE
 *   4  u32 length      32
 *   8  u64 user_data   the request's user data
 *  16  u32 tv_sec      the vblank's CLOCK_MONOTONIC time, seconds (truncated to u32)
 *  20  u32 tv_usec     and microseconds
 *  24  u32 sequence    the vblank count (low 32 bits)
 *  28  u32 crtc_id     the CRTC
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param type the event type
 * @param length the event length in bytes
 * @param userData the request's user data
 * @param tvSec seconds
 * @param tvUsec microseconds
 * @param sequence vblank count
 * @param crtcId the CRTC
 */
public record DrmEventVblank(int type, int length, long userData, int tvSec, int tvUsec, int sequence, int crtcId) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 32;
    /** Size of the {@code struct drm_event} header. */
    public static final int HEADER_SIZE = 8;

    /** Builds an event of {@code type} for a vblank at {@code timestampNanos} (CLOCK_MONOTONIC). */
    public static DrmEventVblank of(int type, long userData, long timestampNanos, long sequence, int crtcId) {
        long usec = timestampNanos / 1000;
        return new DrmEventVblank(
                type, SIZE, userData, (int) (usec / 1_000_000), (int) (usec % 1_000_000), (int) sequence, crtcId);
    }

    /** Reads the struct from {@code b} at {@code offset} (little-endian). */
    public static DrmEventVblank read(ByteBuffer b, int offset) {
        return new DrmEventVblank(
                b.getInt(offset),
                b.getInt(offset + 4),
                b.getLong(offset + 8),
                b.getInt(offset + 16),
                b.getInt(offset + 20),
                b.getInt(offset + 24),
                b.getInt(offset + 28));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, type)
                .putInt(4, length)
                .putLong(8, userData)
                .putInt(16, tvSec)
                .putInt(20, tvUsec);
        b.putInt(24, sequence).putInt(28, crtcId);
    }

    /** Returns the 32 bytes of the event. */
    public byte[] toBytes() {
        byte[] out = new byte[SIZE];
        write(ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN));
        return out;
    }
}
