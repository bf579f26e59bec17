/**
 * dma-buf: shared buffers with their memory, reservation object and file operations (poll, sync, sync_file export/import, naming, mmap), and the bufinfo debug text.
 */
package dev.uvgem.core.dmabuf;
