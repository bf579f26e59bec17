package dev.uvgem.drivers.drm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.testsupport.TestTask;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmGetCap;
import dev.uvgem.uapi.DrmSetVersion;
import dev.uvgem.uapi.DrmVersion;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Ioc;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.Vgem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DrmIoctlTest {
    private final DrmTestKit k = new DrmTestKit();

    private static long err(Errno e) {
        return e.negative();
    }

    @Test
    void wrongTypeIsEnotty() {
        int fd = k.openCard();
        assertThat(k.call(fd, Ioc.iowr('b', 0x0c, 16), b -> {}).ret()).isEqualTo(err(Errno.ENOTTY));
        assertThat(k.call(fd, Ioc.io('v', 0), b -> {}).ret()).isEqualTo(err(Errno.ENOTTY));
    }

    @Test
    void numbersWithoutAnImplementationAreEinval() {
        int fd = k.openCard();
        // GET_UNIQUE (0x01) is a core number vgem clients never use here; 0x3f and 0xff are holes or past the end.
        assertThat(k.call(fd, Ioc.iowr('d', 0x01, 16), b -> {}).ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(k.call(fd, Ioc.io('d', 0x3f), b -> {}).ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(k.call(fd, Ioc.io('d', 0xff), b -> {}).ret()).isEqualTo(err(Errno.EINVAL));
        // Driver range beyond vgem's two ioctls.
        assertThat(k.call(fd, Ioc.iowr('d', 0x43, 16), b -> {}).ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(k.call(fd, Ioc.iowr('d', 0x40, 16), b -> {}).ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(k.call(fd, Ioc.iowr('d', 0x9f, 16), b -> {}).ret()).isEqualTo(err(Errno.EINVAL));
    }

    @Test
    void renderNodeRefusesDumbIoctlsButAllowsTheRest() {
        int fd = k.openRender();
        k.createDumb(fd, 1, 1, 32);
        assertThat(k.lastRet).isEqualTo(err(Errno.EACCES));
        assertThat(k.mapDumb(fd, 1)).isEqualTo(err(Errno.EACCES));
        assertThat(k.call(fd, Drm.IOCTL_MODE_DESTROY_DUMB, b -> b.putInt(0, 1)).ret())
                .isEqualTo(err(Errno.EACCES));
        assertThat(k.gemClose(fd, 1)).isEqualTo(err(Errno.EINVAL));
        assertThat(k.exportFd(fd, 1, 0)).isEqualTo(err(Errno.ENOENT));
        assertThat(k.importFd(fd, 99)).isEqualTo(err(Errno.EBADF));
        assertThat(k.attach(fd, 1, 0)).isEqualTo(err(Errno.ENOENT));
        assertThat(k.signal(fd, 1)).isEqualTo(err(Errno.ENOENT));
        assertThat(k.call(fd, Drm.IOCTL_GET_CAP, b -> b.putLong(0, Drm.CAP_PRIME))
                        .ret())
                .isZero();
        assertThat(k.call(fd, Drm.IOCTL_SET_VERSION, b -> new DrmSetVersion(1, 4, -1, -1).write(b))
                        .ret())
                .isEqualTo(err(Errno.EACCES));
    }

    @Test
    void renderClientsCanUseBuffersImportedFromThePrimaryNode() {
        int card = k.openCard();
        int render = k.openRender();
        int h = k.createBo(card);
        long dmabuf = k.exportFd(card, h, Drm.CLOEXEC);
        long rh = k.importFd(render, (int) dmabuf);
        assertThat(rh).isEqualTo(1);
        assertThat(k.attach(render, (int) rh, 0)).isEqualTo(1);
    }

    @Test
    void setversionAsIgtDoes() {
        int fd = k.openCard();
        var r = k.call(fd, Drm.IOCTL_SET_VERSION, b -> new DrmSetVersion(1, 4, -1, -1).write(b));
        assertThat(r.ret()).isZero();
        assertThat(DrmSetVersion.read(r.arg())).isEqualTo(new DrmSetVersion(1, 4, 1, 0));
        assertThat(k.device.ifVersion()).isEqualTo(0x10004);
    }

    @Test
    void setversionChecksAndAlwaysAnswers() {
        int fd = k.openCard();
        for (DrmSetVersion bad : new DrmSetVersion[] {
            new DrmSetVersion(2, 0, -1, -1),
            new DrmSetVersion(1, 5, -1, -1),
            new DrmSetVersion(1, -2, -1, -1),
            new DrmSetVersion(-1, 0, 1, 1),
            new DrmSetVersion(-1, 0, 2, 0),
            new DrmSetVersion(-1, 0, 1, -1)
        }) {
            var r = k.call(fd, Drm.IOCTL_SET_VERSION, b -> bad.write(b));
            assertThat(r.ret()).as("%s", bad).isEqualTo(err(Errno.EINVAL));
            assertThat(DrmSetVersion.read(r.arg())).isEqualTo(new DrmSetVersion(1, 4, 1, 0));
        }
        assertThat(k.call(fd, Drm.IOCTL_SET_VERSION, b -> new DrmSetVersion(1, 0, 1, 0).write(b))
                        .ret())
                .isZero();
    }

    @Test
    void setversionNeedsTheMaster() {
        int first = k.openCard();
        int second = k.openCard();
        assertThat(k.drmFile(first).isMaster()).isTrue();
        assertThat(k.drmFile(second).isMaster()).isFalse();
        assertThat(k.call(second, Drm.IOCTL_SET_VERSION, b -> new DrmSetVersion(1, 4, -1, -1).write(b))
                        .ret())
                .isEqualTo(err(Errno.EACCES));
        k.task.close(first);
        int third = k.openCard();
        assertThat(k.drmFile(third).isMaster()).isTrue();
        assertThat(k.drmFile(second).isMaster()).isFalse();
    }

    @Test
    void secondClientOpensBothNodes() {
        int fd = k.openCard();
        int again = k.openCard();
        int render = k.openRender();
        assertThat(k.device.openFiles()).isEqualTo(3);
        k.task.close(again);
        k.task.close(render);
        k.task.close(fd);
        assertThat(k.device.openFiles()).isZero();
        assertThat(k.device.primary().path()).isEqualTo("/dev/dri/card0");
        assertThat(k.device.render().path()).isEqualTo("/dev/dri/renderD128");
    }

    @Test
    void exclusiveOpenIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> k.device.primary().open(OpenFile.O_RDWR | 0x80, k.task))
                .hasFieldOrPropertyWithValue("errno", Errno.EBUSY);
    }

    @Test
    void versionWritesStringsThroughUserPointers() {
        int fd = k.openRender();
        long name = TestTask.USER_BASE;
        long date = TestTask.USER_BASE + 0x100;
        long desc = TestTask.USER_BASE + 0x200;
        var r = k.call(fd, Drm.IOCTL_VERSION, b -> new DrmVersion(9, 9, 9, 64, name, 64, date, 64, desc).write(b));
        assertThat(r.ret()).isZero();
        DrmVersion v = DrmVersion.read(r.arg());
        assertThat(v.versionMajor()).isEqualTo(1);
        assertThat(v.versionMinor()).isZero();
        assertThat(v.versionPatchlevel()).isZero();
        assertThat(v.nameLen()).isEqualTo(4);
        assertThat(v.dateLen()).isEqualTo(8);
        assertThat(v.descLen()).isEqualTo("Virtual GEM provider".length());
        assertThat(new String(k.task.peek(name, 4), StandardCharsets.US_ASCII)).isEqualTo("vgem");
        assertThat(new String(k.task.peek(date, 8), StandardCharsets.US_ASCII)).isEqualTo("20120112");
        assertThat(new String(k.task.peek(desc, 20), StandardCharsets.US_ASCII)).isEqualTo("Virtual GEM provider");
    }

    @Test
    void versionTruncatesAndReportsFullLengths() {
        int fd = k.openCard();
        long buf = TestTask.USER_BASE + 0x400;
        k.task.user().write(buf, "XXXXXX".getBytes(StandardCharsets.US_ASCII));
        // The libdrm two-call protocol: NULL pointers first, to learn the lengths.
        var probe = k.call(fd, Drm.IOCTL_VERSION, b -> new DrmVersion(0, 0, 0, 0, 0, 0, 0, 0, 0).write(b));
        assertThat(probe.ret()).isZero();
        assertThat(DrmVersion.read(probe.arg()).nameLen()).isEqualTo(4);
        var r = k.call(fd, Drm.IOCTL_VERSION, b -> new DrmVersion(0, 0, 0, 2, buf, 0, 0, 0, 0).write(b));
        assertThat(r.ret()).isZero();
        assertThat(DrmVersion.read(r.arg()).nameLen()).isEqualTo(4);
        assertThat(new String(k.task.peek(buf, 6), StandardCharsets.US_ASCII)).isEqualTo("vgXXXX");
    }

    @Test
    void versionFaultsOnBadPointers() {
        int fd = k.openCard();
        var r = k.call(fd, Drm.IOCTL_VERSION, b -> new DrmVersion(0, 0, 0, 0, 0, 8, 0x42, 0, 0).write(b));
        assertThat(r.ret()).isEqualTo(err(Errno.EFAULT));
        DrmVersion v = DrmVersion.read(r.arg());
        // What was done before the fault is still copied back.
        assertThat(v.versionMajor()).isEqualTo(1);
        assertThat(v.nameLen()).isEqualTo(4);
        assertThat(v.dateLen()).isEqualTo(8);
        assertThat(v.descLen()).isZero();
    }

    @Test
    void getCapAnswersLikeVgem() {
        int fd = k.openCard();
        assertThat(getCap(fd, Drm.CAP_PRIME)).isEqualTo(3);
        assertThat(getCap(fd, Drm.CAP_TIMESTAMP_MONOTONIC)).isEqualTo(1);
        assertThat(getCap(fd, Drm.CAP_SYNCOBJ)).isEqualTo(1);
        assertThat(getCap(fd, Drm.CAP_SYNCOBJ_TIMELINE)).isEqualTo(1);
        // Not a modesetting driver: every other capability, known or not, is EOPNOTSUPP.
        assertThat(getCap(fd, Drm.CAP_DUMB_BUFFER)).isEqualTo(err(Errno.EOPNOTSUPP));
        assertThat(getCap(fd, Drm.CAP_CURSOR_WIDTH)).isEqualTo(err(Errno.EOPNOTSUPP));
        assertThat(getCap(fd, 0x1234)).isEqualTo(err(Errno.EOPNOTSUPP));
    }

    private long getCap(int fd, long cap) {
        var r = k.call(fd, Drm.IOCTL_GET_CAP, b -> new DrmGetCap(cap, 0xdead).write(b));
        return r.ret() != 0 ? r.ret() : DrmGetCap.read(r.arg()).value();
    }

    @Test
    void modesetDriversAnswerUnknownCapsWithEinval() {
        DrmDriver kms = new DrmDriver() {
            @Override
            public String name() {
                return "kms";
            }

            @Override
            public String desc() {
                return "test";
            }

            @Override
            public String date() {
                return "0";
            }

            @Override
            public int major() {
                return 1;
            }

            @Override
            public int minor() {
                return 0;
            }

            @Override
            public java.util.Set<DrmFeature> features() {
                return java.util.EnumSet.of(DrmFeature.GEM, DrmFeature.MODESET);
            }
        };
        DrmDevice dev = new DrmDevice(kms, k.allocator, k.dmaBufs, 1);
        assertThat(dev.render()).isNull();
        int fd = k.task.install(dev.primary().open(OpenFile.O_RDWR, k.task), 0);
        assertThat(getCap(fd, Drm.CAP_DUMB_BUFFER)).isZero();
        assertThat(getCap(fd, Drm.CAP_CURSOR_HEIGHT)).isEqualTo(64);
        assertThat(getCap(fd, 0x1234)).isEqualTo(err(Errno.EINVAL));
        // No dumb_create: the dumb ioctls are ENOSYS.
        k.createDumb(fd, 1, 1, 8);
        assertThat(k.lastRet).isEqualTo(err(Errno.ENOSYS));
        assertThat(k.mapDumb(fd, 1)).isEqualTo(err(Errno.ENOSYS));
    }

    @Test
    void shortArgumentsAreZeroExtendedAndOnlyThePassedSizeIsCopiedBack() {
        int fd = k.openCard();
        // GET_CAP declared with only the 8-byte capability field.
        int shortCmd = Ioc.iowr('d', 0x0c, 8);
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Drm.CAP_PRIME);
        assertThat(k.ioctl(fd, shortCmd, b)).isZero();
        assertThat(b.getLong(0)).isEqualTo(Drm.CAP_PRIME);
        // A longer struct: the tail comes back as passed.
        int longCmd = Ioc.iowr('d', 0x0c, 24);
        ByteBuffer l = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        l.putLong(0, Drm.CAP_PRIME).putLong(8, 77).putLong(16, 0x5555);
        assertThat(k.ioctl(fd, longCmd, l)).isZero();
        assertThat(l.getLong(8)).isEqualTo(3);
        assertThat(l.getLong(16)).isEqualTo(0x5555);
    }

    @Test
    void theArgumentIsNotCopiedBackWithoutTheReadDirection() {
        int fd = k.openCard();
        // GET_CAP issued as _IOW: the kernel copies nothing back.
        int writeOnly = Ioc.iow('d', 0x0c, 16);
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Drm.CAP_PRIME);
        assertThat(k.ioctl(fd, writeOnly, b)).isZero();
        assertThat(b.getLong(8)).isZero();
        // Issued as _IOR: nothing is copied in, so capability 0 is asked (EOPNOTSUPP for vgem).
        int readOnly = Ioc.ior('d', 0x0c, 16);
        ByteBuffer c = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Drm.CAP_PRIME);
        assertThat(k.ioctl(fd, readOnly, c)).isEqualTo(err(Errno.EOPNOTSUPP));
        assertThat(c.getLong(0)).isZero();
    }

    @Test
    void failedCreateZeroesOutputs() {
        int fd = k.openCard();
        var r = k.call(fd, Drm.IOCTL_MODE_CREATE_DUMB, b -> new ModeCreateDumb(0, 0, 0, 0, 7, 7, 7).write(b));
        assertThat(r.ret()).isEqualTo(err(Errno.EINVAL));
        assertThat(ModeCreateDumb.read(r.arg())).isEqualTo(new ModeCreateDumb(0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void vgemIoctlCodesReachTheDriverTable() {
        int fd = k.openCard();
        assertThat(k.call(fd, Vgem.IOCTL_FENCE_SIGNAL, b -> {}).ret()).isEqualTo(err(Errno.ENOENT));
        assertThat(k.call(fd, Vgem.IOCTL_FENCE_ATTACH, b -> b.putInt(4, 0xff)).ret())
                .isEqualTo(err(Errno.EINVAL));
    }
}
