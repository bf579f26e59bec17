package dev.uvgem.core.dmabuf;

import dev.uvgem.core.resv.Reservation;
import java.util.Objects;

/**
 * What an exporter passes to {@link DmaBuf#export}, as {@code struct dma_buf_export_info}.
 *
 *
 * <p>Thread-safety: immutable.
 *
 * @param exporterName the exporter's name, shown as {@code exp_name} (the DRM core exports as {@code "drm"})
 * @param ops the exporter's operations
 * @param priv the exporter's object behind the buffer
 * @param size the buffer size in bytes
 * @param flags open flags for the dma-buf file; only the access mode and O_NONBLOCK are kept
 * @param resv the exporter's reservation object to share, or null for a new one of the buffer's own
 * @param memory the buffer's bytes; the dma-buf takes its own reference
 */
public record DmaBufExportInfo(
        String exporterName, DmaBufOps ops, Object priv, long size, int flags, Reservation resv, BufferMemory memory) {
    /** Checks the mandatory components, as dma_buf_export's WARNs. */
    public DmaBufExportInfo {
        Objects.requireNonNull(exporterName, "exporterName");
        Objects.requireNonNull(ops, "ops");
        Objects.requireNonNull(priv, "priv");
        Objects.requireNonNull(memory, "memory");
        if (size <= 0 || size > memory.size()) {
            throw new IllegalArgumentException("dma-buf size " + size + " for memory of " + memory.size());
        }
    }
}
