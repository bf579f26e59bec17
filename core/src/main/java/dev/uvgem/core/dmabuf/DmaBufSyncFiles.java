package dev.uvgem.core.dmabuf;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.container.FenceUnwrap;
import dev.uvgem.core.resv.Reservation;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.uapi.DmaBufExportSyncFile;
import dev.uvgem.uapi.DmaBufImportSyncFile;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The sync_file side of a dma-buf, as {@code dma_buf_export_sync_file} and {@code dma_buf_import_sync_file}:
 * bridging implicit synchronisation (the reservation's fences) and explicit synchronisation (sync_file fds).
 *
 * <p>Thread-safety: stateless.
 */
final class DmaBufSyncFiles {
    private static final int RW = (int) DmaBufIoctl.SYNC_RW;
    private static final int WRITE = (int) DmaBufIoctl.SYNC_WRITE;

    private DmaBufSyncFiles() {}

    private static void checkFlags(int flags) {
        if ((flags & ~RW) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if ((flags & RW) == 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    /**
     * EXPORT_SYNC_FILE: a sync_file (installed close-on-exec) snapshotting the unsignalled fences a CPU access in
     * {@code flags}' direction would wait for: writers for READ, everyone for WRITE (and RW). With none pending
     * it holds the kernel's signalled stub fence ({@link DmaBufRegistry#stub()}). Later additions to the buffer are not tracked.
     *
     * @throws ErrnoException EINVAL for flags other than a non-empty subset of RW; EMFILE
     */
    static long exportSyncFile(DmaBuf buf, ByteBuffer arg, Task task) {
        DmaBufExportSyncFile a = DmaBufExportSyncFile.read(arg);
        checkFlags(a.flags());
        ResvUsage usage = ResvUsage.rw((a.flags() & WRITE) != 0);
        Fence fence = buf.resv().getSingleton(usage);
        if (fence == null) {
            fence = buf.registry().stub();
        }
        int fd = task.install(SyncFile.open(fence), OpenFile.O_CLOEXEC);
        arg.putInt(4, fd);
        return 0;
    }

    /**
     * IMPORT_SYNC_FILE: adds the leaf fences of the sync_file behind {@code fd} to the buffer's reservation, as
     * writers if {@code flags} has WRITE, else as readers (the reservation's replacement rules apply).
     *
     * @throws ErrnoException EINVAL for bad flags or an fd that is not a sync_file; ENOMEM
     */
    static long importSyncFile(DmaBuf buf, ByteBuffer arg, Task task) {
        DmaBufImportSyncFile a = DmaBufImportSyncFile.read(arg);
        checkFlags(a.flags());
        Fence fence = SyncFile.getFence(task, a.fd());
        if (fence == null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        ResvUsage usage = (a.flags() & WRITE) != 0 ? ResvUsage.WRITE : ResvUsage.READ;
        List<Fence> leaves = FenceUnwrap.leaves(fence);
        if (!leaves.isEmpty()) {
            Reservation resv = buf.resv();
            resv.lock(null);
            try {
                resv.reserveFences(leaves.size());
                for (Fence f : leaves) {
                    resv.addFence(f, usage);
                }
            } finally {
                resv.unlock();
            }
        }
        return 0;
    }
}
