package dev.uvgem.api;

import dev.uvgem.uapi.DmaBufExportSyncFile;
import dev.uvgem.uapi.DmaBufImportSyncFile;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.DmaBufSync;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Mman;
import dev.uvgem.uapi.Seek;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An fd of a dma-buf: a buffer shared between devices and processes, with the fences of its reservation object.
 * Poll it for {@link #POLLIN} (no pending write fence: safe to read) or {@link #POLLOUT} (no pending fence: safe
 * to write).
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class DmaBufFd extends UvgemFile {
    /** Sync-file flag: the readers' view (wait for writers). */
    public static final int SYNC_READ = (int) DmaBufIoctl.SYNC_READ;
    /** Sync-file flag: the writers' view (wait for readers and writers). */
    public static final int SYNC_WRITE = (int) DmaBufIoctl.SYNC_WRITE;

    DmaBufFd(Syscalls sys, int fd) {
        super(sys, fd);
    }

    /** Returns the buffer's size in bytes (lseek SEEK_END). */
    public long size() {
        return Check.ok(sys.lseek(fd, 0, Seek.SEEK_END));
    }

    /**
     * Names the buffer for debug listings (DMA_BUF_SET_NAME).
     *
     * @throws ErrnoException EINVAL for a name of 32 bytes or more
     */
    public void setName(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        Check.ok(sys.ioctl(fd, DmaBufIoctl.SET_NAME, Arrays.copyOf(utf8, utf8.length + 1), null));
    }

    /**
     * Brackets CPU access (DMA_BUF_IOCTL_SYNC): with {@code start} it waits until the buffer's fences allow the
     * access ({@code flags} DMA_BUF_SYNC_READ/WRITE/RW).
     *
     * <p>Context: the calling thread; with {@code start} it sleeps on the buffer's fences. Locking: none of its
     * own; the kernel holds no lock while it sleeps.
     *
     * @throws ErrnoException EINTR if interrupted while waiting; EINVAL for bad flags
     */
    public void sync(long flags, boolean start) {
        byte[] arg = new byte[DmaBufSync.SIZE];
        new DmaBufSync(flags | (start ? DmaBufIoctl.SYNC_START : DmaBufIoctl.SYNC_END)).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DmaBufIoctl.IOCTL_SYNC, arg, null));
    }

    /**
     * Exports a snapshot of the buffer's pending fences as a sync file (DMA_BUF_IOCTL_EXPORT_SYNC_FILE): with
     * {@link #SYNC_READ} the write fences, with {@link #SYNC_WRITE} all of them; a signalled stub if none.
     */
    public SyncFileFd exportSyncFile(int flags) {
        byte[] arg = new byte[DmaBufExportSyncFile.SIZE];
        new DmaBufExportSyncFile(flags, -1).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DmaBufIoctl.IOCTL_EXPORT_SYNC_FILE, arg, null));
        return new SyncFileFd(sys, DmaBufExportSyncFile.read(Check.le(arg)).fd());
    }

    /**
     * Adds the sync file's fences to the buffer (DMA_BUF_IOCTL_IMPORT_SYNC_FILE): as write fences with {@link
     * #SYNC_WRITE}, else as read fences.
     */
    public void importSyncFile(SyncFileFd syncFile, int flags) {
        byte[] arg = new byte[DmaBufImportSyncFile.SIZE];
        new DmaBufImportSyncFile(flags, syncFile.fd()).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DmaBufIoctl.IOCTL_IMPORT_SYNC_FILE, arg, null));
    }

    /**
     * Maps the whole buffer shared.
     *
     * @throws ErrnoException EACCES for a writable mapping of a read-only export
     */
    public MappedMemory map(boolean writable) {
        int prot = Mman.PROT_READ | (writable ? Mman.PROT_WRITE : 0);
        return sys.mmap(fd, 0, size(), prot);
    }
}
