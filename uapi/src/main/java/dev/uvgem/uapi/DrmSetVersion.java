package dev.uvgem.uapi;

import java.nio.ByteBuffer;

/**
 * {@code struct drm_set_version} (16 bytes): the argument of {@link Drm#IOCTL_SET_VERSION}. A major of -1 means
 * "don't care"; on return the kernel stores its interface (1.4) and driver versions.
 *
 * <pre>
 *   0  s32 drm_di_major  in/out: DRM interface version
 *   4  s32 drm_di_minor
 *   8  s32 drm_dd_major  in/out: driver version
 *  12  s32 drm_dd_minor
 * </pre>
 *
 * <p>Thread-safety: an immutable value; the buffers it reads and writes are the caller's.
 *
 * @param diMajor the interface major version, or -1
 * @param diMinor the interface minor version
 * @param ddMajor the driver major version, or -1
 * @param ddMinor the driver minor version
 */
public record DrmSetVersion(int diMajor, int diMinor, int ddMajor, int ddMinor) {
    /** Size of the struct in bytes. */
    public static final int SIZE = 16;

    /** Reads the struct from {@code b} (little-endian, absolute offsets from 0). */
    public static DrmSetVersion read(ByteBuffer b) {
        return new DrmSetVersion(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12));
    }

    /** Writes the struct into {@code b} (little-endian, absolute offsets from 0). */
    public void write(ByteBuffer b) {
        b.putInt(0, diMajor).putInt(4, diMinor).putInt(8, ddMajor).putInt(12, ddMinor);
    }
}
