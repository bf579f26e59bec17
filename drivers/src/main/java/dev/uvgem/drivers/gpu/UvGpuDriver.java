package dev.uvgem.drivers.gpu;

import dev.uvgem.core.time.Clock;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.drivers.drm.DrmDevice;
import dev.uvgem.drivers.drm.DrmDriver;
import dev.uvgem.drivers.drm.DrmDriverInfo;
import dev.uvgem.drivers.drm.DrmFeature;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.drm.DrmIoctlDesc;
import dev.uvgem.drivers.drm.GemObject;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.UvGpuBoCreate;
import dev.uvgem.uapi.UvGpuCtxCreate;
import dev.uvgem.uapi.UvGpuCtxDestroy;
import dev.uvgem.uapi.UvGpuResetStats;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The uvgpu driver: a virtual GPU whose contexts each own a ring fed by a {@link
 * dev.uvgem.drivers.sched.GpuScheduler}; jobs run simple commands on GEM buffers (its own, from BO_CREATE, or
 * dma-bufs of other drivers imported through PRIME), synchronise implicitly through the buffers' reservations and
 * explicitly through sync_files, and are killed by a per-context hang timeout, after {@code ban_limit} hangs the
 * context is banned. The uAPI is {@link UvGpu}; {@code docs/gpu.md} describes it like a uAPI header.
 *
 * <p>Every job ends in bounded time: a job on the ring by its context's hang timeout; a queued job by its
 * dependencies, whose producers must bound them (a vgem fence expires), as drm_sched never times out a
 * dependency.
 *
 * <p>Thread-safety: safe for concurrent use by any number of files. Jobs execute on one small executor shared
 * by all contexts (no thread per job): the {@link #UvGpuDriver(Clock) default} is two daemon threads that retire
 * when idle.
 */
public final class UvGpuDriver implements DrmDriver {
    /**
     * Name, description, date, version 1.0 and features: GEM, a render node, and sync objects (binary and timeline)
     * from the DRM core, so an out-fence sync_file can be imported into a syncobj on the GPU's own file.
     */
    private static final DrmDriverInfo INFO = new DrmDriverInfo(
            "uvgpu",
            "uvgem virtual GPU",
            "20261125",
            1,
            0,
            0,
            EnumSet.of(DrmFeature.GEM, DrmFeature.RENDER, DrmFeature.SYNCOBJ, DrmFeature.SYNCOBJ_TIMELINE));

    /** The hang timeout of a context created with {@code hang_timeout_ns = 0}. */
    public static final Duration DEFAULT_HANG_TIMEOUT = Duration.ofSeconds(2);
    /**
     * The longest hang timeout a context may ask for: every job must end in bounded time, so the TDR can be long
     * but never off.
     */
    public static final Duration MAX_HANG_TIMEOUT = Duration.ofMinutes(10);
    /** The number of hangs that bans a context created with {@code ban_limit = 0}. */
    public static final int DEFAULT_BAN_LIMIT = 3;

    private static final AtomicInteger RINGS = new AtomicInteger();

    private final Clock clock;
    private final Executor engine;
    private final List<DrmIoctlDesc> ioctls = DrmIoctlDesc.driverTable(
            new DrmIoctlDesc(
                    UvGpu.IOCTL_CTX_CREATE, DrmIoctlDesc.RENDER_ALLOW, "DRM_IOCTL_UVGPU_CTX_CREATE", this::ctxCreate),
            new DrmIoctlDesc(
                    UvGpu.IOCTL_CTX_DESTROY,
                    DrmIoctlDesc.RENDER_ALLOW,
                    "DRM_IOCTL_UVGPU_CTX_DESTROY",
                    UvGpuDriver::ctxDestroy),
            new DrmIoctlDesc(
                    UvGpu.IOCTL_SUBMIT, DrmIoctlDesc.RENDER_ALLOW, "DRM_IOCTL_UVGPU_SUBMIT", GpuSubmit::submit),
            new DrmIoctlDesc(
                    UvGpu.IOCTL_RESET_STATS,
                    DrmIoctlDesc.RENDER_ALLOW,
                    "DRM_IOCTL_UVGPU_RESET_STATS",
                    UvGpuDriver::resetStats),
            new DrmIoctlDesc(
                    UvGpu.IOCTL_BO_CREATE,
                    DrmIoctlDesc.RENDER_ALLOW,
                    "DRM_IOCTL_UVGPU_BO_CREATE",
                    UvGpuDriver::boCreate));

    /**
     * Creates the driver with jobs executing on {@code engine}.
     *
     * @param clock the kernel clock (hang timeouts, DURATION commands)
     * @param engine where scheduler work and commands run; {@code Runnable::run} makes everything synchronous
     */
    public UvGpuDriver(Clock clock, Executor engine) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** Creates the driver with its default engine: two daemon threads, retired after a second idle. */
    public UvGpuDriver(Clock clock) {
        this(clock, defaultEngine());
    }

    private static Executor defaultEngine() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                2,
                2,
                1,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform()
                        .daemon()
                        .name("uvgpu-engine-" + n.incrementAndGet())
                        .unstarted(r));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public DrmDriverInfo info() {
        return INFO;
    }

    /** Returns the kernel clock (hang timeouts, DURATION commands, the DRM core's syncobj waits). */
    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public List<DrmIoctlDesc> ioctls() {
        return ioctls;
    }

    @Override
    public void open(DrmDevice device, DrmFile file) {
        file.setDriverPrivate(new UvGpuFile());
    }

    @Override
    public void postclose(DrmDevice device, DrmFile file) {
        file.driverPrivate(UvGpuFile.class).close();
    }

    /**
     * CTX_CREATE: a context with its own ring, hang timeout and ban limit.
     *
     * @throws ErrnoException EINVAL for nonzero flags or pad, a timeout beyond {@link #MAX_HANG_TIMEOUT} (negative
     *     as a Java long) or a negative ban limit; ENOSPC when ids run out
     */
    long ctxCreate(DrmFile file, ByteBuffer data, Task task) {
        UvGpuCtxCreate c = UvGpuCtxCreate.read(data);
        if (c.flags() != 0
                || c.pad() != 0
                || c.hangTimeoutNs() < 0
                || c.hangTimeoutNs() > MAX_HANG_TIMEOUT.toNanos()
                || c.banLimit() < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Duration timeout = c.hangTimeoutNs() == 0 ? DEFAULT_HANG_TIMEOUT : Duration.ofNanos(c.hangTimeoutNs());
        int banLimit = c.banLimit() == 0 ? DEFAULT_BAN_LIMIT : c.banLimit();
        UvGpuFile f = file.driverPrivate(UvGpuFile.class);
        int id = f.allocateId();
        f.add(new GpuContext(id, "uvgpu-ring-" + RINGS.incrementAndGet(), clock, timeout, banLimit, engine));
        data.putInt(0, id);
        return 0;
    }

    /**
     * CTX_DESTROY: kills the context's entity (queued jobs end with -ESRCH once their dependencies have
     * signalled); the job on its ring runs on.
     *
     * @throws ErrnoException EINVAL for a nonzero pad; ENOENT for an unknown context
     */
    static long ctxDestroy(DrmFile file, ByteBuffer data, Task task) {
        UvGpuCtxDestroy d = UvGpuCtxDestroy.read(data);
        if (d.pad() != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        file.driverPrivate(UvGpuFile.class).remove(d.ctxId()).destroy();
        return 0;
    }

    /**
     * RESET_STATS: the context's hangs, ban and job outcomes.
     *
     * @throws ErrnoException EINVAL for nonzero flags; ENOENT for an unknown context
     */
    static long resetStats(DrmFile file, ByteBuffer data, Task task) {
        UvGpuResetStats r = UvGpuResetStats.read(data);
        if (r.flags() != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        GpuContext ctx = file.driverPrivate(UvGpuFile.class).get(r.ctxId());
        ctx.stats().snapshot(r.ctxId()).write(data);
        return 0;
    }

    /**
     * BO_CREATE: a zeroed GEM buffer of the page-rounded size, and its mmap offset.
     *
     * @throws ErrnoException EINVAL for nonzero flags or a size that is not positive
     */
    static long boCreate(DrmFile file, ByteBuffer data, Task task) {
        UvGpuBoCreate b = UvGpuBoCreate.read(data);
        if (b.flags() != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        GemObject obj = file.device().createObject(b.size(), file.cgroup());
        try {
            int handle = file.handleCreate(obj);
            new UvGpuBoCreate(obj.size(), handle, 0, obj.mmapOffset()).write(data);
            return 0;
        } finally {
            obj.put();
        }
    }
}
