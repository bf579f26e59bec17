package dev.uvgem.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.uapi.Errno;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DebugfsTextTest {
    static final String INFO = "/sys/kernel/debug/sync/info";

    final Kernel kernel = new Kernel(KernelConfig.defaults(new VirtualClock()).withDebugfs(true));
    final AtomicInteger generation = new AtomicInteger();
    Process admin;

    @BeforeEach
    void setUp() {
        kernel.register(
                INFO,
                new DebugfsText(() -> "generation " + generation.incrementAndGet() + "\n"),
                PathAccess.ADMIN_DEBUGFS);
        admin = kernel.spawn("cat", true);
    }

    @AfterEach
    void tearDown() {
        QuietLogs.set(false);
        kernel.close();
    }

    String read(int fd, int count) {
        byte[] b = new byte[count];
        long n = admin.read(fd, b);
        assertThat(n).isNotNegative();
        return new String(b, 0, (int) n, StandardCharsets.UTF_8);
    }

    @Test
    void eachOpenIsOneSnapshotReadInPieces() {
        int fd = (int) admin.open(INFO, 0);
        assertThat(read(fd, 4)).isEqualTo("gene");
        assertThat(read(fd, 100)).isEqualTo("ration 1\n");
        assertThat(read(fd, 100)).isEmpty();
        int fd2 = (int) admin.open(INFO, 0);
        assertThat(read(fd2, 100)).isEqualTo("generation 2\n");
        assertThat(admin.lseek(fd, 0, Process.SEEK_SET)).isZero();
        assertThat(read(fd, 100)).as("still the first snapshot").isEqualTo("generation 1\n");
    }

    @Test
    void lseek() {
        int fd = (int) admin.open(INFO, 0);
        long einval = Errno.EINVAL.negative();
        assertThat(admin.lseek(fd, 3, Process.SEEK_SET)).isEqualTo(3);
        assertThat(admin.lseek(fd, 2, Process.SEEK_CUR)).isEqualTo(5);
        assertThat(read(fd, 3)).isEqualTo("ati");
        assertThat(admin.lseek(fd, -2, Process.SEEK_CUR)).isEqualTo(6);
        assertThat(admin.lseek(fd, 0, Process.SEEK_END))
                .as("seq_file has no SEEK_END")
                .isEqualTo(einval);
        assertThat(admin.lseek(fd, 11, Process.SEEK_SET)).isEqualTo(11);
        assertThat(read(fd, 100)).isEqualTo("1\n");
        assertThat(admin.lseek(fd, 100, Process.SEEK_SET)).isEqualTo(100);
        assertThat(read(fd, 100)).isEmpty();
        assertThat(admin.lseek(fd, -1, Process.SEEK_SET)).isEqualTo(einval);
        assertThat(admin.lseek(fd, -101, Process.SEEK_CUR)).isEqualTo(einval);
        assertThat(admin.lseek(fd, Long.MAX_VALUE, Process.SEEK_CUR))
                .as("overflow")
                .isEqualTo(einval);
        assertThat(admin.lseek(fd, 0, 3)).as("SEEK_DATA").isEqualTo(einval);
        assertThat(admin.lseek(fd, 0, Process.SEEK_CUR))
                .as("failed seeks leave the position")
                .isEqualTo(100);
    }

    @Test
    void accessIsAdminWithDebugfs() {
        Process user = kernel.spawn("user", false);
        assertThat(user.open(INFO, 0)).isEqualTo(Errno.EACCES.negative());
        assertThat(generation).as("no rendering for a refused open").hasValue(0);
    }

    @Test
    void longTextsAndUnicode() {
        char[] big = new char[100_000];
        Arrays.fill(big, 'é');
        kernel.register("/sys/kernel/debug/big", new DebugfsText(() -> new String(big)), PathAccess.ADMIN_DEBUGFS);
        int fd = (int) admin.open("/sys/kernel/debug/big", 0);
        long total = 0;
        byte[] buf = new byte[4096];
        long n;
        while ((n = admin.read(fd, buf)) > 0) {
            total += n;
        }
        assertThat(n).isZero();
        assertThat(total).isEqualTo(200_000);
    }

    @Test
    void generatorBugsAreEio() {
        QuietLogs.set(true); // the bugs injected below would each log a stack trace
        kernel.register(
                "/sys/kernel/debug/broken",
                new DebugfsText(() -> {
                    throw new IllegalStateException("generator bug (expected by the test)");
                }),
                PathAccess.ADMIN_DEBUGFS);
        assertThat(admin.open("/sys/kernel/debug/broken", 0)).isEqualTo(Errno.EIO.negative());
        assertThat(admin.openFdCount()).isZero();
    }
}
