package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_atomic} (56 bytes): the argument of {@link DrmMode#IOCTL_ATOMIC}. For object {@code i} of
 * {@code objs_ptr}, {@code count_props_ptr[i]} property ids and values follow in {@code props_ptr} and {@code
 * prop_values_ptr}.
 *
 * <pre>
 *   0  u32 flags             in: DRM_MODE_ATOMIC_* | DRM_MODE_PAGE_FLIP_EVENT
 *   4  u32 count_objs        in
 *   8  u64 objs_ptr          in: u32[count_objs]
 *  16  u64 count_props_ptr   in: u32[count_objs]
 *  24  u64 props_ptr         in: u32[]
 *  32  u64 prop_values_ptr   in: u64[]
 *  40  u64 reserved          in: must be 0
 *  48  u64 user_data         in: echoed in FLIP_COMPLETE events
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param flags commit flags
 * @param countObjs number of objects
 * @param objsPtr user array of object ids
 * @param countPropsPtr user array of per-object property counts
 * @param propsPtr user array of property ids
 * @param propValuesPtr user array of values
 * @param reserved must be zero
 * @param userData the events' user data
 */
public record ModeAtomic(
        int flags,
        int countObjs,
        long objsPtr,
        long countPropsPtr,
        long propsPtr,
        long propValuesPtr,
        long reserved,
        long userData) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 56;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeAtomic read(ByteBuffer b) {
        return new ModeAtomic(
                b.getInt(0),
                b.getInt(4),
                b.getLong(8),
                b.getLong(16),
                b.getLong(24),
                b.getLong(32),
                b.getLong(40),
                b.getLong(48));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, flags).putInt(4, countObjs).putLong(8, objsPtr).putLong(16, countPropsPtr);
        b.putLong(24, propsPtr).putLong(32, propValuesPtr).putLong(40, reserved).putLong(48, userData);
    }
}
