package dev.uvgem.drivers.drm;

import static dev.uvgem.drivers.drm.DrmIoctlDesc.MASTER;
import static dev.uvgem.drivers.drm.DrmIoctlDesc.RENDER_ALLOW;

import dev.uvgem.core.vfs.Task;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmGemClose;
import dev.uvgem.uapi.DrmGetCap;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.DrmSetClientCap;
import dev.uvgem.uapi.DrmSetVersion;
import dev.uvgem.uapi.DrmVersion;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.ModeDestroyDumb;
import dev.uvgem.uapi.ModeMapDumb;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The DRM core ioctls vGEM clients use, as {@code drm_ioctls[]} and their handlers in {@code drm_ioctl.c}, {@code
 * drm_gem.c}, {@code drm_prime.c} and {@code drm_dumb_buffers.c}, with the kernel's permission flags.
 */
final class DrmCoreIoctls {
    /** The DRM interface version SET_VERSION negotiates: 1.4. */
    static final int IF_MAJOR = 1;

    static final int IF_MINOR = 4;

    private DrmCoreIoctls() {}

    /** Builds the core table, indexed by ioctl number. */
    static Map<Integer, DrmIoctlDesc> table() {
        Map<Integer, DrmIoctlDesc> t = new HashMap<>();
        add(t, Drm.IOCTL_VERSION, RENDER_ALLOW, "DRM_IOCTL_VERSION", DrmCoreIoctls::version);
        add(t, Drm.IOCTL_GET_CAP, RENDER_ALLOW, "DRM_IOCTL_GET_CAP", DrmCoreIoctls::getCap);
        add(t, DrmMode.IOCTL_SET_CLIENT_CAP, 0, "DRM_IOCTL_SET_CLIENT_CAP", DrmCoreIoctls::setClientCap);
        add(t, Drm.IOCTL_SET_VERSION, MASTER, "DRM_IOCTL_SET_VERSION", DrmCoreIoctls::setVersion);
        add(t, Drm.IOCTL_GEM_CLOSE, RENDER_ALLOW, "DRM_IOCTL_GEM_CLOSE", DrmCoreIoctls::gemClose);
        add(t, Drm.IOCTL_PRIME_HANDLE_TO_FD, RENDER_ALLOW, "DRM_IOCTL_PRIME_HANDLE_TO_FD", DrmCoreIoctls::handleToFd);
        add(t, Drm.IOCTL_PRIME_FD_TO_HANDLE, RENDER_ALLOW, "DRM_IOCTL_PRIME_FD_TO_HANDLE", DrmCoreIoctls::fdToHandle);
        add(t, Drm.IOCTL_MODE_CREATE_DUMB, 0, "DRM_IOCTL_MODE_CREATE_DUMB", DrmCoreIoctls::createDumb);
        add(t, Drm.IOCTL_MODE_MAP_DUMB, 0, "DRM_IOCTL_MODE_MAP_DUMB", DrmCoreIoctls::mapDumb);
        add(t, Drm.IOCTL_MODE_DESTROY_DUMB, 0, "DRM_IOCTL_MODE_DESTROY_DUMB", DrmCoreIoctls::destroyDumb);
        DrmSyncobjIoctls.addTo(t);
        // The KMS ioctls answer for drivers without modesetting; a KMS driver installs its own handlers over these.
        notModeset(t, DrmMode.IOCTL_GETRESOURCES, 0, "DRM_IOCTL_MODE_GETRESOURCES", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_GETCRTC, 0, "DRM_IOCTL_MODE_GETCRTC", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_GETENCODER, 0, "DRM_IOCTL_MODE_GETENCODER", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_GETCONNECTOR, 0, "DRM_IOCTL_MODE_GETCONNECTOR", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_GETPROPERTY, 0, "DRM_IOCTL_MODE_GETPROPERTY", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_GETPROPBLOB, 0, "DRM_IOCTL_MODE_GETPROPBLOB", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_GETPLANERESOURCES, 0, "DRM_IOCTL_MODE_GETPLANERESOURCES", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_GETPLANE, 0, "DRM_IOCTL_MODE_GETPLANE", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_OBJ_GETPROPERTIES, 0, "DRM_IOCTL_MODE_OBJ_GETPROPERTIES", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_ADDFB2, 0, "DRM_IOCTL_MODE_ADDFB2", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_RMFB, 0, "DRM_IOCTL_MODE_RMFB", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_PAGE_FLIP, MASTER, "DRM_IOCTL_MODE_PAGE_FLIP", Errno.EINVAL);
        notModeset(t, DrmMode.IOCTL_WAIT_VBLANK, 0, "DRM_IOCTL_WAIT_VBLANK", Errno.EOPNOTSUPP);
        notModeset(t, DrmMode.IOCTL_ATOMIC, MASTER, "DRM_IOCTL_MODE_ATOMIC", Errno.EOPNOTSUPP);
        return t;
    }

