package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_uvgpu_cmd} (40 bytes): one command of a SUBMIT. Buffers are named by their index in the
 * submit's buffer list; fields a command does not use must be 0.
 *
 * <pre>
 *   0  u32 op          CMD_FILL, CMD_COPY, CMD_BLEND, CMD_DURATION or CMD_HANG
 *   4  u32 dst         index of the destination buffer (FILL, COPY, BLEND)
 *   8  u32 src         index of the source buffer (COPY, BLEND)
 *  12  u32 value       FILL: the 32-bit pattern; BLEND: a constant alpha 0..255 applied to the source
 *  16  u64 dst_offset  byte offset into dst (a multiple of 4 for FILL and BLEND)
 *  24  u64 src_offset  byte offset into src (a multiple of 4 for BLEND)
 *  32  u64 length      bytes (a multiple of 4 for FILL and BLEND); DURATION: nanoseconds
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param op the command
 * @param dst the destination buffer's index
 * @param src the source buffer's index
 * @param value the fill pattern or blend alpha
 * @param dstOffset the destination offset
 * @param srcOffset the source offset
 * @param length the byte count, or the duration in nanoseconds
 */
public record UvGpuCmd(int op, int dst, int src, int value, long dstOffset, long srcOffset, long length) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 40;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static UvGpuCmd read(ByteBuffer b) {
        return new UvGpuCmd(
                b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getLong(16), b.getLong(24), b.getLong(32));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, op)
                .putInt(4, dst)
                .putInt(8, src)
                .putInt(12, value)
                .putLong(16, dstOffset)
                .putLong(24, srcOffset)
                .putLong(32, length);
    }
}
