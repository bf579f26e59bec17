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

    /** Readable while an event is queued, as {@code drm_poll}. */
    @Override
    public int poll(OpenFile file, PollTable table) {
        return drmFile(file).events().poll(table);
    }

    /**
     * Reads DRM events, as {@code drm_read}: whole events in FIFO order, as many as fit; an event that does not fit
     * stays queued, so the result may be 0 bytes. With nothing queued a non-blocking file gets EAGAIN and a
     * blocking read sleeps until an event arrives or its thread is interrupted (EINTR, as {@code
     * wait_event_interruptible} on a signal).
     *
     * <p>Context: the calling process; sleeps unless the file is non-blocking. Locking: none held while asleep; the
     * queue's monitor briefly.
     *
     * @throws ErrnoException EAGAIN if non-blocking and empty; EINTR when interrupted (the thread stays interrupted)
     */
    @Override
    public int read(OpenFile file, ByteBuffer dst, Task task) {
        DrmEventQueue events = drmFile(file).events();
        int n = events.drainInto(dst);
        if (n >= 0) {
            return n;
        }
        if (file.isNonBlocking()) {
            throw new ErrnoException(Errno.EAGAIN);
        }
        Thread self = Thread.currentThread();
        WaitQueue.Entry waiter = () -> LockSupport.unpark(self);
        events.waitQueue().add(waiter);
        try {
            while (true) {
                n = events.drainInto(dst);
                if (n >= 0) {
                    return n;
                }
                if (Thread.interrupted()) {
                    self.interrupt();
                    throw new ErrnoException(Errno.EINTR);
                }
                LockSupport.park(events);
            }
        } finally {
            events.waitQueue().remove(waiter);
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
