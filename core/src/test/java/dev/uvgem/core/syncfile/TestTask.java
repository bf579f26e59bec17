package dev.uvgem.core.syncfile;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.core.vfs.UserMemory;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * A process for core-level tests: an fd table (lowest free fd first, optional limit), a flat window of user
 * memory at {@link #USER_BASE} with a bump allocator, a command name and a privilege bit. Not thread-safe beyond
 * what the tests need (the fd table is synchronized).
 */
public final class TestTask implements Task {
    /** First user address; everything below (including NULL) faults. */
    public static final long USER_BASE = 0x10_0000L;

    private final String comm;
    private final int maxFds;
    private final byte[] memory;
    private final TreeMap<Integer, OpenFile> fds = new TreeMap<>();
    private final Map<Integer, Integer> fdFlags = new HashMap<>();
    private long brk = USER_BASE;

    public TestTask(String comm, int maxFds, int memoryBytes) {
        this.comm = comm;
        this.maxFds = maxFds;
        this.memory = new byte[memoryBytes];
    }

    public TestTask(String comm) {
        this(comm, 256, 1 << 16);
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
        for (int fd = 0; fd < maxFds; fd++) {
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

    /** Returns the fd flags {@code fd} was installed with. */
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

    /** Returns a little-endian view of {@code length} bytes of user memory at {@code address}. */
    public ByteBuffer userBytes(long address, int length) {
        return ByteBuffer.wrap(user().read(address, length)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public boolean isAdmin() {
        return true;
    }

    @Override
    public String comm() {
        return comm;
    }

    /** Runs an ioctl on {@code fd} as the syscall layer would dispatch it. */
    public long ioctl(int fd, int cmd, ByteBuffer arg) {
        OpenFile f = file(fd);
        return f.ops().ioctl(f, cmd, arg, this);
    }

    /** Returns a zeroed little-endian argument buffer of {@code size} bytes. */
    public static ByteBuffer arg(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Asserts that {@code call} fails with {@code errno}. */
    public static void assertErrno(Errno errno, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(ErrnoException.class)
                .extracting(e -> ((ErrnoException) e).errno())
                .isEqualTo(errno);
    }
}
