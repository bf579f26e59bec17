/**
 * The DRM core as vGEM uses it: devices and their primary and render nodes, per-file GEM handle tables, dumb buffers, PRIME export and import, sync objects (binary and timeline, with their handles, fds, waits and eventfds), and the ioctl dispatch with the kernel's permission rules.
 */
package dev.uvgem.drivers.drm;
