package dev.uvgem.drivers.drm;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.core.dmabuf.BufferAllocator;
import dev.uvgem.core.dmabuf.BufferMemory;
import dev.uvgem.core.dmabuf.DmaBuf;
import dev.uvgem.core.dmabuf.DmaBufAttachment;
import dev.uvgem.core.dmabuf.DmaBufRegistry;
import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.resv.Reservation;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Ioc;
import dev.uvgem.uapi.Mman;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A DRM device, as {@code struct drm_device}: a driver instance with its primary and render nodes, the fake
 * mmap offset space of its GEM objects, and the ioctl dispatch with the kernel's checks.
 *
 * <p>Ioctl dispatch ({@link #ioctl}), in the kernel's order: a type other than {@code 'd'} is ENOTTY; a number
 * in the driver range [0x40, 0xA0) beyond the driver's table, or a core number without an implementation, is
 * EINVAL; the caller's permissions are checked (EACCES); then the handler runs on a kernel copy of the argument
 * that is the larger of the declared and the passed size, zero-extended, and copied back (the passed size)
 * also when the handler fails.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: see {@link #objectNameLock()}; the master is guarded by
 * {@link #masterLock()}.
 */
public final class DrmDevice {
    private static final int IOC_IN = Ioc.WRITE << 30;
    private static final int IOC_OUT = Ioc.READ << 30;
    private static final int O_EXCL = 0x80;

    private final DrmDriver driver;
    private final Set<DrmFeature> features;
    private final BufferAllocator allocator;
    private final DmaBufRegistry dmaBufs;
    private final DrmMinor primary;
    private final DrmMinor render;
    private final DrmVmaManager vma = new DrmVmaManager();
    private final ReentrantLock objectNameLock = new ReentrantLock();
    private final Object masterLock = new Object();
    private final Map<Integer, DrmIoctlDesc> coreIoctls = new ConcurrentHashMap<>(DrmCoreIoctls.table());
    private final AtomicInteger liveObjects = new AtomicInteger();
    private final AtomicInteger liveSyncobjs = new AtomicInteger();
    private final Clock clock;
    private final AtomicInteger openFiles = new AtomicInteger();
    private final String name;
    private DrmFile master;
    private int ifVersion;

    /**
     * Creates a device for {@code driver} whose nodes are {@code card<index>} and (for render drivers) {@code
     * renderD<128+index>}.
     *
     * @param allocator where GEM objects' memory comes from
     * @param dmaBufs the kernel's dma-buf list, where exported buffers are registered
     */
    public DrmDevice(DrmDriver driver, BufferAllocator allocator, DmaBufRegistry dmaBufs, int index) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.features = driver.info().features();
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.dmaBufs = Objects.requireNonNull(dmaBufs, "dmaBufs");
        this.primary = new DrmMinor(this, DrmMinor.Type.PRIMARY, index);
        this.render =
                features.contains(DrmFeature.RENDER) ? new DrmMinor(this, DrmMinor.Type.RENDER, 128 + index) : null;
        this.name = driver.info().name();
        this.clock = driver.clock();
        if (clock == null && (hasFeature(DrmFeature.SYNCOBJ) || hasFeature(DrmFeature.SYNCOBJ_TIMELINE))) {
            throw new IllegalArgumentException("a driver with sync objects must give the kernel clock: " + name);
        }
    }

    /** Creates device 0: {@code card0} and {@code renderD128}. */
    public DrmDevice(DrmDriver driver, BufferAllocator allocator, DmaBufRegistry dmaBufs) {
        this(driver, allocator, dmaBufs, 0);
    }

    /** Creates device 0 with anonymous memory and a dma-buf registry of its own (a kernel with one device). */
    public DrmDevice(DrmDriver driver) {
        this(driver, BufferAllocator.anonymous(), new DmaBufRegistry(), 0);
    }

    /** Returns the driver. */
    public DrmDriver driver() {
        return driver;
    }

    /** Returns whether the driver declares {@code feature}. */
    public boolean hasFeature(DrmFeature feature) {
        return features.contains(feature);
    }

    /** Returns the device name importers attach under (the driver name). */
    public String name() {
        return name;
    }

    /** Returns the kernel clock the driver runs on (syncobj waits and stamps), or null if the driver has none. */
    public Clock clock() {
        return clock;
    }

    /** Returns the kernel's signalled stub fence, as {@code dma_fence_get_stub}. */
    public Fence stubFence() {
        return dmaBufs.stub();
    }

    /** Returns the primary node ({@code /dev/dri/cardN}). */
    public DrmMinor primary() {
        return primary;
    }

    /** Returns the render node ({@code /dev/dri/renderD(128+N)}), or null if the driver has none. */
    public DrmMinor render() {
        return render;
    }

    /** Returns the kernel's dma-buf list. */
    public DmaBufRegistry dmaBufs() {
        return dmaBufs;
    }

    /** Returns the allocator of buffer memory. */
    public BufferAllocator allocator() {
        return allocator;
    }

    /**
     * Returns the lock guarding every object's handle count and dma-buf pointer, as {@code
     * drm_device.object_name_lock}. Taken after a file's PRIME lock, never while releasing objects.
     */
    public ReentrantLock objectNameLock() {
        return objectNameLock;
    }

    DrmVmaManager vma() {
        return vma;
    }

    Object masterLock() {
        return masterLock;
    }

    /**
     * Returns the current master file, or null.
     *
     * <p>Context: any thread. Locking: takes the master lock briefly.
     */
    public DrmFile master() {
        synchronized (masterLock) {
            return master;
        }
    }

    /** Records the highest interface version requested. Locking: caller holds the master lock. */
    void raiseIfVersion(int version) {
        ifVersion = Math.max(ifVersion, version);
    }

    /**
     * Returns the highest DRM interface version a client asked for (major &lt;&lt; 16 | minor), 0 if none.
     *
     * <p>Context: any thread. Locking: takes the master lock briefly.
     */
    public int ifVersion() {
        synchronized (masterLock) {
            return ifVersion;
        }
    }

    /**
     * Ties the master to this device, as {@code drm_set_busid}; nothing to record while devices have no bus id.
     * Locking: caller holds the master lock.
     */
    void setBusidLocked(DrmFile file) {}

    /** Returns the number of GEM objects not yet freed. */
    public int liveObjects() {
        return liveObjects.get();
    }

    /** Returns the number of sync objects not yet freed (held by a handle, an fd or an ioctl in progress). */
    public int liveSyncobjs() {
        return liveSyncobjs.get();
    }

    /**
     * Creates a sync object with no fence, as {@code drm_syncobj_create}; the caller owns its one reference.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public DrmSyncobj createSyncobj() {
        DrmSyncobj s = new DrmSyncobj(this);
        liveSyncobjs.incrementAndGet();
        return s;
    }

    void syncobjFreed() {
        liveSyncobjs.decrementAndGet();
    }

    /** Returns the number of open files on the device's nodes. */
    public int openFiles() {
        return openFiles.get();
    }

    /**
     * Registers (or replaces) a core ioctl, for DRM core features built outside this package (sync objects).
     *
     * <p>Context: set-up, before the nodes are opened. Locking: none (the table is concurrent).
     */
    public void registerCoreIoctl(DrmIoctlDesc desc) {
        int nr = Ioc.nr(desc.cmd());
        if (Ioc.type(desc.cmd()) != Drm.IOCTL_BASE || (nr >= Drm.COMMAND_BASE && nr < Drm.COMMAND_END)) {
            throw new IllegalArgumentException("not a DRM core ioctl: " + Integer.toHexString(desc.cmd()));
        }
        coreIoctls.put(nr, desc);
    }

    // ---------------------------------------------------------------- objects

    /**
     * Creates a native GEM object of {@code size} bytes (rounded up to pages) with fresh zeroed memory and its own
     * reservation, as {@code drm_gem_object_init}, charged to {@code cgroup} (one buffer and its aligned size)
     * before anything is allocated and uncharged when the object is freed. The caller owns the one reference.
     *
     * <p>Linux charges shmem pages to the memory cgroup as they are first touched, so a process over its limit
     * learns it at a page fault; uvgem charges the whole size here, so the create fails instead.
     *
     * <p>Context: any thread, never blocks (the memory is allocated on first use). Locking: none.
     *
     * @throws ErrnoException EINVAL for a non-positive size; ENOMEM over the group's byte limit; ENOSPC over its
     *     buffer limit
     */
    public GemObject createObject(long size, Cgroup cgroup) {
        long aligned = Mman.pageAlign(size);
        if (size <= 0 || aligned < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        cgroup.chargeBuffer(aligned);
        BufferMemory memory;
        try {
            memory = allocator.allocate(aligned);
        } catch (RuntimeException | Error e) {
            cgroup.unchargeBuffer(aligned);
            throw e;
        }
        try {
            return newObject(aligned, memory, new Reservation(), null, null, cgroup, aligned);
        } catch (RuntimeException | Error e) {
            cgroup.unchargeBuffer(aligned);
            memory.put();
            throw e;
        }
    }

    /**
     * Creates an object that owns one reference to {@code memory} and one charge of {@code chargedBytes} (already
     * taken) to {@code cgroup}, both dropped when it is freed.
     */
    GemObject newObject(
            long size,
            BufferMemory memory,
            Reservation resv,
            DmaBuf importedFrom,
            DmaBufAttachment attachment,
            Cgroup cgroup,
            long chargedBytes) {
        GemObject obj = new GemObject(this, size, memory, resv, importedFrom, attachment, cgroup, chargedBytes);
        liveObjects.incrementAndGet();
        return obj;
    }

    void objectFreed() {
        liveObjects.decrementAndGet();
    }

    // ---------------------------------------------------------------- files

    OpenFile open(DrmMinor minor, int flags, Task task) {
        if ((flags & O_EXCL) != 0) {
            throw new ErrnoException(Errno.EBUSY);
        }
        DrmFile f = new DrmFile(minor, task.isAdmin(), task.cgroup());
        driver.open(this, f);
        if (minor.type() == DrmMinor.Type.PRIMARY) {
            synchronized (masterLock) {
                if (master == null) {
                    master = f;
                }
            }
        }
        OpenFile of = new OpenFile(DrmFileOps.INSTANCE, f, flags);
        f.setFile(of);
        openFiles.incrementAndGet();
        return of;
    }

    /**
     * Releases a file whose last reference went, as {@code drm_file_free}: its GEM and syncobj handles, its
     * mastership, then the driver's post-close hook.
     */
    void release(DrmFile f) {
        try {
            if (hasFeature(DrmFeature.GEM)) {
                f.releaseAllHandles();
            }
            if (hasFeature(DrmFeature.SYNCOBJ)) {
                f.syncobjs().releaseAll();
            }
            if (f.isPrimary()) {
                synchronized (masterLock) {
                    if (master == f) {
                        master = null;
                    }
                }
            }
            driver.postclose(this, f);
        } finally {
            f.markClosed();
            openFiles.decrementAndGet();
        }
    }

    // ---------------------------------------------------------------- ioctl

    /**
     * Dispatches an ioctl on {@code file}, as {@code drm_ioctl}.
     *
     * <p>Context: the calling process; may sleep in the handler. Locking: none held; handlers take what they need.
     *
     * @param arg the {@code _IOC_SIZE(cmd)} bytes userspace passed, little-endian; updated with the kernel copy
     * @throws ErrnoException ENOTTY, EINVAL, EACCES or the handler's errno
     */
    public long ioctl(DrmFile file, int cmd, ByteBuffer arg, Task task) {
        if (Ioc.type(cmd) != Drm.IOCTL_BASE) {
            throw new ErrnoException(Errno.ENOTTY);
        }
        int nr = Ioc.nr(cmd);
        DrmIoctlDesc desc;
        if (nr >= Drm.COMMAND_BASE && nr < Drm.COMMAND_END) {
            var table = driver.ioctls();
            int index = nr - Drm.COMMAND_BASE;
            if (index >= table.size()) {
                throw new ErrnoException(Errno.EINVAL);
            }
            desc = table.get(index);
        } else {
            desc = coreIoctls.get(nr);
        }
        if (desc == null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int drvSize = Ioc.size(desc.cmd());
        int inSize = Ioc.size(cmd);
        int outSize = inSize;
        if ((cmd & desc.cmd() & IOC_IN) == 0) {
            inSize = 0;
        }
        if ((cmd & desc.cmd() & IOC_OUT) == 0) {
            outSize = 0;
        }
        int ksize = Math.max(Math.max(inSize, outSize), drvSize);
        ByteBuffer kdata = ByteBuffer.allocate(ksize).order(ByteOrder.LITTLE_ENDIAN);
        int copyIn = Math.min(inSize, arg.limit());
        if (copyIn > 0) {
            kdata.put(0, arg, 0, copyIn);
        }
        try {
            permit(desc.flags(), file, task);
            return desc.handler().handle(file, kdata, task);
        } finally {
            int copyOut = Math.min(outSize, arg.limit());
            if (copyOut > 0) {
                arg.put(0, kdata, 0, copyOut);
            }
        }
    }

    /** The permission check, as {@code drm_ioctl_permit}. */
    private void permit(int flags, DrmFile file, Task task) {
        if ((flags & DrmIoctlDesc.ROOT_ONLY) != 0 && !task.isAdmin()) {
            throw new ErrnoException(Errno.EACCES);
        }
        if ((flags & DrmIoctlDesc.AUTH) != 0 && !file.isRender() && !file.isAuthenticated()) {
            throw new ErrnoException(Errno.EACCES);
        }
        if ((flags & DrmIoctlDesc.MASTER) != 0 && !file.isMaster()) {
            throw new ErrnoException(Errno.EACCES);
        }
        if ((flags & DrmIoctlDesc.RENDER_ALLOW) == 0 && file.isRender()) {
            throw new ErrnoException(Errno.EACCES);
        }
    }

    // ---------------------------------------------------------------- mmap

    /**
     * Maps a GEM object through its fake offset, as {@code drm_gem_mmap}: the range must start exactly at an
     * object's offset and fit inside it (EINVAL), and the file must have had a handle to it (EACCES). The mapping
     * holds the object and the DRM file until closed, so it outlives the handle.
     *
     * @throws ErrnoException EACCES for a write mapping of a read-only file or a file never granted access;
     *     EINVAL for an unknown or misfitting range
     */
    Mapping mmap(DrmFile file, long offset, long length, int prot) {
        OpenFile of = file.file();
        DmaBuf.checkMmapAccess(of, prot);
        long aligned = Mman.pageAlign(length);
        if (length <= 0 || aligned < 0 || (offset & (Mman.PAGE_SIZE - 1)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long pages = aligned >>> Mman.PAGE_SHIFT;
        DrmVmaManager.Node node = vma.exactLookup(offset >>> Mman.PAGE_SHIFT, pages);
        GemObject obj = node == null ? null : node.object();
        if (obj == null || !obj.tryGet()) {
            throw new ErrnoException(Errno.EINVAL);
        }
        try {
            if (!obj.vmaIsAllowed(file)) {
                throw new ErrnoException(Errno.EACCES);
            }
            of.get();
            try {
                return obj.map(0, aligned, of::put);
            } catch (RuntimeException | Error e) {
                of.put();
                throw e;
            }
        } finally {
            obj.put();
        }
    }

    @Override
    public String toString() {
        return "drm_device[" + name + ", " + primary.name() + "]";
    }
}
