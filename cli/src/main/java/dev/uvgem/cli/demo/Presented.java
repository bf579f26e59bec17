package dev.uvgem.cli.demo;

/**
 * One frame as the display scanned it out.
 *
 * <p>Thread-safety: immutable, except that {@code pixels} is a fresh copy handed over to the listener.
 *
 * @param frame the frame number the renderer gave the flip
 * @param vblank the vblank sequence number at which it was latched
 * @param presentedAt the vblank's time on the kernel clock
 * @param fenceError the error of the buffer's write fence (0, or a negative errno) when the display latched it
 * @param pixels the scanned-out pixels as 0xffRRGGBB, {@code width * height}, row-major
 */
public record Presented(int frame, long vblank, long presentedAt, int fenceError, int[] pixels) {}