    private static void add(Map<Integer, DrmIoctlDesc> t, int cmd, int flags, String name, DrmIoctlHandler h) {
        t.put(cmd & 0xff, new DrmIoctlDesc(cmd, flags, name, h));
    }

    /** A KMS ioctl on a driver without modesetting (or without vblank): {@code errno}, after the permission check. */
    private static void notModeset(Map<Integer, DrmIoctlDesc> t, int cmd, int flags, String name, Errno errno) {
        add(t, cmd, flags, name, (file, data, task) -> {
            throw new ErrnoException(errno);
        });
    }

    /** VERSION: numbers, and each string written through its user pointer, truncated, with its full length. */
    static long version(DrmFile file, ByteBuffer data, Task task) {
        DrmDriverInfo d = file.device().driver().info();
        DrmVersion v = DrmVersion.read(data);
        data.putInt(0, d.major()).putInt(4, d.minor()).putInt(8, d.patchlevel());
        copyField(task, data, 16, v.name(), v.nameLen(), d.name());
        copyField(task, data, 32, v.date(), v.dateLen(), d.date());
        copyField(task, data, 48, v.desc(), v.descLen(), d.desc());
        return 0;
    }

    private static void copyField(Task task, ByteBuffer data, int lenOffset, long ptr, long bufLen, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int len = Long.compareUnsigned(bytes.length, bufLen) > 0 ? (int) bufLen : bytes.length;
        data.putLong(lenOffset, bytes.length);
        if (len != 0 && ptr != 0) {
            byte[] out = bytes.length == len ? bytes : java.util.Arrays.copyOf(bytes, len);
            task.user().write(ptr, out);
        }
    }

    /**
     * GET_CAP: the render-only capabilities any driver answers; the rest only for modesetting drivers
     * (EOPNOTSUPP otherwise), unknown ones EINVAL.
     */
    static long getCap(DrmFile file, ByteBuffer data, Task task) {
        DrmDevice dev = file.device();
        long cap = DrmGetCap.read(data).capability();
        data.putLong(8, 0);
        if (cap == Drm.CAP_TIMESTAMP_MONOTONIC) {
            data.putLong(8, 1);
            return 0;
        }
        if (cap == Drm.CAP_PRIME) {
            data.putLong(8, Drm.PRIME_CAP_IMPORT | Drm.PRIME_CAP_EXPORT);
            return 0;
        }
        if (cap == Drm.CAP_SYNCOBJ) {
            data.putLong(8, dev.hasFeature(DrmFeature.SYNCOBJ) ? 1 : 0);
            return 0;
        }
        if (cap == Drm.CAP_SYNCOBJ_TIMELINE) {
            data.putLong(8, dev.hasFeature(DrmFeature.SYNCOBJ_TIMELINE) ? 1 : 0);
            return 0;
        }
        if (!dev.hasFeature(DrmFeature.MODESET)) {
            throw new ErrnoException(Errno.EOPNOTSUPP);
        }
        long value;
        if (cap == Drm.CAP_DUMB_BUFFER) {
            value = dev.driver().hasDumbCreate() ? 1 : 0;
        } else if (cap == Drm.CAP_VBLANK_HIGH_CRTC
                || cap == Drm.CAP_CRTC_IN_VBLANK_EVENT
                || cap == Drm.CAP_ADDFB2_MODIFIERS) {
            value = 1;
        } else if (cap == Drm.CAP_DUMB_PREFERRED_DEPTH
                || cap == Drm.CAP_DUMB_PREFER_SHADOW
                || cap == Drm.CAP_ASYNC_PAGE_FLIP
                || cap == Drm.CAP_PAGE_FLIP_TARGET) {
            // No CRTC here implements page_flip_target (vkms flips through the atomic helper), which makes it 0.
            value = 0;
        } else if (cap == Drm.CAP_CURSOR_WIDTH || cap == Drm.CAP_CURSOR_HEIGHT) {
            value = 64;
        } else {
            throw new ErrnoException(Errno.EINVAL);
        }
        data.putLong(8, value);
        return 0;
    }

