package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_get_property} (64 bytes): the argument of {@link DrmMode#IOCTL_GETPROPERTY}. Values and
 * enum entries ({@code struct drm_mode_property_enum}: u64 value, char name[32], 40 bytes each) are copied up to
 * the counts userspace passed; the counts come back as the real numbers.
 *
 * <pre>
 *   0  u64  values_ptr         in: u64[count_values]
 *   8  u64  enum_blob_ptr      in: drm_mode_property_enum[count_enum_blobs]
 *  16  u32  prop_id            in
 *  20  u32  flags              out: DRM_MODE_PROP_*
 *  24  char name[32]           out
 *  56  u32  count_values       in/out
 *  60  u32  count_enum_blobs   in/out
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param valuesPtr user array of values (range bounds, enum values, object type)
 * @param enumBlobPtr user array of enum entries
 * @param propId the property
 * @param flags type and flags
 * @param name the property name
 * @param countValues capacity in, count out
 * @param countEnumBlobs capacity in, count out
 */
public record ModeGetProperty(
        long valuesPtr, long enumBlobPtr, int propId, int flags, String name, int countValues, int countEnumBlobs) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 64;
    /** Size of one {@code struct drm_mode_property_enum}. */
    public static final int ENUM_SIZE = 40;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeGetProperty read(ByteBuffer b) {
        return new ModeGetProperty(
                b.getLong(0),
                b.getLong(8),
                b.getInt(16),
                b.getInt(20),
                CString.get(b, 24, DrmMode.PROP_NAME_LEN),
                b.getInt(56),
                b.getInt(60));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, valuesPtr).putLong(8, enumBlobPtr).putInt(16, propId).putInt(20, flags);
        CString.put(b, 24, DrmMode.PROP_NAME_LEN, name);
        b.putInt(56, countValues).putInt(60, countEnumBlobs);
    }
}
