package dev.uvgem.drivers.gpu;

import static dev.uvgem.drivers.gpu.GpuTestKit.bo;
import static dev.uvgem.drivers.gpu.GpuTestKit.bos;
import static dev.uvgem.drivers.gpu.GpuTestKit.fill;
import static dev.uvgem.drivers.gpu.GpuTestKit.hang;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.drivers.drm.DrmTestKit;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Ioc;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.UvGpuBoCreate;
import dev.uvgem.uapi.UvGpuCmd;
import dev.uvgem.uapi.UvGpuCtxCreate;
import dev.uvgem.uapi.UvGpuCtxDestroy;
import dev.uvgem.uapi.UvGpuResetStats;
import dev.uvgem.uapi.UvGpuSubmit;
import dev.uvgem.uapi.UvGpuSubmitBo;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every errno path of the uvgpu ioctls, in the driver's check order. */
class UvGpuIoctlTest {
    private final GpuTestKit t = new GpuTestKit();
    private final DrmTestKit kit = t.kit;
    private int fd;
    private int ctx;
    private int handle;

    @BeforeEach
    void setUp() {
        fd = t.openGpu();
        ctx = (int) t.ctxCreate(fd, 0, 0);
        handle = (int) t.boCreate(fd, 4096);
    }

    private long submit(int flags, UvGpuSubmitBo[] bos, UvGpuCmd... cmds) {
        return t.submitErr(fd, ctx, flags, bos, cmds, -1);
    }

    private static long errno(Errno e) {
        return e.negative();
    }

    @Test
    void ioctlCodesAreTheDocumentedOnes() {
        assertThat(UvGpu.IOCTL_CTX_CREATE).isEqualTo(0xC0186440);
        assertThat(UvGpu.IOCTL_CTX_DESTROY).isEqualTo(0x40086441);
        assertThat(UvGpu.IOCTL_SUBMIT).isEqualTo(0xC0306442);
        assertThat(UvGpu.IOCTL_RESET_STATS).isEqualTo(0xC0286443);
        assertThat(UvGpu.IOCTL_BO_CREATE).isEqualTo(0xC0186444);
        assertThat(t.gpu.driver().info().name()).isEqualTo("uvgpu");
        assertThat(t.gpu.render().name()).isEqualTo("renderD130");
    }

    @Test
    void ctxCreateChecksFlagsPadAndLimits() {
        assertThat(kit.call(fd, UvGpu.IOCTL_CTX_CREATE, b -> new UvGpuCtxCreate(0, 1, 0, 0, 0).write(b))
                        .ret())
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(kit.call(fd, UvGpu.IOCTL_CTX_CREATE, b -> new UvGpuCtxCreate(0, 0, 0, 0, 1).write(b))
                        .ret())
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(t.ctxCreate(fd, -1, 0)).isEqualTo(errno(Errno.EINVAL));
        assertThat(t.ctxCreate(fd, UvGpuDriver.MAX_HANG_TIMEOUT.toNanos() + 1, 0))
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(t.ctxCreate(fd, 0, -1)).isEqualTo(errno(Errno.EINVAL));
        assertThat(t.ctxCreate(fd, UvGpuDriver.MAX_HANG_TIMEOUT.toNanos(), 0)).isEqualTo(ctx + 1);
    }

    @Test
    void ctxDestroyChecksPadAndTheId() {
        assertThat(kit.call(fd, UvGpu.IOCTL_CTX_DESTROY, b -> new UvGpuCtxDestroy(ctx, 1).write(b))
                        .ret())
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(t.ctxDestroy(fd, 99)).isEqualTo(errno(Errno.ENOENT));
        assertThat(t.ctxDestroy(fd, ctx)).isZero();
        assertThat(t.ctxDestroy(fd, ctx)).isEqualTo(errno(Errno.ENOENT));
        assertThat(submit(0, bos())).isEqualTo(errno(Errno.ENOENT));
    }

    @Test
    void contextsBelongToTheirFile() {
        int other = t.openGpu();
        assertThat(t.submitErr(other, ctx, 0, bos(), new UvGpuCmd[0], -1)).isEqualTo(errno(Errno.ENOENT));
        assertThat(t.ctxDestroy(other, ctx)).isEqualTo(errno(Errno.ENOENT));
    }

    @Test
    void submitChecksFlagsAndCountsFirst() {
        assertThat(submit(0x4, bos())).isEqualTo(errno(Errno.EINVAL));
        t.submit(fd, new UvGpuSubmit(ctx, 0, 0, 0, UvGpu.MAX_BOS + 1, 0, -1, 0, 0));
        assertThat(kit.lastRet).isEqualTo(errno(Errno.EINVAL));
        t.submit(fd, new UvGpuSubmit(ctx, 0, 0, 0, 0, -1, -1, 0, 0));
        assertThat(kit.lastRet).isEqualTo(errno(Errno.EINVAL));
        t.submit(fd, new UvGpuSubmit(ctx, 0, 0, 0, UvGpu.MAX_BOS, UvGpu.MAX_CMDS, -1, 0, 0));
        assertThat(kit.lastRet).as("the limits themselves pass, to the copy").isEqualTo(errno(Errno.EFAULT));
        assertThat(t.submitErr(fd, 77, 0x4, bos(), new UvGpuCmd[0], -1)).isEqualTo(errno(Errno.EINVAL));
        assertThat(t.submitErr(fd, 77, 0, bos(), new UvGpuCmd[0], -1)).isEqualTo(errno(Errno.ENOENT));
    }