    /**
     * SET_CLIENT_CAP, as {@code drm_setclientcap}: only modesetting drivers have settable capabilities (EOPNOTSUPP
     * otherwise); ATOMIC needs an atomic driver (EOPNOTSUPP), refuses value 1 from a process whose name starts
     * with 'X' (the broken modesetting DDX, EOPNOTSUPP) and implies universal planes and aspect ratios; WRITEBACK
     * needs atomic first; values above each capability's maximum and unknown capabilities are EINVAL.
     */
    static long setClientCap(DrmFile file, ByteBuffer data, Task task) {
        DrmDevice dev = file.device();
        DrmSetClientCap req = DrmSetClientCap.read(data);
        if (!dev.hasFeature(DrmFeature.MODESET)) {
            throw new ErrnoException(Errno.EOPNOTSUPP);
        }
        long cap = req.capability();
        long value = req.value();
        if (cap == DrmMode.CLIENT_CAP_STEREO_3D) {
            file.setStereoAllowed(checkCapValue(value, 1));
        } else if (cap == DrmMode.CLIENT_CAP_UNIVERSAL_PLANES) {
            file.setUniversalPlanes(checkCapValue(value, 1));
        } else if (cap == DrmMode.CLIENT_CAP_ATOMIC) {
            if (!dev.hasFeature(DrmFeature.ATOMIC)) {
                throw new ErrnoException(Errno.EOPNOTSUPP);
            }
            if (task.comm().startsWith("X") && value == 1) {
                throw new ErrnoException(Errno.EOPNOTSUPP);
            }
            boolean on = checkCapValue(value, 2);
            file.setAtomic(on);
            file.setUniversalPlanes(on);
            file.setAspectRatioAllowed(on);
        } else if (cap == DrmMode.CLIENT_CAP_ASPECT_RATIO) {
            file.setAspectRatioAllowed(checkCapValue(value, 1));
        } else if (cap == DrmMode.CLIENT_CAP_WRITEBACK_CONNECTORS) {
            if (!file.atomic()) {
                throw new ErrnoException(Errno.EINVAL);
            }
            file.setWritebackConnectors(checkCapValue(value, 1));
        } else {
            throw new ErrnoException(Errno.EINVAL);
        }
        return 0;
    }

