package dev.uvgem.core.dmabuf;

import dev.uvgem.core.vfs.Task;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;

/**
 * The sync_file side of a dma-buf: EXPORT_SYNC_FILE and IMPORT_SYNC_FILE. Until sync files exist these answer
 * ENOTTY, as a kernel built without CONFIG_SYNC_FILE does.
 */
final class DmaBufSyncFiles {
    private DmaBufSyncFiles() {}

    static long exportSyncFile(DmaBuf buf, ByteBuffer arg, Task task) {
        throw new ErrnoException(Errno.ENOTTY);
    }

    static long importSyncFile(DmaBuf buf, ByteBuffer arg, Task task) {
        throw new ErrnoException(Errno.ENOTTY);
    }
}
