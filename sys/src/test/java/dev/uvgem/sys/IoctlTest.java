package dev.uvgem.sys;

import static dev.uvgem.sys.UserWindow.USER_BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.testsupport.Threads;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Ioc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IoctlTest {
    static final int IOWR = Ioc.iowr('X', 1, 8);
    static final int IOW = Ioc.iow('X', 2, 8);
    static final int IOR = Ioc.ior('X', 3, 8);
    static final int IO = Ioc.io('X', 4);

    final Kernel kernel = new Kernel(KernelConfig.defaults(new VirtualClock()));
    final FakeDevice card = new FakeDevice();
    Process p;
    int fd;

    @BeforeEach
    void setUp() {
        kernel.register("/dev/dri/card0", card, PathAccess.EVERYONE);
        p = kernel.spawn("test", false);
        fd = (int) p.open("/dev/dri/card0", Process.O_RDWR);
    }

    @AfterEach
    void tearDown() {
        QuietLogs.set(false);
        kernel.close();
    }

    /** A handler that adds 1 to the u64 argument and returns 7. */
    void incrementing() {
        card.ops.ioctl = (f, cmd, arg, task) -> {
            assertThat(arg.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(arg.position()).isZero();
            assertThat(arg.remaining()).isEqualTo(Ioc.size(cmd));
            arg.putLong(0, arg.getLong(0) + 1);
            return 7;
        };
    }

    static byte[] le(long v, int extra) {
        return ByteBuffer.allocate(8 + extra)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(v)
                .array();
    }

    static long le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    @Test
    void readDirectionIsCopiedBack() {
        incrementing();
        byte[] arg = le(41, 0);
        assertThat(p.ioctl(fd, IOWR, arg, null)).isEqualTo(7);
        assertThat(le(arg)).isEqualTo(42);
        assertThat(p.ioctl(fd, IOR, arg, null)).isEqualTo(7);
        assertThat(le(arg)).isEqualTo(43);
    }

    @Test
    void writeOnlyIsNotCopiedBack() {
        incrementing();
        byte[] arg = le(41, 0);
        assertThat(p.ioctl(fd, IOW, arg, null)).isEqualTo(7);
        assertThat(le(arg)).isEqualTo(41);
    }

    @Test
    void onlyTheStructIsHandedOverAndCopiedBack() {
        incrementing();
        byte[] arg = le(41, 4);
        arg[8] = 99;
        assertThat(p.ioctl(fd, IOWR, arg, null)).isEqualTo(7);
        assertThat(le(arg)).isEqualTo(42);
        assertThat(arg[8]).isEqualTo((byte) 99);
    }

    @Test
    void shortArgumentFaultsWithoutCallingTheFile() {
        AtomicReference<Integer> called = new AtomicReference<>();
        card.ops.ioctl = (f, cmd, arg, task) -> {
            called.set(cmd);
            return 0;
        };
        assertThat(p.ioctl(fd, IOWR, new byte[7], null)).isEqualTo(Errno.EFAULT.negative());
        assertThat(p.ioctl(fd, IOW, null, null)).isEqualTo(Errno.EFAULT.negative());
        assertThat(called.get()).isNull();
        assertThat(p.ioctl(fd, IO, null, null)).isZero();
        assertThat(called.get()).isEqualTo(IO);
    }

    @Test
    void unknownRequestIsEnotty() {
        assertThat(p.ioctl(fd, IOWR, new byte[8], null)).isEqualTo(Errno.ENOTTY.negative());
        int efd = (int) p.eventfd(0, 0);
        assertThat(p.ioctl(efd, IO, null, null)).isEqualTo(Errno.ENOTTY.negative());
    }

    @Test
    void failedIoctlStillCopiesBackWhatItLeft() {
        card.ops.ioctl = (f, cmd, arg, task) -> {
            arg.putLong(0, 5);
            throw new ErrnoException(Errno.EINVAL);
        };
        byte[] rw = le(1, 0);
        assertThat(p.ioctl(fd, IOWR, rw, null)).isEqualTo(Errno.EINVAL.negative());
        assertThat(le(rw)).isEqualTo(5);
        byte[] w = le(1, 0);
        assertThat(p.ioctl(fd, IOW, w, null)).isEqualTo(Errno.EINVAL.negative());
        assertThat(le(w)).isEqualTo(1);
    }

    @Test
    void setNameTakesTheStringItself() {
        AtomicReference<byte[]> seen = new AtomicReference<>();
        card.ops.ioctl = (f, cmd, arg, task) -> {
            byte[] b = new byte[arg.remaining()];
            arg.get(b);
            seen.set(b);
            if (b.length > 0) {
                arg.put(0, (byte) 'X');
            }
            return 0;
        };
        byte[] name = "a much longer name than eight bytes\0".getBytes();
        byte[] copy = name.clone();
        assertThat(p.ioctl(fd, Process.DMA_BUF_SET_NAME_B, name, null)).isZero();
        assertThat(seen.get()).containsExactly(copy);
        assertThat(name).containsExactly(copy);
        assertThat(p.ioctl(fd, Process.DMA_BUF_SET_NAME_A, "ab\0".getBytes(), null))
                .isZero();
        assertThat(seen.get()).containsExactly('a', 'b', 0);
        assertThat(p.ioctl(fd, Process.DMA_BUF_SET_NAME_A, new byte[0], null)).isZero();
        assertThat(p.ioctl(fd, Process.DMA_BUF_SET_NAME_B, null, null)).isEqualTo(Errno.EFAULT.negative());
    }

    @Test
    void theCallsUserWindowIsTheTasksUserMemory() {
        card.ops.ioctl = (f, cmd, arg, task) -> {
            long ptr = arg.getLong(0);
            byte[] in = task.user().read(ptr, 2);
            task.user().write(ptr + 2, new byte[] {(byte) (in[0] + in[1])});
            return 0;
        };
        byte[] mem = {3, 4, 0, 0};
        UserWindow window = new UserWindow(mem);
        assertThat(p.ioctl(fd, IOW, le(USER_BASE, 0), window)).isZero();
        assertThat(mem).containsExactly(3, 4, 7, 0);
        assertThat(p.ioctl(fd, IOW, le(USER_BASE + 3, 0), window)).isEqualTo(Errno.EFAULT.negative());
        assertThat(p.ioctl(fd, IOW, le(0, 0), window)).isEqualTo(Errno.EFAULT.negative());
        assertThat(p.ioctl(fd, IOW, le(USER_BASE, 0), null)).isEqualTo(Errno.EFAULT.negative());
    }

    @Test
    void concurrentCallsSeeTheirOwnWindows() throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        card.ops.ioctl = (f, cmd, arg, task) -> {
            try {
                together.await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return task.user().read(USER_BASE, 1)[0];
        };
        CompletableFuture<Long> a = Threads.supply(() -> p.ioctl(fd, IO, null, new UserWindow(new byte[] {11})));
        CompletableFuture<Long> b = Threads.supply(() -> p.ioctl(fd, IO, null, new UserWindow(new byte[] {22})));
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(11);
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(22);
    }

    @Test
    void filesLookedUpDuringTheCallStayOpenUntilItReturns() {
        int other = (int) p.open("/dev/dri/card0", Process.O_RDWR);
        OpenFile otherFile = p.file(other);
        card.ops.ioctl = (f, cmd, arg, task) -> {
            OpenFile got = task.file(other);
            assertThat(got).isSameAs(otherFile);
            assertThat(p.close(other)).isZero();
            assertThat(card.ops.released).doesNotContain(otherFile);
            assertThat(task.file(fd)).isSameAs(f);
            return 0;
        };
        assertThat(p.ioctl(fd, IO, null, null)).isZero();
        assertThat(card.ops.released).containsExactly(otherFile);
        assertThat(p.file(fd).refCount()).isEqualTo(1);
    }

    @Test
    void taskLookupOfABadFdIsEbadf() {
        card.ops.ioctl = (f, cmd, arg, task) -> task.file(99).refCount();
        assertThat(p.ioctl(fd, IO, null, null)).isEqualTo(Errno.EBADF.negative());
    }

    @Test
    void installFromAnIoctlMakesAnFdOfThisProcess() {
        card.ops.ioctl = (f, cmd, arg, task) -> {
            int newFd = task.install(f.get(), OpenFile.O_CLOEXEC);
            arg.putInt(0, newFd);
            return 0;
        };
        byte[] arg = new byte[8];
        assertThat(p.ioctl(fd, IOWR, arg, null)).isZero();
        int newFd = ByteBuffer.wrap(arg).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        assertThat(newFd).isEqualTo(4);
        assertThat(p.file(newFd)).isSameAs(p.file(fd));
    }

    @Test
    void theTaskIsTheCallingProcess() {
        Process admin = kernel.spawn("root-thing", true);
        int afd = (int) admin.open("/dev/dri/card0", Process.O_RDWR);
        AtomicReference<Task> seen = new AtomicReference<>();
        card.ops.ioctl = (f, cmd, arg, task) -> {
            seen.set(task);
            return 0;
        };
        admin.ioctl(afd, IO, null, null);
        assertThat(seen.get().isAdmin()).isTrue();
        assertThat(seen.get().comm()).isEqualTo("root-thing");
        p.ioctl(fd, IO, null, null);
        assertThat(seen.get().isAdmin()).isFalse();
        assertThat(seen.get().comm()).isEqualTo("test");
    }

    @Test
    void bugsAreEioAndLeaveStateConsistent() {
        QuietLogs.set(true); // the bugs injected below would each log a stack trace
        card.ops.ioctl = (f, cmd, arg, task) -> {
            task.file(fd);
            throw new NullPointerException("driver bug (expected by the test)");
        };
        assertThat(p.ioctl(fd, IO, null, null)).isEqualTo(Errno.EIO.negative());
        assertThat(p.file(fd).refCount()).isEqualTo(1);
        card.ops.ioctl = (f, cmd, arg, task) -> {
            throw new AssertionError("driver assertion (expected by the test)");
        };
        assertThat(p.ioctl(fd, IO, null, null)).isEqualTo(Errno.EIO.negative());
        card.ops.ioctl = (f, cmd, arg, task) -> -100_000;
        assertThat(p.ioctl(fd, IO, null, null)).as("not an errno").isEqualTo(Errno.EIO.negative());
        card.ops.ioctl = (f, cmd, arg, task) -> Errno.ETIME.negative();
        assertThat(p.ioctl(fd, IO, null, null)).as("a -errno return passes").isEqualTo(Errno.ETIME.negative());
        card.ops.ioctl = (f, cmd, arg, task) -> Long.MAX_VALUE;
        assertThat(p.ioctl(fd, IO, null, null)).isEqualTo(Long.MAX_VALUE);
        assertThat(p.close(fd)).isZero();
        assertThat(card.ops.releases).hasValue(1);
    }
}
