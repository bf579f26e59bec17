package dev.uvgem.core.dmabuf;

import dev.uvgem.core.vfs.Mapping;

/**
 * An exporter's operations on its dma-bufs, as {@code struct dma_buf_ops}: what the dma-buf core calls back
 * into the driver that created the buffer.
 *
 * <p>Thread-safety: implementations must be safe for concurrent use.
 */
public interface DmaBufOps {
    /**
     * Drops what the dma-buf held of the exporter (its object), when the dma-buf's last file reference goes.
     * Mandatory.
     *
     * <p>Context: whoever dropped the last reference (a close, an unmap, a fence callback). Must not fail or
     * block. Locking: no dma-buf lock held.
     */
    void release(DmaBuf buf);

    /**
     * Maps {@code length} bytes at {@code offset} of the buffer (already checked to lie within it), as {@code
     * dma_buf_ops.mmap}. The returned mapping must run {@code onUnmap} once when closed. The default maps {@link
     * DmaBuf#memory()}.
     *
     * <p>Context: the mapping process. Locking: none held.
     */
    default Mapping mmap(DmaBuf buf, long offset, long length, int prot, Runnable onUnmap) {
        return buf.memory().map(offset, length, onUnmap);
    }

    /**
     * Prepares CPU access in {@code direction} (a mask of SYNC_READ/SYNC_WRITE), as {@code begin_cpu_access};
     * the dma-buf core then waits for the implicit fences. The default does nothing.
     *
     * <p>Context: the calling process; may sleep. Throws {@link dev.uvgem.uapi.ErrnoException} on failure.
     */
    default void beginCpuAccess(DmaBuf buf, long direction) {}

    /**
     * Ends CPU access in {@code direction}, as {@code end_cpu_access}. The default does nothing.
     *
     * <p>Context: the calling process. Throws {@link dev.uvgem.uapi.ErrnoException} on failure.
     */
    default void endCpuAccess(DmaBuf buf, long direction) {}
}
