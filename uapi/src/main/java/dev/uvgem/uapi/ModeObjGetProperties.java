package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_obj_get_properties} (32 bytes): the argument of {@link
 * DrmMode#IOCTL_OBJ_GETPROPERTIES}. Ids and values are copied up to {@code count_props}; the count comes back as
 * the real number.
 *
 * <pre>
 *   0  u64 props_ptr         in: u32[count_props]
 *   8  u64 prop_values_ptr   in: u64[count_props]
 *  16  u32 count_props       in/out
 *  20  u32 obj_id            in
 *  24  u32 obj_type          in: DRM_MODE_OBJECT_*, or 0 for any
 *  28  (pad)
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param propsPtr user array of property ids
 * @param propValuesPtr user array of values
 * @param countProps capacity in, count out
 * @param objId the object
 * @param objType its type
 */
public record ModeObjGetProperties(long propsPtr, long propValuesPtr, int countProps, int objId, int objType) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 32;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeObjGetProperties read(ByteBuffer b) {
        return new ModeObjGetProperties(b.getLong(0), b.getLong(8), b.getInt(16), b.getInt(20), b.getInt(24));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, propsPtr).putLong(8, propValuesPtr).putInt(16, countProps).putInt(20, objId);
        b.putInt(24, objType);
    }
}
