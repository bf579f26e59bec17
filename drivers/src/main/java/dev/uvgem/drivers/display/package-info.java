/**
 * A virtual display: a KMS driver in the shape of the kernel's vkms ({@code drivers/gpu/drm/vkms}) with one
 * connector, encoder, CRTC and primary plane, framebuffers over GEM objects (dma-bufs PRIME-imported from vgem),
 * a vblank timer on the kernel clock, legacy page flips and atomic commits with implicit and explicit fences,
 * DRM events, and a capture of every presented frame (sequence, vblank time, CRC of the scanned-out pixels).
 */
package dev.uvgem.drivers.display;
