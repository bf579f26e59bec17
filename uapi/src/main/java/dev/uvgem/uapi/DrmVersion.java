package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_version} (64 bytes on x86-64): the argument of {@link Drm#IOCTL_VERSION}. The kernel fills
 * in the numbers, writes up to {@code *_len} bytes of each string through the user pointers (no NUL), and
 * stores each string's full length back into its {@code *_len}.
 *
 * <pre>
 *   0  s32    version_major       out
 *   4  s32    version_minor       out
 *   8  s32    version_patchlevel  out
 *  12  (pad)
 *  16  size_t name_len            in: buffer size; out: full length
 *  24  char*  name                in: user buffer (may be NULL)
 *  32  size_t date_len
 *  40  char*  date
 *  48  size_t desc_len
 *  56  char*  desc
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param versionMajor the driver's major version
 * @param versionMinor the driver's minor version
 * @param versionPatchlevel the driver's patch level
 * @param nameLen the name buffer size (in) or the name's full length (out)
 * @param name the user address of the name buffer
 * @param dateLen the date buffer size or the date's full length
 * @param date the user address of the date buffer
 * @param descLen the description buffer size or the description's full length
 * @param desc the user address of the description buffer
 */
public record DrmVersion(
        int versionMajor,
        int versionMinor,
        int versionPatchlevel,
        long nameLen,
        long name,
        long dateLen,
        long date,
        long descLen,
        long desc) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 64;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmVersion read(ByteBuffer b) {
        return new DrmVersion(
                b.getInt(0),
                b.getInt(4),
                b.getInt(8),
                b.getLong(16),
                b.getLong(24),
                b.getLong(32),
                b.getLong(40),
                b.getLong(48),
                b.getLong(56));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0); the padding is zeroed. */
    public void write(ByteBuffer b) {
        b.putInt(0, versionMajor)
                .putInt(4, versionMinor)
                .putInt(8, versionPatchlevel)
                .putInt(12, 0)
                .putLong(16, nameLen)
                .putLong(24, name)
                .putLong(32, dateLen)
                .putLong(40, date)
                .putLong(48, descLen)
                .putLong(56, desc);
    }
}
