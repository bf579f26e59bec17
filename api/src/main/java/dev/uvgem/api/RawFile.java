package dev.uvgem.api;

/**
 * An fd received from another process ({@link Uvgem#receive}) before its kind is known: view it as the kind of
 * file the sender said it is. The views share this fd.
 *
 * <p>Thread-safety: as {@link UvgemFile}.
 */
public final class RawFile extends UvgemFile {
    RawFile(Syscalls sys, int fd) {
        super(sys, fd);
    }

    /** Takes this fd over as a dma-buf; this object must not be used afterwards. */
    public DmaBufFd asDmaBuf() {
        return new DmaBufFd(sys, fd);
    }

    /** Takes this fd over as a sync file; this object must not be used afterwards. */
    public SyncFileFd asSyncFile() {
        return new SyncFileFd(sys, fd);
    }

    /** Takes this fd over as a sw_sync timeline; this object must not be used afterwards. */
    public SwSyncTimelineFd asTimeline() {
        return new SwSyncTimelineFd(sys, fd);
    }

    /** Takes this fd over as an opaque sync object fd; this object must not be used afterwards. */
    public SyncObjFd asSyncObj() {
        return new SyncObjFd(sys, fd);
    }

    /** Takes this fd over as a vGEM device; this object must not be used afterwards. */
    public VgemDevice asVgemDevice() {
        return new VgemDevice(sys, fd);
    }

    /** Takes this fd over as a uvgpu device; this object must not be used afterwards. */
    public GpuDevice asGpuDevice() {
        return new GpuDevice(sys, fd);
    }
}
