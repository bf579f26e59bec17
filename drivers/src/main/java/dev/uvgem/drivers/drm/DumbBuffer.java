package dev.uvgem.drivers.drm;

/**
 * What a driver's dumb-buffer creation returns: the outputs of {@code DRM_IOCTL_MODE_CREATE_DUMB}.
 *
 *
 * <p>Thread-safety: immutable.
 *
 * @param handle the new GEM handle in the caller's file
 * @param pitch bytes per row
 * @param size the buffer size in bytes
 */
public record DumbBuffer(int handle, int pitch, long size) {}
