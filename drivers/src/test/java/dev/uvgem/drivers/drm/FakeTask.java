package dev.uvgem.drivers.drm;

import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.core.vfs.UserMemory;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process for tests: an fd table (lowest free fd from 3, at most {@code maxFds}) and a window of user memory
 * at {@link #USER_BASE} backed by a byte array.
 */
public final class FakeTask implements Task {
    /** The first user address. */
    public static final long USER_BASE = 0x10000;

    private final Map<Integer, OpenFile> fds = new TreeMap<>();
    private final Map<Integer, Integer> fdFlags = new TreeMap<>();
    private final byte[] memory;
    private final boolean admin;
    private int maxFds = 1024;

    /** Creates an unprivileged task with 64 KiB of user memory. */
    public FakeTask() {
        this(false);
    }

    /** Creates a task with 64 KiB of user memory. */
    public FakeTask(boolean admin) {
        this.admin = admin;
        this.memory = new byte[64 * 1024];
    }

    /** Limits the fd table to fds below {@code max}. */
    public void setMaxFds(int max) {
        maxFds = max;
    }

    @Override
    public synchronized OpenFile file(int fd) {
        OpenFile f = fds.get(fd);
        if (f == null) {
            throw new ErrnoException(Errno.EBADF);
        }
        return f;
    }

    @Override
    public synchronized int install(OpenFile file, int flags) {
        for (int fd = 3; fd < maxFds; fd++) {
            if (!fds.containsKey(fd)) {
                fds.put(fd, file);
                fdFlags.put(fd, flags);
                return fd;
            }
        }
        file.put();
        throw new ErrnoException(Errno.EMFILE);
    }

    /** Returns the fd flags (O_CLOEXEC) of {@code fd}. */
    public synchronized int fdFlags(int fd) {
        file(fd);
        return fdFlags.get(fd);
    }

    /** Closes {@code fd}, dropping its reference. */
    public void close(int fd) {
        OpenFile f;
        synchronized (this) {
            f = fds.remove(fd);
            fdFlags.remove(fd);
        }
        if (f == null) {
            throw new ErrnoException(Errno.EBADF);
        }
        f.put();
    }

    /** Closes every fd. */
    public void closeAll() {
        for (Integer fd : Map.copyOf(fds).keySet()) {
            close(fd);
        }
    }

    /** Returns the number of open fds. */
    public synchronized int openFds() {
        return fds.size();
    }

    @Override
    public UserMemory user() {
        return new UserMemory() {
            @Override
            public byte[] read(long address, int length) {
                int off = check(address, length);
                byte[] out = new byte[length];
                System.arraycopy(memory, off, out, 0, length);
                return out;
            }

            @Override
            public void write(long address, byte[] data) {
                int off = check(address, data.length);
                System.arraycopy(data, 0, memory, off, data.length);
            }
        };
    }

    private int check(long address, int length) {
        long off = address - USER_BASE;
        if (address == 0 || off < 0 || length < 0 || off + length > memory.length) {
            throw new ErrnoException(Errno.EFAULT);
        }
        return (int) off;
    }

    /** Returns {@code length} bytes of user memory at {@code address}. */
    public byte[] peek(long address, int length) {
        return user().read(address, length);
    }

    @Override
    public boolean isAdmin() {
        return admin;
    }

    @Override
    public String comm() {
        return "fake";
    }
}
