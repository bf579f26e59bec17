package dev.uvgem.drivers.display;

/**
 * The record of one presented frame, as vkms's CRC capture: the vblank it was scanned out at, that vblank's
 * CLOCK_MONOTONIC time, the framebuffer (0 when the plane is off), the CRC-32 of the scanned-out bytes, the error
 * of a plane fence that signalled with one (a fence with an error still counts as signalled: the frame is shown
 * all the same), and the pixels.
 *
 * <p>The CRC is CRC-32/ISO-HDLC ({@link java.util.zip.CRC32}: the reflected polynomial 0xEDB88320, initial value
 * and final XOR 0xFFFFFFFF) over {@link Scanout#bytes()}; vkms uses the same polynomial through {@code crc32_le}
 * over its own output format, so values differ from a kernel's but equal frames give equal CRCs.
 *
 * <p>Thread-safety: immutable.
 *
 * @param sequence the vblank count at which the frame flipped
 * @param timestampNanos the vblank's CLOCK_MONOTONIC time
 * @param fbId the framebuffer scanned out, 0 if none
 * @param crc the CRC-32 of the scanned-out bytes
 * @param fenceError 0, or the negative errno of the first plane fence that signalled with an error
 * @param scanout the pixels
 */
public record FrameCapture(long sequence, long timestampNanos, int fbId, long crc, int fenceError, Scanout scanout) {}
