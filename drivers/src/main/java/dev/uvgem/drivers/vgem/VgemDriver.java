package dev.uvgem.drivers.vgem;

import dev.uvgem.core.resv.Reservation;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.drivers.drm.DrmDevice;
import dev.uvgem.drivers.drm.DrmDriver;
import dev.uvgem.drivers.drm.DrmDriverInfo;
import dev.uvgem.drivers.drm.DrmDumb;
import dev.uvgem.drivers.drm.DrmFeature;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.drm.DrmIoctlDesc;
import dev.uvgem.drivers.drm.DumbBuffer;
import dev.uvgem.drivers.drm.GemObject;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceAttach;
import dev.uvgem.uapi.VgemFenceSignal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * The vGEM driver, as {@code drivers/gpu/drm/vgem}: memory-backed GEM buffers created as dumb buffers, shared
 * through PRIME, and two ioctls that attach fences to a buffer and signal them.
 *
 * <p>Every fence expires (signals without error) {@link #fenceTimeout()} after its creation, default 10 s, so a
 * client that never signals cannot block anyone waiting on the buffer for longer; closing the file signals all
 * of its fences at once. Expiry is a timer on the kernel {@link Clock}.
 *
 * <p>Thread-safety: safe for concurrent use by any number of devices and files.
 */
public final class VgemDriver implements DrmDriver {
    /** Name, description, date, version 1.0 and features. */
    private static final DrmDriverInfo INFO = new DrmDriverInfo(
            "vgem",
            "Virtual GEM provider",
            "20120112",
            1,
            0,
            0,
            EnumSet.of(DrmFeature.GEM, DrmFeature.RENDER, DrmFeature.SYNCOBJ, DrmFeature.SYNCOBJ_TIMELINE));

    /** The fence timeout of the kernel driver: 10 seconds. */
    public static final Duration DEFAULT_FENCE_TIMEOUT = Duration.ofSeconds(10);

    private final Clock clock;
    private final Duration fenceTimeout;
    private final boolean debugfs;
    private final VgemWatchdog watchdog;
    private final List<DrmIoctlDesc> ioctls = DrmIoctlDesc.driverTable(
            new DrmIoctlDesc(
                    Vgem.IOCTL_FENCE_ATTACH, DrmIoctlDesc.RENDER_ALLOW, "DRM_IOCTL_VGEM_FENCE_ATTACH", this::attach),
            new DrmIoctlDesc(
                    Vgem.IOCTL_FENCE_SIGNAL, DrmIoctlDesc.RENDER_ALLOW, "DRM_IOCTL_VGEM_FENCE_SIGNAL", this::signal));

    /**
     * Creates the driver.
     *
     * @param clock the kernel clock fence expiries are armed on
     * @param fenceTimeout how long a fence lives before it signals by itself
     * @param debugfs whether the kernel has debugfs: only then is {@link Vgem#UVGEM_FENCE_NO_EXPIRY} known
     */
    public VgemDriver(Clock clock, Duration fenceTimeout, boolean debugfs) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (fenceTimeout.isNegative()) {
            throw new IllegalArgumentException("negative fence timeout " + fenceTimeout);
        }
        this.fenceTimeout = fenceTimeout;
        this.debugfs = debugfs;
        this.watchdog = new VgemWatchdog(clock, fenceTimeout.dividedBy(2));
    }

    /** Creates the driver without debugfs. */
    public VgemDriver(Clock clock, Duration fenceTimeout) {
        this(clock, fenceTimeout, false);
    }

    /** Creates the driver with the kernel's 10 s fence timeout. */
    public VgemDriver(Clock clock) {
        this(clock, DEFAULT_FENCE_TIMEOUT);
    }

    /** Returns the fence timeout. */
    public Duration fenceTimeout() {
        return fenceTimeout;
    }

    /** Returns the watchdog that lists this driver's stuck fences. */
    public VgemWatchdog watchdog() {
        return watchdog;
    }

    @Override
    public DrmDriverInfo info() {
        return INFO;
    }

    /** Returns the kernel clock. */
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
        file.setDriverPrivate(new VgemFile());
    }

    @Override
    public void postclose(DrmDevice device, DrmFile file) {
        file.driverPrivate(VgemFile.class).close();
    }

    @Override
    public boolean hasDumbCreate() {
        return true;
    }

    /**
     * Creates a zero-filled buffer, as the shmem helper's dumb_create: pitch aligned to 8 bytes, size page-aligned.
     *
     * <p>Context: the calling process, never blocks. Locking: takes the device's object-name lock and the file's table
     * monitor to create the handle.
     */
    @Override
    public DumbBuffer dumbCreate(DrmDevice device, DrmFile file, int width, int height, int bpp) {
        DrmDumb.Layout layout = DrmDumb.size(width, height, bpp, 8, 0);
        GemObject obj = device.createObject(layout.size(), file.cgroup());
        try {
            int handle = file.handleCreate(obj);
            return new DumbBuffer(handle, layout.pitch(), layout.size());
        } finally {
            obj.put();
        }
    }

    /**
     * FENCE_ATTACH: creates a fence (its expiry armed from now) and adds it to the buffer's reservation as a
     * writer ({@link Vgem#VGEM_FENCE_WRITE}) or a reader, refusing with EBUSY if it would conflict with a pending
     * fence: a writer with any, a reader with a writer. On every failure after creation the new fence is signalled.
     * The fence is charged to the file's {@link DrmFile#cgroup() group} until it signals (by FENCE_SIGNAL, expiry
     * or the file's close); the charge is taken where the kernel allocates the fence, after the handle lookup.
     *
     * <p>The uvgem extension flag {@link Vgem#UVGEM_FENCE_NO_EXPIRY} attaches a fence that never expires: a kernel
     * without debugfs does not know it (EINVAL, checked with the other flags), and with debugfs only a privileged
     * process may use it (EPERM, after the argument checks, as {@code capable()} checks come in the kernel).
     *
     * @throws ErrnoException EINVAL for unknown flags or a non-zero pad; EPERM for NO_EXPIRY from an unprivileged
     *     process; ENOENT for an unknown handle; ENOSPC when the group has its limit of outstanding fences
     *     (uvgem's limit; Linux has none) or the file has used up its ids; EBUSY on conflict; ENOMEM
     */
    long attach(DrmFile file, ByteBuffer data, Task task) {
        VgemFenceAttach a = VgemFenceAttach.read(data);
        int known = Vgem.VGEM_FENCE_WRITE | (debugfs ? Vgem.UVGEM_FENCE_NO_EXPIRY : 0);
        if ((a.flags() & ~known) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (a.pad() != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        boolean noExpiry = (a.flags() & Vgem.UVGEM_FENCE_NO_EXPIRY) != 0;
        if (noExpiry && !task.isAdmin()) {
            throw new ErrnoException(Errno.EPERM);
        }
        GemObject obj = file.lookup(a.handle(), Errno.ENOENT);
        try {
            boolean write = (a.flags() & Vgem.VGEM_FENCE_WRITE) != 0;
            VgemFence fence = watchdog.create(noExpiry ? null : fenceTimeout, task, file.cgroup());
            try {
                Reservation resv = obj.resv();
                if (!resv.testSignaled(ResvUsage.rw(write))) {
                    throw new ErrnoException(Errno.EBUSY);
                }
                resv.lock(null);
                try {
                    resv.reserveFences(1);
                    resv.addFence(fence, write ? ResvUsage.WRITE : ResvUsage.READ);
                } finally {
                    resv.unlock();
                }
                int id = file.driverPrivate(VgemFile.class).add(fence);
                data.putInt(8, id);
                return 0;
            } catch (RuntimeException | Error e) {
                fence.signal();
                throw e;
            }
        } finally {
            obj.put();
        }
    }

    /**
     * FENCE_SIGNAL: signals fence {@code id} and consumes the id, whatever the outcome.
     *
     * @throws ErrnoException EINVAL for non-zero flags; ENOENT for an id never handed out or already consumed;
     *     ETIMEDOUT if the fence had already expired (it is consumed all the same)
     */
    long signal(DrmFile file, ByteBuffer data, Task task) {
        VgemFenceSignal s = VgemFenceSignal.read(data);
        if (s.flags() != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        VgemFence fence = file.driverPrivate(VgemFile.class).take(s.fence());
        boolean expired = fence.isSignaled();
        fence.signal();
        if (expired) {
            throw new ErrnoException(Errno.ETIMEDOUT);
        }
        return 0;
    }

    /**
     * Returns the number of fences of {@code file} still waiting for FENCE_SIGNAL (for tests and debugging).
     *
     * <p>Context: any thread. Locking: takes the file's fence-table monitor briefly.
     */
    public static int outstandingFences(DrmFile file) {
        return file.driverPrivate(VgemFile.class).outstanding();
    }

    /**
     * A fence of a file's table: its id and the fence (signalled already if it expired).
     *
     * @param id the id FENCE_ATTACH returned
     * @param fence the fence
     */
    public record FenceSlot(int id, VgemFence fence) {}

    /**
     * Returns the fences of {@code file} still waiting for FENCE_SIGNAL, by id (for debug listings).
     *
     * <p>Context: any thread. Locking: takes the file's fence-table monitor briefly.
     */
    public static List<FenceSlot> fences(DrmFile file) {
        return file.driverPrivate(VgemFile.class).slots();
    }

    /**
     * Returns the number of fence ids {@code file} has handed out.
     *
     * <p>Context: any thread. Locking: takes the file's fence-table monitor briefly.
     */
    public static int allocatedFenceIds(DrmFile file) {
        return file.driverPrivate(VgemFile.class).allocated();
    }
}
