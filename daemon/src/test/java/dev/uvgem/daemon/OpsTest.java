package dev.uvgem.daemon;

import static dev.uvgem.daemon.Calls.O_NONBLOCK;
import static dev.uvgem.daemon.Calls.O_RDWR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.sys.UserWindow;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmVersion;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Ioc;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.Vgem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every op's happy path and its errnos, one connection at a time. */
class OpsTest extends DaemonTestSupport {
    static final long EBADF = Errno.EBADF.negative();
    static final long EINVAL = Errno.EINVAL.negative();

    // ---- OPEN, CLOSE, DUP ----

    @Test
    void openTakesTheLowestFreeFdFromThree() {
        RawClient c = user("t");
        assertThat(Calls.open(c, "/dev/dri/card0", O_RDWR)).isEqualTo(3);
        assertThat(Calls.open(c, "/dev/dri/renderD128", O_RDWR | 0x80000)).isEqualTo(4);
        assertThat(Calls.close(c, 3)).isZero();
        assertThat(Calls.open(c, "/dev/dri/card0", O_RDWR)).isEqualTo(3);
    }

    @Test
    void openErrors() {
        RawClient c = user("t");
        assertThat(Calls.open(c, "/dev/dri/card9", O_RDWR)).isEqualTo(Errno.ENOENT.negative());
        assertThat(Calls.open(c, "", O_RDWR)).isEqualTo(Errno.ENOENT.negative());
        assertThat(Calls.open(c, "/sys/kernel/debug/sync/sw_sync", O_RDWR)).isEqualTo(Errno.EACCES.negative());
        assertThat(Calls.open(c, "/sys/kernel/debug/dma_buf/bufinfo", 0)).isEqualTo(Errno.EACCES.negative());
        RawClient admin = admin("root");
        assertThat(Calls.open(admin, "/sys/kernel/debug/sync/sw_sync", O_RDWR))
                .as("admin, but the daemon runs without --debugfs")
                .isEqualTo(Errno.EACCES.negative());
        assertThat(c.result(Op.OPEN, Body.of().u32(O_RDWR))).isEqualTo(EINVAL);
        assertThat(c.result(Op.OPEN, Body.of().u32(O_RDWR).u16(20).bytes("/dev".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(EINVAL);
    }

    @Test
    void closeAndDup() {
        RawClient c = user("t");
        int card = Calls.openCard(c);
        assertThat(c.result(Op.DUP, Body.of().i32(card))).isEqualTo(4);
        assertThat(Calls.close(c, card)).isZero();
        assertThat(Calls.close(c, card)).isEqualTo(EBADF);
        assertThat(c.result(Op.DUP, Body.of().i32(card))).isEqualTo(EBADF);
        assertThat(c.result(Op.DUP, Body.of().i32(4))).isEqualTo(3);
        assertThat(Calls.close(c, -1)).isEqualTo(EBADF);
        assertThat(c.result(Op.CLOSE, Body.of().i16(3))).isEqualTo(EINVAL);
        assertThat(c.result(Op.DUP, Body.of())).isEqualTo(EINVAL);
    }

    // ---- IOCTL ----

    @Test
    void ioctlCopiesTheStructBackAndWritesThroughUserPointers() {
        RawClient c = user("t");
        int card = Calls.openCard(c);
        long base = UserWindow.USER_BASE;
        byte[] arg = Calls.struct(DrmVersion.SIZE, b -> new DrmVersion(0, 0, 0, 16, base, 0, 0, 8, base + 16).write(b));
        Calls.Ioctl r = Calls.ioctl(c, card, Drm.IOCTL_VERSION, arg, new byte[32]);
        assertThat(r.result()).isZero();
        DrmVersion v = DrmVersion.read(r.argBuffer());
        assertThat(v.nameLen()).isEqualTo(4);
        assertThat(new String(r.user(), 0, 4, StandardCharsets.UTF_8)).isEqualTo("vgem");
        assertThat(r.user()).hasSize(32);
        assertThat(v.descLen()).isPositive();
        assertThat(r.user()[16]).isNotZero();
    }

    @Test
    void aPointerOutsideTheUserWindowIsEfault() {
        RawClient c = user("t");
        int card = Calls.openCard(c);
        long base = UserWindow.USER_BASE;
        byte[] arg = Calls.struct(DrmVersion.SIZE, b -> new DrmVersion(0, 0, 0, 16, base + 14, 0, 0, 0, 0).write(b));
        Calls.Ioctl r = Calls.ioctl(c, card, Drm.IOCTL_VERSION, arg, new byte[16]);
        assertThat(r.result()).isEqualTo(Errno.EFAULT.negative());
        assertThat(r.user()).containsOnly(0);
    }

    @Test
    void aStructShorterThanTheRequestSizeIsEfaultAndComesBackUnchanged() {
        RawClient c = user("t");
        int card = Calls.openCard(c);
        byte[] arg = new byte[ModeCreateDumb.SIZE - 1];
        Arrays.fill(arg, (byte) 7);
        Calls.Ioctl r = Calls.ioctl(c, card, Drm.IOCTL_MODE_CREATE_DUMB, arg, new byte[0]);
        assertThat(r.result()).isEqualTo(Errno.EFAULT.negative());
        assertThat(r.arg()).isEqualTo(arg);
    }

    @Test
    void aWriteOnlyStructIsEchoedUnchangedAndBytesPastTheStructAreKept() {
        RawClient c = user("t");
        int card = Calls.openCard(c);
        byte[] arg = new byte[12]; // struct vgem_fence_signal is 8 bytes
        ByteBuffer.wrap(arg).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 42).putInt(8, 0x5a5a5a5a);
        Calls.Ioctl r = Calls.ioctl(c, card, Vgem.IOCTL_FENCE_SIGNAL, arg, new byte[3]);
        assertThat(r.result()).isEqualTo(Errno.ENOENT.negative());
        assertThat(r.arg()).isEqualTo(arg);
        assertThat(r.user()).hasSize(3);
    }

    @Test
    void aStructBeyondTheRequestSizeComesBackWithItsTailUntouched() {
        RawClient c = user("t");
        int card = Calls.openCard(c);
        byte[] arg = Calls.struct(ModeCreateDumb.SIZE + 4, b -> {
            new ModeCreateDumb(16, 16, 32, 0, 0, 0, 0).write(b);
            b.putInt(ModeCreateDumb.SIZE, 0x01020304);
        });
        Calls.Ioctl r = Calls.ioctl(c, card, Drm.IOCTL_MODE_CREATE_DUMB, arg, new byte[0]);
        assertThat(r.result()).isZero();
        assertThat(r.arg()).hasSize(ModeCreateDumb.SIZE + 4);
        assertThat(ModeCreateDumb.read(r.argBuffer()).size()).isEqualTo(4096); // 1 KiB, page-rounded
        assertThat(r.argBuffer().getInt(ModeCreateDumb.SIZE)).isEqualTo(0x01020304);
    }

    @Test
    void ioctlErrors() {
        RawClient c = user("t");
        int efd = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        Calls.Ioctl r = Calls.ioctl(c, efd, Ioc.iowr('x', 1, 8), new byte[8], new byte[0]);
        assertThat(r.result()).as("a request the file does not implement").isEqualTo(Errno.ENOTTY.negative());
        assertThat(Calls.ioctl(c, 77, Drm.IOCTL_VERSION, new byte[DrmVersion.SIZE], new byte[0])
                        .result())
                .isEqualTo(EBADF);
        Reply shortArg = c.call(
                Op.IOCTL, Body.of().i32(efd).u32(Drm.IOCTL_VERSION).u32(64).bytes(new byte[10]));
        assertThat(shortArg.result()).isEqualTo(EINVAL);
        assertThat(shortArg.bodyLength()).as("no body for a frame-level error").isZero();
        assertThat(c.result(Op.IOCTL, Body.of().i32(efd).u32(Drm.IOCTL_VERSION).u32(0)))
                .isEqualTo(EINVAL);
    }

    // ---- POLL ----

    @Test
    void pollReportsReadyEntriesNegativeFdsAndClosedFds() {
        RawClient c = user("t");
        int ready = (int) c.result(Op.EVENTFD, Body.of().u32(3).u32(0));
        int idle = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        Reply r = c.call(
                Op.POLL,
                Body.of()
                        .u32(4)
                        .i32(ready)
                        .i16(Calls.POLLIN)
                        .i16(0)
                        .i32(idle)
                        .i16(Calls.POLLIN)
                        .i16(0)
                        .i32(-1)
                        .i16(Calls.POLLIN)
                        .i16(0)
                        .i32(99)
                        .i16(Calls.POLLIN)
                        .i16(0)
                        .i32(-1));
        assertThat(r.result()).isEqualTo(2);
        assertThat(r.bodyLength()).isEqualTo(8);
        assertThat(r.i16()).isEqualTo(Calls.POLLIN);
        assertThat(r.i16()).isZero();
        assertThat(r.i16()).isZero();
        assertThat(r.i16()).isEqualTo(Calls.POLLNVAL);
    }

    @Test
    void pollWithoutTimeoutReturnsZeroAtOnceAndWithATimeoutAfterIt() {
        RawClient c = user("t");
        int idle = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        Reply now = c.call(Op.POLL, Calls.pollBody(idle, Calls.POLLIN, 0));
        assertThat(now.result()).isZero();
        assertThat(now.i16()).isZero();
        long start = System.nanoTime();
        Reply later = c.call(Op.POLL, Calls.pollBody(idle, Calls.POLLIN, 50));
        assertThat(later.result()).isZero();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(45_000_000L);
        Reply none = c.call(Op.POLL, Body.of().u32(0).i32(0));
        assertThat(none.result()).isZero();
        assertThat(none.bodyLength()).isZero();
    }

    @Test
    void pollErrors() {
        RawClient c = user("t");
        assertThat(c.result(Op.POLL, Body.of().u32(2).i32(3).i16(1).i16(0).i32(0)))
                .as("fewer entries than nfds")
                .isEqualTo(EINVAL);
        assertThat(c.result(Op.POLL, Body.of().u32(0x7fffffff))).isEqualTo(EINVAL);
        assertThat(c.result(Op.POLL, Body.of().u32(1).i32(3).i16(1).i16(0)))
                .as("no timeout")
                .isEqualTo(EINVAL);
        Body many = Body.of().u32(2000);
        for (int i = 0; i < 2000; i++) {
            many.i32(-1).i16(1).i16(0);
        }
        assertThat(c.result(Op.POLL, many.i32(0)))
                .as("more entries than the fd limit")
                .isEqualTo(EINVAL);
    }

    // ---- READ ----

    @Test
    void readOfAnEventfdReturnsAndResetsItsCounter() {
        RawClient c = user("t");
        int efd = (int) c.result(Op.EVENTFD, Body.of().u32(7).u32(O_NONBLOCK));
        Reply r = c.call(Op.READ, Body.of().i32(efd).u32(8));
        assertThat(r.result()).isEqualTo(8);
        assertThat(r.i64()).isEqualTo(7);
        assertThat(c.result(Op.READ, Body.of().i32(efd).u32(8))).isEqualTo(Errno.EAGAIN.negative());
        assertThat(c.result(Op.READ, Body.of().i32(efd).u32(4))).isEqualTo(EINVAL);
    }

    @Test
    void aBlockingReadWithDataReturnsIt() {
        RawClient c = user("t");
        int efd = (int) c.result(Op.EVENTFD, Body.of().u32(5).u32(1)); // EFD_SEMAPHORE
        Reply r = c.call(Op.READ, Body.of().i32(efd).u32(100));
        assertThat(r.result()).isEqualTo(8);
        assertThat(r.i64()).isEqualTo(1);
    }

    @Test
    void readOfANonBlockingDrmFdWithoutEventsIsEagain() {
        RawClient c = user("t");
        int card = (int) Calls.open(c, "/dev/dri/card0", O_RDWR | O_NONBLOCK);
        Reply r = c.call(Op.READ, Body.of().i32(card).u32(4096));
        assertThat(r.result()).isEqualTo(Errno.EAGAIN.negative());
        assertThat(r.bodyLength()).isZero();
        assertThat(c.result(Op.READ, Body.of().i32(42).u32(8))).isEqualTo(EBADF);
        assertThat(c.result(Op.READ, Body.of().i32(card))).isEqualTo(EINVAL);
    }

    // ---- LSEEK ----

    @Test
    void lseekOfADmaBufGivesItsSize() {
        RawClient c = user("t");
        int card = Calls.openCard(c);
        ModeCreateDumb bo = Calls.createDumb(c, card, 64, 64);
        int dmabuf = Calls.export(c, card, bo.handle());
        assertThat(c.result(Op.LSEEK, Body.of().i32(dmabuf).i64(0).u32(2))).isEqualTo(bo.size());
        assertThat(c.result(Op.LSEEK, Body.of().i32(dmabuf).i64(0).u32(0))).isZero();
        assertThat(c.result(Op.LSEEK, Body.of().i32(dmabuf).i64(0).u32(9))).isEqualTo(EINVAL);
        assertThat(c.result(Op.LSEEK, Body.of().i32(dmabuf).i64(0).u32(0xffffffffL)))
                .isEqualTo(EINVAL);
        assertThat(c.result(Op.LSEEK, Body.of().i32(99).i64(0).u32(0))).isEqualTo(EBADF);
        int efd = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        assertThat(c.result(Op.LSEEK, Body.of().i32(efd).i64(0).u32(0))).isEqualTo(Errno.ESPIPE.negative());
        assertThat(c.result(Op.LSEEK, Body.of().i32(dmabuf).i64(0))).isEqualTo(EINVAL);
    }

    // ---- CANCEL, EVENTFD ----

    @Test
    void cancelOfNothingParkedIsEnoent() {
        RawClient c = user("t");
        assertThat(c.result(Op.CANCEL, Body.of().u32(12345))).isEqualTo(Errno.ENOENT.negative());
        assertThat(c.result(Op.CANCEL, Body.of().u16(1))).isEqualTo(EINVAL);
    }

    @Test
    void eventfdChecksItsFlags() {
        RawClient c = user("t");
        assertThat(c.result(Op.EVENTFD, Body.of().u32(0).u32(0x80000 | 0x800 | 1)))
                .isEqualTo(3);
        assertThat(c.result(Op.EVENTFD, Body.of().u32(0).u32(4))).isEqualTo(EINVAL);
        assertThat(c.result(Op.EVENTFD, Body.of().u32(0))).isEqualTo(EINVAL);
    }

    // ---- unknown ops ----

    @ParameterizedTest
    @ValueSource(ints = {0, 14, 63, 64, 1000, 0xffff})
    void unknownOpsAreEnosysAndTheConnectionGoesOn(int op) {
        RawClient c = user("t");
        Reply r = c.call(op, new byte[] {1, 2, 3});
        assertThat(r.result()).isEqualTo(Errno.ENOSYS.negative());
        assertThat(r.bodyLength()).isZero();
        assertThat(Calls.openCard(c)).isEqualTo(3);
    }
}
