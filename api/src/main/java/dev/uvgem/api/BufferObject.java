package dev.uvgem.api;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Mman;
import dev.uvgem.uapi.ModeMapDumb;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceAttach;

/**
 * A GEM buffer of a {@link VgemDevice}, named by its handle in that device file; its size is page-aligned. Closing
 * it closes the handle (GEM_CLOSE); the buffer's memory lives on while a dma-buf or a mapping refers to it.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class BufferObject extends GemHandle<VgemDevice> {
    private final int pitch;

    BufferObject(VgemDevice device, int handle, int pitch, long size) {
        super(device, handle, size);
        this.pitch = pitch;
    }

    /** Returns the bytes per row (0 for an imported buffer). */
    public int pitch() {
        return pitch;
    }

    /**
     * Maps the whole buffer shared through the device (MODE_MAP_DUMB, then mmap at the fake offset).
     *
     * @throws ErrnoException EINVAL for an imported buffer
     */
    public MappedMemory map() {
        byte[] arg = new byte[ModeMapDumb.SIZE];
        new ModeMapDumb(handle, 0, 0).write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, Drm.IOCTL_MODE_MAP_DUMB, arg, null));
        long offset = ModeMapDumb.read(Check.le(arg)).offset();
        return device.sys.mmap(device.fd, offset, size, Mman.PROT_READ | Mman.PROT_WRITE);
    }

    /**
     * Attaches a new vgem fence to the buffer (VGEM_FENCE_ATTACH): a write fence blocks every reader and writer
     * of the buffer's dma-buf, a read fence blocks writers. The fence signals when {@link VgemFence#signal()} is
     * called, when the device file closes, or when it expires (10 s by default), whichever comes first.
     *
     * @throws ErrnoException EBUSY if a conflicting fence is pending (a write attach conflicts with any pending
     *     fence, a read attach with a pending write fence)
     */
    public VgemFence attachFence(boolean write) {
        byte[] arg = new byte[VgemFenceAttach.SIZE];
        new VgemFenceAttach(handle, write ? Vgem.VGEM_FENCE_WRITE : 0, 0, 0).write(Check.le(arg));
        Check.ok(device.sys.ioctl(device.fd, Vgem.IOCTL_FENCE_ATTACH, arg, null));
        return new VgemFence(device, VgemFenceAttach.read(Check.le(arg)).outFence());
    }
}
