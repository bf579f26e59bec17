package dev.uvgem.drivers.drm;

import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.core.vfs.WaitQueue;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * The file operations of DRM device files, as the DRM GEM file_operations: ioctl, mmap, poll, read, llseek,
 * release.
 */
final class DrmFileOps implements FileOps {
    static final DrmFileOps INSTANCE = new DrmFileOps();

    private DrmFileOps() {}

    private static DrmFile drmFile(OpenFile file) {
        return (DrmFile) file.privateData();
    }

    @Override
    public long ioctl(OpenFile file, int cmd, ByteBuffer arg, Task task) {
        DrmFile f = drmFile(file);
        return f.device().ioctl(f, cmd, arg, task);
    }

    @Override
    public Mapping mmap(OpenFile file, long offset, long length, int prot, Task task) {
        DrmFile f = drmFile(file);
        return f.device().mmap(f, offset, length, prot);
    }

    /** No DRM events are generated, so nothing is ever readable. */
    @Override
    public int poll(OpenFile file, PollTable table) {
        if (table != null) {
            table.wait(drmFile(file).eventWait());
        }
        return 0;
    }

    /**
     * Reads DRM events, as {@code drm_read}. No events are generated yet, so the event list is always empty: a
     * non-blocking file gets EAGAIN, and a blocking read sleeps on the event queue until its thread is
     * interrupted, then fails with EINTR (as {@code wait_event_interruptible} does on a signal).
     *
     * <p>Context: the calling process; sleeps unless the file is non-blocking. Locking: none held while asleep.
     *
     * @throws ErrnoException EAGAIN if non-blocking; EINTR when interrupted (the thread stays interrupted)
     */
    @Override
    public int read(OpenFile file, ByteBuffer dst, Task task) {
        DrmFile f = drmFile(file);
        if (file.isNonBlocking()) {
            throw new ErrnoException(Errno.EAGAIN);
        }
        Thread self = Thread.currentThread();
        WaitQueue.Entry waiter = () -> LockSupport.unpark(self);
        f.eventWait().add(waiter);
        try {
            while (!Thread.interrupted()) { // an event would end the wait here; none is ever queued yet
                LockSupport.park(f);
            }
            self.interrupt();
            throw new ErrnoException(Errno.EINTR);
        } finally {
            f.eventWait().remove(waiter);
        }
    }

    /** As {@code noop_llseek}: the position does not move. */
    @Override
    public long lseek(OpenFile file, long offset, int whence) {
        return file.position();
    }

    @Override
    public void release(OpenFile file) {
        DrmFile f = drmFile(file);
        f.device().release(f);
    }
}
