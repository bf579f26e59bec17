package dev.uvgem.drivers.drm;

import dev.uvgem.core.dmabuf.DmaBuf;
import dev.uvgem.core.dmabuf.DmaBufOps;
import dev.uvgem.core.vfs.Mapping;

/**
 * The dma-buf operations of buffers the DRM core exports from GEM objects, as {@code drm_gem_prime_dmabuf_ops}:
 * the dma-buf holds a reference to the object, dropped on release; mappings map the object's memory and hold the
 * object.
 *
 * @param object the exported object
 */
record GemDmaBufOps(GemObject object) implements DmaBufOps {
    @Override
    public void release(DmaBuf buf) {
        object.put();
    }

    @Override
    public Mapping mmap(DmaBuf buf, long offset, long length, int prot, Runnable onUnmap) {
        return object.map(offset, length, onUnmap);
    }
}
