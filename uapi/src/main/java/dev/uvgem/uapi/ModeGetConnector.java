package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_mode_get_connector} (80 bytes): the argument of {@link DrmMode#IOCTL_GETCONNECTOR}. Each array
 * is filled up to the count userspace passed; every count comes back as the real number.
 *
 * <pre>
 *   0  u64 encoders_ptr       in: u32[count_encoders]
 *   8  u64 modes_ptr          in: drm_mode_modeinfo[count_modes]
 *  16  u64 props_ptr          in: u32[count_props]
 *  24  u64 prop_values_ptr    in: u64[count_props]
 *  32  u32 count_modes        in/out
 *  36  u32 count_props        in/out
 *  40  u32 count_encoders     in/out
 *  44  u32 encoder_id         out: the current encoder
 *  48  u32 connector_id       in
 *  52  u32 connector_type     out
 *  56  u32 connector_type_id  out
 *  60  u32 connection         out: 1 connected, 2 disconnected, 3 unknown
 *  64  u32 mm_width, mm_height   out
 *  72  u32 subpixel           out
 *  76  u32 pad
 * </pre>
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param encodersPtr user array of encoder ids
 * @param modesPtr user array of modes
 * @param propsPtr user array of property ids
 * @param propValuesPtr user array of property values
 * @param countModes capacity in, count out
 * @param countProps capacity in, count out
 * @param countEncoders capacity in, count out
 * @param encoderId the current encoder
 * @param connectorId the connector
 * @param connectorType DRM_MODE_CONNECTOR_*
 * @param connectorTypeId the index among connectors of that type, from 1
 * @param connection the status
 * @param mmWidth physical width
 * @param mmHeight physical height
 * @param subpixel subpixel order
 * @param pad padding
 */
public record ModeGetConnector(
        long encodersPtr,
        long modesPtr,
        long propsPtr,
        long propValuesPtr,
        int countModes,
        int countProps,
        int countEncoders,
        int encoderId,
        int connectorId,
        int connectorType,
        int connectorTypeId,
        int connection,
        int mmWidth,
        int mmHeight,
        int subpixel,
        int pad) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 80;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static ModeGetConnector read(ByteBuffer b) {
        return new ModeGetConnector(
                b.getLong(0),
                b.getLong(8),
                b.getLong(16),
                b.getLong(24),
                b.getInt(32),
                b.getInt(36),
                b.getInt(40),
                b.getInt(44),
                b.getInt(48),
                b.getInt(52),
                b.getInt(56),
                b.getInt(60),
                b.getInt(64),
                b.getInt(68),
                b.getInt(72),
                b.getInt(76));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putLong(0, encodersPtr).putLong(8, modesPtr).putLong(16, propsPtr).putLong(24, propValuesPtr);
        b.putInt(32, countModes)
                .putInt(36, countProps)
                .putInt(40, countEncoders)
                .putInt(44, encoderId);
        b.putInt(48, connectorId)
                .putInt(52, connectorType)
                .putInt(56, connectorTypeId)
                .putInt(60, connection);
        b.putInt(64, mmWidth).putInt(68, mmHeight).putInt(72, subpixel).putInt(76, pad);
    }
}
