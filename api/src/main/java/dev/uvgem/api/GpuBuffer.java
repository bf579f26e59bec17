package dev.uvgem.api;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Mman;

/**
 * A GEM buffer of a {@link GpuDevice}, named by its handle in that device file: created there or imported from a
 * dma-buf. Closing it closes the handle (GEM_CLOSE); the memory lives on while a dma-buf, a mapping or a queued
 * job refers to it.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class GpuBuffer extends GemHandle<GpuDevice> {
    private final long mmapOffset;

    GpuBuffer(GpuDevice device, int handle, long size, long mmapOffset) {
        super(device, handle, size);
        this.mmapOffset = mmapOffset;
    }

    /**
     * Maps a buffer created with {@link GpuDevice#createBuffer} through the device (mmap at its fake offset).
     * An imported buffer is mapped through its dma-buf instead.
     *
     * @throws ErrnoException EINVAL for an imported buffer
     */
    public MappedMemory map() {
        if (mmapOffset < 0) {
            throw new ErrnoException(Errno.EINVAL, "map an imported buffer through its dma-buf");
        }
        return device.sys.mmap(device.fd, mmapOffset, size, Mman.PROT_READ | Mman.PROT_WRITE);
    }
}