    @Test
    void submitFaultsOnBadPointers() {
        t.submit(fd, new UvGpuSubmit(ctx, 0, 8, 0, 1, 0, -1, 0, 0));
        assertThat(kit.lastRet).isEqualTo(errno(Errno.EFAULT));
        t.submit(fd, new UvGpuSubmit(ctx, 0, 0, 8, 0, 1, -1, 0, 0));
        assertThat(kit.lastRet).isEqualTo(errno(Errno.EFAULT));
    }

    @Test
    void submitChecksTheBufferList() {
        assertThat(submit(0, bos(bo(handle, 0)))).isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, bos(bo(handle, 4)))).isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, bos(bo(handle + 1, UvGpu.BO_READ)))).isEqualTo(errno(Errno.ENOENT));
        assertThat(submit(0, bos(bo(handle, UvGpu.BO_READ), bo(handle, UvGpu.BO_WRITE))))
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, bos(bo(handle, UvGpu.BO_READ | UvGpu.BO_WRITE)))).isZero();
    }

    @Test
    void submitChecksEveryCommand() {
        UvGpuSubmitBo[] rw = bos(bo(handle, UvGpu.BO_WRITE));
        UvGpuSubmitBo[] ro = bos(bo(handle, UvGpu.BO_READ));
        assertThat(submit(0, rw, new UvGpuCmd(9, 0, 0, 0, 0, 0, 0))).isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, rw, fill(1, 0, 4, 0))).as("no such buffer").isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, ro, fill(0, 0, 4, 0))).as("fill needs WRITE").isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, rw, fill(0, 4096, 4, 0))).as("out of range").isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, rw, fill(0, -4, 4, 0))).isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, rw, fill(0, 0, Long.MAX_VALUE, 0))).isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, rw, fill(0, 2, 4, 0))).as("unaligned").isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, rw, GpuTestKit.copy(0, 0, 0, 0, 4)))
                .as("copy source needs READ")
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, rw, GpuTestKit.blend(0, 0, 4, 256))).isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, rw, new UvGpuCmd(UvGpu.CMD_DURATION, 0, 0, 0, 0, 0, -1)))
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, rw, new UvGpuCmd(UvGpu.CMD_HANG, 1, 0, 0, 0, 0, 0)))
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(submit(0, rw, new UvGpuCmd(UvGpu.CMD_FILL, 0, 1, 0, 0, 0, 4)))
                .as("unused field")
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(t.stats(fd, ctx).completed()).as("nothing ran").isZero();
    }

    @Test
    void submitChecksTheInFenceFd() {
        assertThat(t.submitErr(fd, ctx, UvGpu.SUBMIT_IN_FENCE, bos(), new UvGpuCmd[0], 1000))
                .isEqualTo(errno(Errno.EBADF));
        assertThat(t.submitErr(fd, ctx, UvGpu.SUBMIT_IN_FENCE, bos(), new UvGpuCmd[0], fd))
                .as("not a sync_file")
                .isEqualTo(errno(Errno.EINVAL));
    }

    @Test
    void aBannedContextRefusesSubmissionsWithEcanceled() {
        int banned = (int) t.ctxCreate(fd, Duration.ofMillis(10).toNanos(), 1);
        assertThat(t.submitErr(fd, banned, 0, bos(), new UvGpuCmd[] {hang()}, -1))
                .isZero();
        kit.clock.advance(Duration.ofMillis(10));
        assertThat(t.submitErr(fd, banned, 0, bos(), new UvGpuCmd[0], -1)).isEqualTo(errno(Errno.ECANCELED));
        assertThat(t.stats(fd, banned).banned()).isEqualTo(1);
        assertThat(submit(0, bos())).as("other contexts go on").isZero();
    }

    @Test
    void resetStatsChecksFlagsAndTheId() {
        assertThat(kit.call(fd, UvGpu.IOCTL_RESET_STATS, b -> new UvGpuResetStats(ctx, 1, 0, 0, 0, 0, 0).write(b))
                        .ret())
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(kit.call(fd, UvGpu.IOCTL_RESET_STATS, b -> new UvGpuResetStats(9, 0, 0, 0, 0, 0, 0).write(b))
                        .ret())
                .isEqualTo(errno(Errno.ENOENT));
        assertThat(t.stats(fd, ctx)).isEqualTo(new UvGpuResetStats(ctx, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void boCreateChecksFlagsAndSize() {
        assertThat(kit.call(fd, UvGpu.IOCTL_BO_CREATE, b -> new UvGpuBoCreate(4096, 0, 1, 0).write(b))
                        .ret())
                .isEqualTo(errno(Errno.EINVAL));
        assertThat(t.boCreate(fd, 0)).isEqualTo(errno(Errno.EINVAL));
        DrmTestKit.Result r = kit.call(fd, UvGpu.IOCTL_BO_CREATE, b -> new UvGpuBoCreate(5000, 0, 0, 0).write(b));
        assertThat(UvGpuBoCreate.read(r.arg()).size()).isEqualTo(8192);
        assertThat(kit.mmapErr(fd, UvGpuBoCreate.read(r.arg()).offset(), 8192, 3))
                .isZero();
    }

    @Test
    void aDriverIoctlBeyondTheTableIsEinval() {
        assertThat(kit.call(fd, Ioc.iowr('d', 0x45, 8), b -> {}).ret()).isEqualTo(errno(Errno.EINVAL));
    }
}