    /** Returns whether the (unsigned) {@code value} turns the capability on; above {@code max} is EINVAL. */
    private static boolean checkCapValue(long value, long max) {
        if (Long.compareUnsigned(value, max) > 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return value != 0;
    }

    /**
     * SET_VERSION: checks the requested interface (must be 1.0–1.4) and driver versions (-1 = don't care), and
     * always answers with the supported ones.
     */
    static long setVersion(DrmFile file, ByteBuffer data, Task task) {
        DrmDevice dev = file.device();
        DrmDriverInfo d = dev.driver().info();
        DrmSetVersion sv = DrmSetVersion.read(data);
        Errno err = null;
        synchronized (dev.masterLock()) {
            if (sv.diMajor() != -1) {
                if (sv.diMajor() != IF_MAJOR || sv.diMinor() < 0 || sv.diMinor() > IF_MINOR) {
                    err = Errno.EINVAL;
                } else {
                    dev.raiseIfVersion((sv.diMajor() << 16) | sv.diMinor());
                    if (sv.diMinor() >= 1) {
                        dev.setBusidLocked(file);
                    }
                }
            }
            if (err == null && sv.ddMajor() != -1) {
                if (sv.ddMajor() != d.major() || sv.ddMinor() < 0 || sv.ddMinor() > d.minor()) {
                    err = Errno.EINVAL;
                }
            }
            new DrmSetVersion(IF_MAJOR, IF_MINOR, d.major(), d.minor()).write(data);
        }
        if (err != null) {
            throw new ErrnoException(err);
        }
        return 0;
    }

    /** GEM_CLOSE: deletes a handle; an unknown one is EINVAL; pad is not checked. */
    static long gemClose(DrmFile file, ByteBuffer data, Task task) {
        if (!file.device().hasFeature(DrmFeature.GEM)) {
            throw new ErrnoException(Errno.EOPNOTSUPP);
        }
        file.handleDelete(DrmGemClose.read(data).handle());
        return 0;
    }

    static long handleToFd(DrmFile file, ByteBuffer data, Task task) {
        DrmPrimeHandle a = DrmPrimeHandle.read(data);
        int fd = DrmPrime.handleToFd(file, a.handle(), a.flags(), task);
        data.putInt(8, fd);
        return 0;
    }

    static long fdToHandle(DrmFile file, ByteBuffer data, Task task) {
        DrmPrimeHandle a = DrmPrimeHandle.read(data);
        int handle = DrmPrime.fdToHandle(file, a.fd(), task);
        data.putInt(0, handle);
        return 0;
    }

    /** MODE_CREATE_DUMB: the core's checks, then the driver; outputs are zero on any failure. */
    static long createDumb(DrmFile file, ByteBuffer data, Task task) {
        DrmDevice dev = file.device();
        ModeCreateDumb a = ModeCreateDumb.read(data);
        try {
            requireDumb(dev);
            DrmDumb.checkCreateArgs(a.width(), a.height(), a.bpp());
            data.putInt(16, 0).putInt(20, 0).putLong(24, 0);
            DumbBuffer b = dev.driver().dumbCreate(dev, file, a.width(), a.height(), a.bpp());
            data.putInt(16, b.handle()).putInt(20, b.pitch()).putLong(24, b.size());
            return 0;
        } catch (RuntimeException | Error e) {
            data.putInt(16, 0).putInt(20, 0).putLong(24, 0);
            throw e;
        }
    }

    /** MODE_MAP_DUMB: the object's fake mmap offset; imported objects cannot be mapped. Offset 0 on failure. */
    static long mapDumb(DrmFile file, ByteBuffer data, Task task) {
        DrmDevice dev = file.device();
        ModeMapDumb a = ModeMapDumb.read(data);
        try {
            requireDumb(dev);
            GemObject obj = file.lookup(a.handle(), Errno.ENOENT);
            try {
                if (obj.isImported()) {
                    throw new ErrnoException(Errno.EINVAL);
                }
                data.putLong(8, obj.mmapOffset());
            } finally {
                obj.put();
            }
            return 0;
        } catch (RuntimeException | Error e) {
            data.putLong(8, 0);
            throw e;
        }
    }

    /** MODE_DESTROY_DUMB: as GEM_CLOSE. */
    static long destroyDumb(DrmFile file, ByteBuffer data, Task task) {
        requireDumb(file.device());
        file.handleDelete(ModeDestroyDumb.read(data).handle());
        return 0;
    }

    /** The dumb-buffer ioctls exist only for drivers with {@code dumb_create}: ENOSYS otherwise. */
    private static void requireDumb(DrmDevice dev) {
        if (!dev.driver().hasDumbCreate()) {
            throw new ErrnoException(Errno.ENOSYS);
        }
    }
}
