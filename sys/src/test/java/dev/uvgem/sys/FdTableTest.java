package dev.uvgem.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FdTableTest {
    private static OpenFile file() {
        return new OpenFile(new FileOps() {}, null, OpenFile.O_RDWR);
    }

    private static void assertErrno(Runnable r, Errno errno) {
        assertThatThrownBy(r::run)
                .isInstanceOf(ErrnoException.class)
                .extracting(e -> ((ErrnoException) e).errno())
                .isEqualTo(errno);
    }

    @Test
    void lowestFreeFromThreeAndReuse() {
        FdTable t = new FdTable(1024);
        assertThat(t.install(file(), 0)).isEqualTo(3);
        assertThat(t.install(file(), 0)).isEqualTo(4);
        assertThat(t.install(file(), 0)).isEqualTo(5);
        t.remove(4);
        assertThat(t.install(file(), 0)).isEqualTo(4);
        assertThat(t.install(file(), 0)).isEqualTo(6);
        assertThat(t.openFds()).containsExactly(3, 4, 5, 6);
        assertThat(t.openCount()).isEqualTo(4);
    }

    @Test
    void reservedSlotIsTakenButNotOpen() {
        FdTable t = new FdTable(1024);
        int fd = t.reserve(0);
        assertThat(fd).isEqualTo(3);
        assertErrno(() -> t.lookup(3), Errno.EBADF);
        assertThat(t.install(file(), 0)).isEqualTo(4);
        t.unreserve(fd);
        assertThat(t.install(file(), 0)).isEqualTo(3);
        assertThat(t.openCount()).isEqualTo(2);
    }

    @Test
    void limitGivesEmfile() {
        FdTable t = new FdTable(5);
        t.install(file(), 0);
        t.install(file(), 0);
        assertErrno(() -> t.install(file(), 0), Errno.EMFILE);
        assertErrno(() -> t.reserve(0), Errno.EMFILE);
        t.remove(3);
        assertThat(t.install(file(), 0)).isEqualTo(3);
    }

    @Test
    void limitAtOrBelowThreeAllowsNothing() {
        assertErrno(() -> new FdTable(3).reserve(0), Errno.EMFILE);
        assertErrno(() -> new FdTable(0).reserve(0), Errno.EMFILE);
    }

    @Test
    void closeOnExecIsPerFd() {
        FdTable t = new FdTable(1024);
        OpenFile f = file();
        int a = t.install(f, OpenFile.O_CLOEXEC);
        int b = t.install(f.get(), 0);
        assertThat(t.closeOnExec(a)).isTrue();
        assertThat(t.closeOnExec(b)).isFalse();
        t.closeOnExec(b, true);
        assertThat(t.closeOnExec(b)).isTrue();
        t.remove(a);
        assertThat(t.install(file(), 0)).isEqualTo(a);
        assertThat(t.closeOnExec(a)).isFalse();
    }

    @Test
    void badFdsAreEbadf() {
        FdTable t = new FdTable(1024);
        for (int fd : new int[] {-1, 0, 1, 2, 3, 1 << 20, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertErrno(() -> t.lookup(fd), Errno.EBADF);
            assertErrno(() -> t.fget(fd), Errno.EBADF);
            assertErrno(() -> t.remove(fd), Errno.EBADF);
            assertErrno(() -> t.closeOnExec(fd), Errno.EBADF);
        }
    }

    @Test
    void fgetTakesAReference() {
        FdTable t = new FdTable(1024);
        OpenFile f = file();
        int fd = t.install(f, 0);
        assertThat(t.fget(fd)).isSameAs(f);
        assertThat(f.refCount()).isEqualTo(2);
        assertThat(t.lookup(fd)).isSameAs(f);
        assertThat(f.refCount()).isEqualTo(2);
    }

    @Test
    void closeAllHandsBackOneReferencePerFdOnce() {
        FdTable t = new FdTable(1024);
        OpenFile f = file();
        t.install(f, 0);
        t.install(f.get(), 0);
        OpenFile g = file();
        t.install(g, 0);
        int reserved = t.reserve(0);
        assertThat(t.closeAll()).containsExactly(f, f, g);
        assertThat(t.closeAll()).isEmpty();
        assertThat(t.isClosed()).isTrue();
        assertThat(t.openCount()).isZero();
        assertErrno(() -> t.reserve(0), Errno.EBADF);
        assertErrno(() -> t.install(file(), 0), Errno.EBADF);
        assertErrno(() -> t.installReserved(reserved, file()), Errno.EBADF);
        t.unreserve(reserved); // a no-op once closed
    }

    /**
     * fget is lock-free: racing close, it either fails with EBADF or returns the file with a reference that keeps
     * it open (never a released one), and the file is released exactly once, by whoever drops the last reference.
     */
    @Test
    void fgetRacingCloseNeverReturnsAReleasedFile() throws Exception {
        for (int round = 0; round < 2000; round++) {
            FdTable t = new FdTable(1024);
            AtomicInteger releases = new AtomicInteger();
            AtomicBoolean released = new AtomicBoolean();
            OpenFile f = new OpenFile(
                    new FileOps() {
                        @Override
                        public void release(OpenFile file) {
                            released.set(true);
                            releases.incrementAndGet();
                        }
                    },
                    null,
                    OpenFile.O_RDWR);
            int fd = t.install(f, 0);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread getter = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        OpenFile got;
                        try {
                            got = t.fget(fd);
                        } catch (ErrnoException e) {
                            assertThat(e.errno()).isEqualTo(Errno.EBADF);
                            return;
                        }
                        assertThat(got).isSameAs(f);
                        assertThat(released).as("fget returned a released file").isFalse();
                        got.put();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.remove(fd).put();
            getter.join();
            assertThat(failure.get()).isNull();
            assertThat(releases).hasValue(1);
            assertErrno(() -> t.fget(fd), Errno.EBADF);
        }
    }
}
