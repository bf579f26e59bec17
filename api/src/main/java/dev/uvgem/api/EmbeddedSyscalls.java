package dev.uvgem.api;

import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.sys.PollFd;
import dev.uvgem.sys.Process;
import dev.uvgem.sys.UserWindow;
import dev.uvgem.uapi.Errno;
import java.lang.foreign.MemorySegment;

/**
 * The system calls of a process of an embedded kernel: direct calls into the syscall layer, no copies beyond the
 * struct bytes.
 *
 * <p>Thread-safety: safe for concurrent use, as {@link Process} is.
 */
final class EmbeddedSyscalls implements Syscalls {
    private final Process process;

    EmbeddedSyscalls(Process process) {
        this.process = process;
    }

    @Override
    public long open(String path, int flags) {
        return process.open(path, flags);
    }

    @Override
    public long close(int fd) {
        return process.close(fd);
    }

    @Override
    public long dup(int fd) {
        return process.dup(fd);
    }

    @Override
    public long ioctl(int fd, int request, byte[] arg, byte[] user) {
        return process.ioctl(fd, request, arg, user == null ? null : new UserWindow(user));
    }

    @Override
    public long poll(int[] fds, short[] events, short[] revents, int timeoutMs) {
        PollFd[] p = new PollFd[fds.length];
        for (int i = 0; i < fds.length; i++) {
            p[i] = new PollFd(fds[i], events[i] & 0xffff);
        }
        long r = process.poll(p, timeoutMs);
        for (int i = 0; i < fds.length; i++) {
            revents[i] = (short) p[i].revents();
        }
        return r;
    }

    @Override
    public long read(int fd, byte[] buffer, int offset, int length) {
        return process.read(fd, buffer, offset, length);
    }

    @Override
    public long lseek(int fd, long offset, int whence) {
        return process.lseek(fd, offset, whence);
    }

    @Override
    public MappedMemory mmap(int fd, long offset, long length, int prot) {
        long address = Check.ok(process.mmap(fd, offset, length, prot));
        Mapping mapping = process.mapping(address);
        if (mapping == null) {
            throw Errno.EFAULT.exception("mapping vanished");
        }
        return new MappedMemory() {
            @Override
            public MemorySegment segment() {
                return mapping.segment();
            }

            @Override
            public void close() {
                process.munmap(address);
            }
        };
    }

    @Override
    public long fdSend(int fd, byte[] token) {
        return process.fdSend(fd, token);
    }

    @Override
    public long fdRecv(byte[] token) {
        return process.fdRecv(token);
    }

    @Override
    public long eventfd(int initval, int flags) {
        return process.eventfd(initval, flags);
    }

    @Override
    public long clockMonotonic() {
        return process.kernel().clock().nanoTime();
    }

    @Override
    public boolean isAdmin() {
        return process.isAdmin();
    }

    @Override
    public void close() {
        process.exit();
    }
}
