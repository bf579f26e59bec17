package dev.uvgem.sys;

import static dev.uvgem.core.testsupport.ErrnoAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExitTest {
    static final long EBADF = Errno.EBADF.negative();

    final Kernel kernel = new Kernel(KernelConfig.defaults(new VirtualClock()));
    final FakeDevice card = new FakeDevice();

    @BeforeEach
    void setUp() {
        kernel.register("/dev/dri/card0", card, PathAccess.EVERYONE);
    }

    @AfterEach
    void tearDown() {
        QuietLogs.set(false);
        kernel.close();
    }

    @Test
    void exitReleasesEveryFileExactlyOnceAndUnmaps() {
        Process p = kernel.spawn("test", false);
        for (int i = 0; i < 5; i++) {
            p.open("/dev/dri/card0", Process.O_RDWR);
        }
        p.dup(3);
        p.dup(3);
        p.dup(5);
        p.eventfd(0, 0);
        long a = p.mmap(4, 0, 4096, Process.PROT_READ);
        long b = p.mmap(4, 0, 4096, Process.PROT_READ);
        p.munmap(b);
        assertThat(a).isPositive();
        assertThat(card.ops.releases).hasValue(0);

        p.exit();

        assertThat(card.ops.releases).hasValue(5);
        assertThat(card.ops.doubleReleases).hasValue(0);
        assertThat(card.ops.released).containsExactlyInAnyOrderElementsOf(card.opened);
        assertThat(card.ops.mappings).allSatisfy(m -> assertThat(m.closes).hasValue(1));
        assertThat(p.hasExited()).isTrue();
        assertThat(p.openFdCount()).isZero();
        assertThat(p.mappingCount()).isZero();
        assertThat(kernel.processes()).doesNotContain(p);

        p.exit();
        assertThat(card.ops.releases).hasValue(5);
    }

    @Test
    void everyCallAfterExitIsEbadf() {
        Process p = kernel.spawn("test", false);
        int fd = (int) p.open("/dev/dri/card0", Process.O_RDWR);
        long addr = p.mmap(fd, 0, 4096, Process.PROT_READ);
        p.exit();
        assertThat(p.open("/dev/dri/card0", Process.O_RDWR)).isEqualTo(EBADF);
        assertThat(p.close(fd)).isEqualTo(EBADF);
        assertThat(p.dup(fd)).isEqualTo(EBADF);
        assertThat(p.ioctl(fd, 0, null, null)).isEqualTo(EBADF);
        assertThat(p.poll(new PollFd[] {new PollFd(fd, 1)}, -1)).isEqualTo(EBADF);
        assertThat(p.read(fd, new byte[8])).isEqualTo(EBADF);
        assertThat(p.lseek(fd, 0, 0)).isEqualTo(EBADF);
        assertThat(p.mmap(fd, 0, 4096, Process.PROT_READ)).isEqualTo(EBADF);
        assertThat(p.munmap(addr)).isEqualTo(EBADF);
        assertThat(p.mapping(addr)).isNull();
        assertThat(p.fdSend(fd, new byte[16])).isEqualTo(EBADF);
        assertThat(p.fdRecv(new byte[16])).isEqualTo(EBADF);
        assertThat(p.eventfd(0, 0)).isEqualTo(EBADF);
        assertThat(card.opens()).isEqualTo(1);
    }

    @Test
    void anInstallRacingExitDropsTheFile() {
        Process p = kernel.spawn("test", false);
        p.exit();
        OpenFile f = card.open(Process.O_RDWR, p);
        assertErrno(Errno.EBADF, () -> p.install(f, 0));
        assertThat(card.ops.releases).hasValue(1);
    }

    @Test
    void otherProcessesKeepSharedFiles() {
        Process a = kernel.spawn("a", false);
        Process b = kernel.spawn("b", false);
        int fd = (int) a.open("/dev/dri/card0", Process.O_RDWR);
        byte[] token = new byte[16];
        a.fdSend(fd, token);
        int got = (int) b.fdRecv(token);
        a.exit();
        assertThat(card.ops.releases).hasValue(0);
        assertThat(b.lseek(got, 8, Process.SEEK_SET)).isEqualTo(8);
        b.exit();
        assertThat(card.ops.releases).hasValue(1);
    }

    @Test
    void kernelCloseExitsEveryProcess() {
        Process a = kernel.spawn("a", false);
        Process b = kernel.spawn("b", true);
        a.open("/dev/dri/card0", Process.O_RDWR);
        b.open("/dev/dri/card0", Process.O_RDWR);
        kernel.close();
        assertThat(a.hasExited()).isTrue();
        assertThat(b.hasExited()).isTrue();
        assertThat(card.ops.releases).hasValue(2);
        assertThat(kernel.processes()).isEmpty();
        assertThat(kernel.isClosed()).isTrue();
        kernel.close();
    }

    @Test
    void releaseBugsAtExitAreContained() {
        QuietLogs.set(true); // the bugs injected below would each log a stack trace
        kernel.register(
                "/dev/bad",
                (flags, task) -> new OpenFile(
                        new FakeOps() {
                            @Override
                            public void release(OpenFile file) {
                                super.release(file);
                                throw new IllegalStateException("release bug (expected by the test)");
                            }
                        },
                        null,
                        flags),
                PathAccess.EVERYONE);
        Process p = kernel.spawn("test", false);
        p.open("/dev/bad", Process.O_RDWR);
        p.open("/dev/dri/card0", Process.O_RDWR);
        p.exit();
        assertThat(card.ops.releases).hasValue(1);
    }
}
