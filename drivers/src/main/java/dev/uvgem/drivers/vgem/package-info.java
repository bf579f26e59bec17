/**
 * The vGEM driver: GEM buffers backed by memory, and unprivileged fences attached to them that always signal in finite time.
 */
package dev.uvgem.drivers.vgem;
