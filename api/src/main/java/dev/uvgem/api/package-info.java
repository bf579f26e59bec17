/**
 * The idiomatic Java API of uvgem: devices, buffers, dma-bufs, fences, sync files and timelines as AutoCloseable objects over the system calls, failing with ErrnoException.
 */
package dev.uvgem.api;
