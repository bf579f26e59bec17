package dev.uvgem.sys;

import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.core.vfs.WaitQueue;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A scriptable file for the syscall layer's tests: counts releases, reports a settable poll mask. */
class FakeOps implements FileOps {
    /** What an ioctl does. */
    @FunctionalInterface
    interface IoctlHandler {
        long ioctl(OpenFile file, int cmd, ByteBuffer arg, Task task);
    }

    final AtomicInteger releases = new AtomicInteger();
    final AtomicInteger doubleReleases = new AtomicInteger();
    final Set<OpenFile> released = ConcurrentHashMap.newKeySet();
    final WaitQueue queue = new WaitQueue();
    final List<FakeMapping> mappings = new CopyOnWriteArrayList<>();
    volatile int mask;
    volatile IoctlHandler ioctl = (f, cmd, arg, task) -> {
        throw new ErrnoException(Errno.ENOTTY);
    };

    /** Sets the poll mask and wakes pollers. */
    void mask(int mask) {
        this.mask = mask;
        queue.wakeUp();
    }

    @Override
    public long ioctl(OpenFile file, int cmd, ByteBuffer arg, Task task) {
        return ioctl.ioctl(file, cmd, arg, task);
    }

    @Override
    public int poll(OpenFile file, PollTable table) {
        if (table != null) {
            table.wait(queue);
        }
        return mask;
    }

    @Override
    public int read(OpenFile file, ByteBuffer dst, Task task) {
        int n = Math.min(dst.remaining(), 3);
        for (int i = 0; i < n; i++) {
            dst.put((byte) 'x');
        }
        return n;
    }

    @Override
    public long lseek(OpenFile file, long offset, int whence) {
        if (whence != Process.SEEK_SET || offset < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        file.position(offset);
        return offset;
    }

    @Override
    public Mapping mmap(OpenFile file, long offset, long length, int prot, Task task) {
        if (offset + length > 1 << 20) {
            throw new ErrnoException(Errno.EINVAL);
        }
        FakeMapping m = new FakeMapping((int) length);
        mappings.add(m);
        return m;
    }

    @Override
    public void release(OpenFile file) {
        releases.incrementAndGet();
        if (!released.add(file)) {
            doubleReleases.incrementAndGet();
        }
    }

    /** A heap mapping that counts its unmaps. */
    static final class FakeMapping implements Mapping {
        final AtomicInteger closes = new AtomicInteger();
        private final MemorySegment segment;

        FakeMapping(int length) {
            segment = MemorySegment.ofArray(new byte[length]);
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
