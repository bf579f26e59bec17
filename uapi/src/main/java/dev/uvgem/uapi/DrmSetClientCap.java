package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_set_client_cap} (16 bytes): the argument of {@link DrmMode#IOCTL_SET_CLIENT_CAP}.
 *
 * <pre>
 *   0  u64 capability   in: a DRM_CLIENT_CAP_*
 *   8  u64 value        in
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param capability the client capability
 * @param value the value to set
 */
public record DrmSetClientCap(long capability, long value) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 16;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmSetClientCap read(ByteBuffer b) {
        return new DrmSetClientCap(b.getLong(0), b.getLong(8));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, capability).putLong(8, value);
    }
}
