package dev.uvgem.drivers.gpu;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.container.FenceUnwrap;
import dev.uvgem.core.resv.Reservation;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.core.resv.WwAcquireContext;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.drm.GemObject;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.UvGpuCmd;
import dev.uvgem.uapi.UvGpuSubmit;
import dev.uvgem.uapi.UvGpuSubmitBo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The SUBMIT ioctl: checks the request, builds a {@link GpuJob} with its implicit and explicit dependencies,
 * arms it, publishes its finished fence in each buffer's reservation (WRITE for written buffers, READ for read
 * ones), pushes it to the context's entity and hands out an out-fence.
 *
 * <p>Check order: flags and counts (EINVAL), the context (ENOENT), a banned context (ECANCELED, as amdgpu refuses
 * a guilty context's submissions; i915 says EIO), the user arrays (EFAULT), each buffer's usage (EINVAL), handle
 * (ENOENT) and uniqueness (EINVAL), the commands (EINVAL), the in-fence fd (EBADF if not open, EINVAL if not a
 * sync_file), a wait on the job itself or a later job of its ring (EDEADLK), then the out-fence fd (EMFILE, after
 * the job is queued: the job runs all the same).
 *
 * <p>Thread-safety: stateless; one call per ioctl.
 */
final class GpuSubmit {
    private GpuSubmit() {}

    static long submit(DrmFile file, ByteBuffer data, Task task) {
        UvGpuSubmit s = UvGpuSubmit.read(data);
        if ((s.flags() & ~UvGpu.SUBMIT_FLAGS) != 0
                || Integer.compareUnsigned(s.boCount(), UvGpu.MAX_BOS) > 0
                || Integer.compareUnsigned(s.cmdCount(), UvGpu.MAX_CMDS) > 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        GpuContext ctx = file.driverPrivate(UvGpuFile.class).get(s.ctxId());
        if (ctx.stats().isBanned()) {
            throw new ErrnoException(Errno.ECANCELED);
        }
        ByteBuffer bos = copyIn(task, s.bos(), s.boCount(), UvGpuSubmitBo.SIZE);
        ByteBuffer cmdBytes = copyIn(task, s.cmds(), s.cmdCount(), UvGpuCmd.SIZE);
        List<GemObject> objects = new ArrayList<>();
        try {
            int[] usage = lookupBuffers(file, bos, s.boCount(), objects);
            GemObject[] objs = objects.toArray(new GemObject[0]);
            UvGpuCmd[] cmds = new UvGpuCmd[s.cmdCount()];
            for (int i = 0; i < cmds.length; i++) {
                cmds[i] = UvGpuCmd.read(
                        cmdBytes.slice(i * UvGpuCmd.SIZE, UvGpuCmd.SIZE).order(ByteOrder.LITTLE_ENDIAN));
                GpuCommands.validate(cmds[i], objs, usage);
            }
            Fence inFence = (s.flags() & UvGpu.SUBMIT_IN_FENCE) != 0 ? inFence(task, s.inFenceFd()) : null;
            GpuJob job = new GpuJob(ctx.entity(), objs, cmds, ctx.ring());
            objects.clear(); // the job owns the references now
            try {
                queue(ctx, job, usage, inFence);
            } catch (RuntimeException | Error e) {
                job.release();
                throw e;
            }
            data.putLong(40, job.finished().seqno());
            if ((s.flags() & UvGpu.SUBMIT_OUT_FENCE) != 0) {
                data.putInt(36, task.install(SyncFile.open(job.finished()), OpenFile.O_CLOEXEC));
            }
            return 0;
        } finally {
            for (GemObject o : objects) {
                o.put();
            }
        }
    }

    private static ByteBuffer copyIn(Task task, long address, int count, int size) {
        byte[] bytes = count == 0 ? new byte[0] : task.user().read(address, count * size);
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Resolves the buffer list into {@code out} (one reference each); returns each buffer's usage flags. */
    private static int[] lookupBuffers(DrmFile file, ByteBuffer bos, int count, List<GemObject> out) {
        int[] usage = new int[count];
        Set<Integer> seen = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            UvGpuSubmitBo bo = UvGpuSubmitBo.read(
                    bos.slice(i * UvGpuSubmitBo.SIZE, UvGpuSubmitBo.SIZE).order(ByteOrder.LITTLE_ENDIAN));
            if (bo.flags() == 0 || (bo.flags() & ~(UvGpu.BO_READ | UvGpu.BO_WRITE)) != 0) {
                throw new ErrnoException(Errno.EINVAL);
            }
            out.add(file.lookup(bo.handle(), Errno.ENOENT));
            if (!seen.add(bo.handle())) {
                throw new ErrnoException(Errno.EINVAL, "buffer listed twice");
            }
            usage[i] = bo.flags();
        }
        return usage;
    }

    private static Fence inFence(Task task, int fd) {
        SyncFile sf = SyncFile.fromFile(task.file(fd));
        if (sf == null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return sf.fence();
    }

    /**
     * Locks the buffers' reservations, adds the implicit dependencies and the in-fence's leaves, reserves a fence
     * slot in each reservation; then, under the context's submit lock, arms the job, publishes its finished fence
     * and pushes it.
     */
    private static void queue(GpuContext ctx, GpuJob job, int[] usage, Fence inFence) {
        GemObject[] objs = job.bos();
        Reservation[] resvs = distinctReservations(objs);
        try (WwAcquireContext ww = new WwAcquireContext()) {
            lockAll(resvs, ww);
            try {
                for (int i = 0; i < objs.length; i++) {
                    job.addImplicitDependencies(objs[i].resv(), (usage[i] & UvGpu.BO_WRITE) != 0);
                }
                if (inFence != null) {
                    for (Fence leaf : FenceUnwrap.unwrap(inFence)) {
                        job.addDependency(leaf);
                    }
                }
                for (Reservation r : resvs) {
                    r.reserveFences(2);
                }
                synchronized (ctx.submitLock()) {
                    if (ctx.stats().isBanned()) {
                        throw new ErrnoException(Errno.ECANCELED);
                    }
                    if (ctx.entity().isStopped()) {
                        throw new ErrnoException(Errno.ENOENT, "context destroyed");
                    }
                    job.arm();
                    for (int i = 0; i < objs.length; i++) {
                        boolean write = (usage[i] & UvGpu.BO_WRITE) != 0;
                        objs[i].resv().addFence(job.finished(), write ? ResvUsage.WRITE : ResvUsage.READ);
                    }
                    unlockAll(resvs);
                    resvs = new Reservation[0];
                    ctx.entity().pushJob(job);
                }
            } finally {
                unlockAll(resvs);
            }
        }
    }

    private static Reservation[] distinctReservations(GemObject[] objs) {
        Set<Reservation> set = new LinkedHashSet<>();
        for (GemObject o : objs) {
            set.add(o.resv());
        }
        return set.toArray(new Reservation[0]);
    }

    /** Locks every reservation with wait-die back-off, as {@code drm_gem_lock_reservations}. */
    private static void lockAll(Reservation[] resvs, WwAcquireContext ww) {
        int contended = -1;
        outer:
        while (true) {
            for (int i = 0; i < resvs.length; i++) {
                if (i == contended) {
                    continue;
                }
                if (resvs[i].lock(ww) == Errno.EDEADLK.negative()) {
                    for (int j = 0; j < i; j++) {
                        if (j != contended) {
                            resvs[j].unlock();
                        }
                    }
                    if (contended >= 0) {
                        resvs[contended].unlock();
                    }
                    contended = i;
                    resvs[i].lockSlow(ww);
                    continue outer;
                }
            }
            ww.done();
            return;
        }
    }

    private static void unlockAll(Reservation[] resvs) {
        for (Reservation r : resvs) {
            r.unlock();
        }
    }
}
