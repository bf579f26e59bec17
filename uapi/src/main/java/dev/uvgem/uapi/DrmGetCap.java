package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_get_cap} (16 bytes): the argument of {@link Drm#IOCTL_GET_CAP}.
 *
 * <pre>
 *   0  u64 capability  in: a Drm.CAP_* value
 *   8  u64 value       out
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param capability the capability asked about
 * @param value the answer
 */
public record DrmGetCap(long capability, long value) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 16;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmGetCap read(ByteBuffer b) {
        return new DrmGetCap(b.getLong(0), b.getLong(8));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, capability).putLong(8, value);
    }
}
