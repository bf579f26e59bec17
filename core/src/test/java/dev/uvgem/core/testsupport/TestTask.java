package dev.uvgem.core.testsupport;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.core.vfs.UserMemory;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A process for tests below the syscall layer: an fd table (lowest free fd first, from a first fd, below a limit),
 * a flat window of user memory at {@link #USER_BASE} with a bump allocator, a command name and a privilege bit.
 * {@link #ioctl} dispatches as the syscall layer would, minus the copying and pinning.
 *
 * <p>Two shapes: {@link #TestTask(String)} is a privileged process whose fds start at 0 (the core suites);
 * {@link #unprivileged(String)} is a user program whose fds 0–2 are taken, so new ones start at 3 (the DRM suites).
 *
 * <p>Thread-safety: the fd table and the allocator are guarded by this object's monitor; user memory is a plain
 * array (tests that share it between threads order their accesses themselves). Locking: no call blocks; {@link
 * #close} and {@link #closeAll} drop file references (and may run a release) after the monitor is released.
 */
public final class TestTask implements Task {
    /** First user address; everything below (including NULL) faults. */
    public static final long USER_BASE = 0x10_0000L;

    private static final int MEMORY_BYTES = 1 << 16;

    private static final AtomicInteger PIDS = new AtomicInteger(1000);

    private final int pid = PIDS.incrementAndGet();
    private final String comm;
    private final boolean admin;
    private final int firstFd;
    private final byte[] memory;
    private final TreeMap<Integer, OpenFile> fds = new TreeMap<>(); // guarded by this
    private final Map<Integer, Integer> fdFlags = new HashMap<>(); // guarded by this
    private int maxFds; // guarded by this
    private volatile Cgroup cgroup = Cgroup.ROOT;
    private long brk = USER_BASE; // guarded by this

    private TestTask(String comm, boolean admin, int firstFd, int maxFds, int memoryBytes) {
        this.comm = comm;
        this.admin = admin;
        this.firstFd = firstFd;
        this.maxFds = maxFds;
        this.memory = new byte[memoryBytes];
    }

    /** Creates a privileged task with fds from 0 below {@code maxFds} and {@code memoryBytes} of user memory. */
    public TestTask(String comm, int maxFds, int memoryBytes) {
        this(comm, true, 0, maxFds, memoryBytes);
    }

    /** Creates a privileged task with 256 fds (from 0) and 64 KiB of user memory. */
    public TestTask(String comm) {
        this(comm, 256, MEMORY_BYTES);
    }

    /** Creates an unprivileged task whose fds start at 3 (below 1024), with 64 KiB of user memory. */
    public static TestTask unprivileged(String comm) {
        return new TestTask(comm, false, 3, 1024, MEMORY_BYTES);
    }

    /** Limits the fd table to fds below {@code max} (open fds at or above it stay open). */
    public synchronized void setMaxFds(int max) {
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
    public synchronized int install(OpenFile file, int fdFlags) {
        for (int fd = firstFd; fd < maxFds; fd++) {
            if (!fds.containsKey(fd)) {
                fds.put(fd, file);
                this.fdFlags.put(fd, fdFlags);
                return fd;
            }
        }
        file.put();
        throw new ErrnoException(Errno.EMFILE);
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
        List<Integer> open;
        synchronized (this) {
            open = List.copyOf(fds.keySet());
        }
        for (int fd : open) {
            close(fd);
        }
    }

    /** Returns the fd flags (O_CLOEXEC) {@code fd} was installed with. */
    public synchronized int fdFlags(int fd) {
        file(fd);
        return fdFlags.get(fd);
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
                int off = offset(address, length);
                byte[] out = new byte[length];
                System.arraycopy(memory, off, out, 0, length);
                return out;
            }

            @Override
            public void write(long address, byte[] data) {
                int off = offset(address, data.length);
                System.arraycopy(data, 0, memory, off, data.length);
            }
        };
    }

    private int offset(long address, int length) {
        long off = address - USER_BASE;
        if (address == 0 || off < 0 || length < 0 || off + length > memory.length) {
            throw new ErrnoException(Errno.EFAULT);
        }
        return (int) off;
    }

    /** Allocates {@code size} bytes of user memory (zeroed) and returns their address. */
    public synchronized long alloc(int size) {
        long a = brk;
        offset(a, size);
        brk += (size + 7) & ~7;
        return a;
    }

    /** Returns a copy of {@code length} bytes of user memory at {@code address}. */
    public byte[] peek(long address, int length) {
        return user().read(address, length);
    }

    /** Returns a little-endian view of a copy of {@code length} bytes of user memory at {@code address}. */
    public ByteBuffer userBytes(long address, int length) {
        return ByteBuffer.wrap(peek(address, length)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public boolean isAdmin() {
        return admin;
    }

    @Override
    public String comm() {
        return comm;
    }

    @Override
    public int pid() {
        return pid;
    }

    /** Returns the group set with {@link #setCgroup}, {@link Cgroup#ROOT} until then. */
    @Override
    public Cgroup cgroup() {
        return cgroup;
    }

    /** Charges what the task creates from now on to {@code group} (files opened later record it). */
    public void setCgroup(Cgroup group) {
        cgroup = group;
    }

    /** Runs an ioctl on {@code fd} as the syscall layer would dispatch it; errors are thrown, not returned. */
    public long ioctl(int fd, int cmd, ByteBuffer arg) {
        OpenFile f = file(fd);
        return f.ops().ioctl(f, cmd, arg, this);
    }

    /** Returns a zeroed little-endian argument buffer of {@code size} bytes. */
    public static ByteBuffer arg(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
