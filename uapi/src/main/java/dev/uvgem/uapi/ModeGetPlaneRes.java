package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_get_plane_res} (16 bytes): the argument of {@link DrmMode#IOCTL_GETPLANERESOURCES}.
 *
 * <pre>
 *   0  u64 plane_id_ptr   in: u32[count_planes]
 *   8  u32 count_planes   in/out
 *  12  (pad)
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param planeIdPtr user array of plane ids
 * @param countPlanes capacity in, count out
 */
public record ModeGetPlaneRes(long planeIdPtr, int countPlanes) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 16;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeGetPlaneRes read(ByteBuffer b) {
        return new ModeGetPlaneRes(b.getLong(0), b.getInt(8));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, planeIdPtr).putInt(8, countPlanes);
    }
}
