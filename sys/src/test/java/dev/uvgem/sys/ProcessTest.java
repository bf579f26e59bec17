package dev.uvgem.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessTest {
    static final String CARD = "/dev/dri/card0";
    static final long EBADF = Errno.EBADF.negative();

    final VirtualClock clock = new VirtualClock();
    final FakeDevice card = new FakeDevice();
    Kernel kernel = kernel(KernelConfig.defaults(clock));

    Kernel kernel(KernelConfig config) {
        Kernel k = new Kernel(config);
        k.register(CARD, card, PathAccess.EVERYONE);
        return k;
    }

    @AfterEach
    void close() {
        QuietLogs.set(false);
        kernel.close();
    }

    @Test
    void fdsAreLowestFreeFromThree() {
        Process p = kernel.spawn("test", false);
        assertThat(p.open(CARD, Process.O_RDWR)).isEqualTo(3);
        assertThat(p.open(CARD, Process.O_RDWR)).isEqualTo(4);
        assertThat(p.open(CARD, Process.O_RDWR)).isEqualTo(5);
        assertThat(p.close(4)).isZero();
        assertThat(p.open(CARD, Process.O_RDWR)).isEqualTo(4);
        assertThat(p.dup(3)).isEqualTo(6);
        assertThat(p.close(3)).isZero();
        assertThat(p.eventfd(0, 0)).isEqualTo(3);
        assertThat(p.openFds()).containsExactly(3, 4, 5, 6);
        assertThat(p.openFdCount()).isEqualTo(4);
    }

    @Test
    void eachOpenIsANewFileWithItsFlags() {
        Process p = kernel.spawn("test", false);
        long a = p.open(CARD, Process.O_RDWR | Process.O_NONBLOCK | Process.O_CLOEXEC);
        long b = p.open(CARD, Process.O_RDWR);
        assertThat(p.file((int) a)).isNotSameAs(p.file((int) b));
        assertThat(p.file((int) a).isNonBlocking()).isTrue();
        assertThat(p.file((int) b).isNonBlocking()).isFalse();
        assertThat(card.openers).containsExactly(p, p);
    }

    @Test
    void dupSharesTheOpenFileUntilBothAreClosed() {
        Process p = kernel.spawn("test", false);
        int fd = (int) p.open(CARD, Process.O_RDWR);
        int dup = (int) p.dup(fd);
        OpenFile file = p.file(fd);
        assertThat(p.file(dup)).isSameAs(file);
        assertThat(file.refCount()).isEqualTo(2);
        assertThat(p.lseek(fd, 42, Process.SEEK_SET)).isEqualTo(42);
        assertThat(p.file(dup).position()).isEqualTo(42);
        assertThat(p.close(fd)).isZero();
        assertThat(card.ops.releases).hasValue(0);
        assertThat(p.close(dup)).isZero();
        assertThat(card.ops.releases).hasValue(1);
        assertThat(p.close(dup)).isEqualTo(EBADF);
    }

    @Test
    void emfileAtTheLimit() {
        kernel.close();
        kernel = kernel(KernelConfig.defaults(clock).withLimits(new KernelConfig.ProcessLimits(8)));
        Process p = kernel.spawn("test", false);
        for (int fd = 3; fd < 8; fd++) {
            assertThat(p.open(CARD, Process.O_RDWR)).isEqualTo(fd);
        }
        long emfile = Errno.EMFILE.negative();
        assertThat(p.open(CARD, Process.O_RDWR)).isEqualTo(emfile);
        assertThat(p.open("/no/such/path", 0)).as("EMFILE comes before ENOENT").isEqualTo(emfile);
        assertThat(p.dup(3)).isEqualTo(emfile);
        assertThat(p.eventfd(0, 0)).isEqualTo(emfile);
        assertThat(card.opens()).as("no file made for a refused open").isEqualTo(5);
        assertThat(card.ops.releases).hasValue(0);
        assertThat(p.close(5)).isZero();
        assertThat(p.dup(3)).isEqualTo(5);
    }

    @Test
    void defaultLimitIs1024() {
        Process p = kernel.spawn("test", false);
        long last = 0;
        for (int i = 0; i < 1021; i++) {
            last = p.eventfd(0, 0);
        }
        assertThat(last).isEqualTo(1023);
        assertThat(p.eventfd(0, 0)).isEqualTo(Errno.EMFILE.negative());
    }

    @Test
    void ebadfEverywhere() {
        Process p = kernel.spawn("test", false);
        int[] bad = {-1, 0, 1, 2, 3, 4, 1023, 1024, Integer.MAX_VALUE, Integer.MIN_VALUE};
        p.open(CARD, Process.O_RDWR);
        p.close(3);
        for (int fd : bad) {
            assertThat(p.close(fd)).isEqualTo(EBADF);
            assertThat(p.dup(fd)).isEqualTo(EBADF);
            assertThat(p.ioctl(fd, 0xc0086400, new byte[8], null)).isEqualTo(EBADF);
            assertThat(p.ioctl(fd, 0xc0086400, new byte[0], null))
                    .as("EBADF before EFAULT")
                    .isEqualTo(EBADF);
            assertThat(p.read(fd, new byte[8])).isEqualTo(EBADF);
            assertThat(p.read(fd, null)).isEqualTo(EBADF);
            assertThat(p.lseek(fd, 0, Process.SEEK_SET)).isEqualTo(EBADF);
            assertThat(p.mmap(fd, 0, 4096, Process.PROT_READ)).isEqualTo(EBADF);
            assertThat(p.fdSend(fd, new byte[16])).isEqualTo(EBADF);
        }
        assertThat(card.ops.releases).hasValue(1);
    }

    @Test
    void pathsAndAccess() {
        kernel.close();
        kernel = kernel(KernelConfig.defaults(clock).withDebugfs(true));
        FakeDevice swSync = new FakeDevice();
        kernel.register("/sys/kernel/debug/sync/sw_sync", swSync, PathAccess.ADMIN_DEBUGFS);
        Process user = kernel.spawn("user", false);
        Process admin = kernel.spawn("admin", true);
        assertThat(user.open("/dev/dri/card1", Process.O_RDWR)).isEqualTo(Errno.ENOENT.negative());
        assertThat(user.open("", Process.O_RDWR)).isEqualTo(Errno.ENOENT.negative());
        assertThat(user.open(null, Process.O_RDWR)).isEqualTo(Errno.EFAULT.negative());
        assertThat(user.open("/sys/kernel/debug/sync/sw_sync", Process.O_RDWR)).isEqualTo(Errno.EACCES.negative());
        assertThat(admin.open("/sys/kernel/debug/sync/sw_sync", Process.O_RDWR)).isEqualTo(3);
        assertThat(user.open(CARD, Process.O_RDWR)).isEqualTo(3);
        assertThat(user.openFdCount()).isEqualTo(1);
    }

    @Test
    void debugfsPathsNeedDebugfsEvenForAdmin() {
        FakeDevice swSync = new FakeDevice();
        kernel.register("/sys/kernel/debug/sync/sw_sync", swSync, PathAccess.ADMIN_DEBUGFS);
        Process admin = kernel.spawn("admin", true);
        assertThat(admin.open("/sys/kernel/debug/sync/sw_sync", Process.O_RDWR)).isEqualTo(Errno.EACCES.negative());
        assertThat(swSync.opens()).isZero();
    }

    @Test
    void deviceErrorsPassThroughAndFreeTheFd() {
        QuietLogs.set(true); // the bugs injected below would each log a stack trace
        kernel.register(
                "/dev/refuse",
                (flags, task) -> {
                    throw Errno.ENODEV.exception();
                },
                PathAccess.EVERYONE);
        kernel.register(
                "/dev/buggy",
                (flags, task) -> {
                    throw new IllegalStateException("driver bug (expected by the test)");
                },
                PathAccess.EVERYONE);
        Process p = kernel.spawn("test", false);
        assertThat(p.open("/dev/refuse", Process.O_RDWR)).isEqualTo(Errno.ENODEV.negative());
        assertThat(p.open("/dev/buggy", Process.O_RDWR)).isEqualTo(Errno.EIO.negative());
        assertThat(p.open(CARD, Process.O_RDWR)).isEqualTo(3);
    }

    @Test
    void identity() {
        Process p = kernel.spawn("a-very-long-command-name", true);
        assertThat(p.comm()).isEqualTo("a-very-long-com");
        assertThat(p.isAdmin()).isTrue();
        assertThat(kernel.spawn("ünïcödé-ünïcödé", false).comm()).isEqualTo("ünïcödé-ün");
        assertThat(kernel.spawn(null, false).comm()).isEmpty();
        Process q = kernel.spawn("q", false);
        assertThat(q.pid()).isGreaterThan(p.pid());
        assertThat(q.isAdmin()).isFalse();
        assertThat(q.kernel()).isSameAs(kernel);
        assertThat(kernel.processes()).hasSize(4).first().isSameAs(p);
    }

    @Test
    void taskFileAndInstall() {
        Process p = kernel.spawn("test", false);
        int fd = (int) p.open(CARD, Process.O_RDWR);
        OpenFile f = p.file(fd);
        int fd2 = p.install(f.get(), Process.O_CLOEXEC);
        assertThat(fd2).isEqualTo(4);
        assertThat(p.file(fd2)).isSameAs(f);
        assertThat(p.user().read(0, 0)).isEmpty();
    }

    @Test
    void readChecksAccessAndRange() {
        Process p = kernel.spawn("test", false);
        int rw = (int) p.open(CARD, Process.O_RDWR);
        int wo = (int) p.open(CARD, OpenFile.O_WRONLY);
        int ro = (int) p.open(CARD, OpenFile.O_RDONLY);
        byte[] buf = new byte[8];
        assertThat(p.read(rw, buf)).isEqualTo(3);
        assertThat(buf).startsWith((byte) 'x', (byte) 'x', (byte) 'x', (byte) 0);
        assertThat(p.read(ro, buf, 6, 2)).isEqualTo(2);
        assertThat(p.read(wo, buf)).isEqualTo(EBADF);
        assertThat(p.read(rw, null)).isEqualTo(Errno.EFAULT.negative());
        assertThat(p.read(rw, buf, 4, 5)).isEqualTo(Errno.EFAULT.negative());
        assertThat(p.read(rw, buf, -1, 1)).isEqualTo(Errno.EFAULT.negative());
        assertThat(p.read(rw, buf, 0, 0)).isZero();
        int efd = (int) p.eventfd(0, 0);
        int efdDup = (int) p.dup(efd);
        assertThat(p.lseek(efdDup, 0, Process.SEEK_SET))
                .as("a file without llseek")
                .isEqualTo(Errno.ESPIPE.negative());
    }

    @Test
    void lseekRefusesUnknownWhenceBeforeTheFile() {
        Process p = kernel.spawn("test", false);
        int fd = (int) p.open(CARD, Process.O_RDWR);
        assertThat(p.lseek(fd, 0, 5)).isEqualTo(Errno.EINVAL.negative());
        assertThat(p.lseek(fd, 0, -1)).isEqualTo(Errno.EINVAL.negative());
        assertThat(p.lseek(fd, 0, Process.SEEK_END)).as("the file's own answer").isEqualTo(Errno.EINVAL.negative());
        assertThat(p.lseek(fd, 4096, Process.SEEK_SET)).isEqualTo(4096);
    }

    @Test
    void mmapChecksThenTracks() {
        Process p = kernel.spawn("test", false);
        int rw = (int) p.open(CARD, Process.O_RDWR);
        int ro = (int) p.open(CARD, OpenFile.O_RDONLY);
        int wo = (int) p.open(CARD, OpenFile.O_WRONLY);
        long einval = Errno.EINVAL.negative();
        assertThat(p.mmap(rw, 1, 4096, Process.PROT_READ)).isEqualTo(einval);
        assertThat(p.mmap(99, 1, 4096, Process.PROT_READ))
                .as("alignment before EBADF")
                .isEqualTo(einval);
        assertThat(p.mmap(rw, 0, 0, Process.PROT_READ)).isEqualTo(einval);
        assertThat(p.mmap(rw, -4096, 4096, Process.PROT_READ)).isEqualTo(einval);
        assertThat(p.mmap(rw, 0, -1, Process.PROT_READ)).isEqualTo(Errno.ENOMEM.negative());
        assertThat(p.mmap(ro, 0, 4096, Process.PROT_READ | Process.PROT_WRITE)).isEqualTo(Errno.EACCES.negative());
        assertThat(p.mmap(wo, 0, 4096, Process.PROT_WRITE)).isEqualTo(Errno.EACCES.negative());
        assertThat(p.mmap(rw, 1 << 20, 4096, Process.PROT_READ))
                .as("the file's range check")
                .isEqualTo(einval);
        int efd = (int) p.eventfd(0, 0);
        assertThat(p.mmap(efd, 0, 4096, Process.PROT_READ)).isEqualTo(Errno.ENODEV.negative());
        assertThat(p.mappingCount()).isZero();

        long a = p.mmap(rw, 0, 100, Process.PROT_READ | Process.PROT_WRITE);
        long b = p.mmap(ro, 4096, 8192, Process.PROT_READ);
        assertThat(a).isEqualTo(Process.MMAP_BASE);
        assertThat(b).isEqualTo(Process.MMAP_BASE + 4096);
        assertThat(p.mapping(a)).isSameAs(card.ops.mappings.get(0));
        assertThat(p.mapping(a).segment().byteSize()).isEqualTo(100);
        assertThat(p.mappingCount()).isEqualTo(2);
        assertThat(p.munmap(a)).isZero();
        assertThat(card.ops.mappings.get(0).closes).hasValue(1);
        assertThat(p.mapping(a)).isNull();
        assertThat(p.munmap(a)).as("nothing mapped there: 0, as Linux").isZero();
        assertThat(p.munmap(a + 1)).isEqualTo(einval);
        assertThat(card.ops.mappings.get(0).closes).hasValue(1);
        assertThat(p.mmap(rw, 0, 4096, Process.PROT_READ)).isEqualTo(Process.MMAP_BASE + 3 * 4096);
    }
}
