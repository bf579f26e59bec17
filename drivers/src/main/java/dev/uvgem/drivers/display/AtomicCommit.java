package dev.uvgem.drivers.display;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.syncfile.SyncFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.drivers.drm.DrmFeature;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.drm.DrmPendingEvent;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.ModeAtomic;
import java.nio.ByteBuffer;

/**
 * One ATOMIC ioctl, as {@code drm_mode_atomic_ioctl} with {@code drm_atomic_set_property}, {@code
 * prepare_signaling}, {@code drm_atomic_check_only}, the commit and {@code complete_signaling}: the new state of
 * the objects it touches, built from the property list, checked, then tested, committed nonblocking or committed
 * and waited for.
 *
 * <p>Check order (§3.2): not atomic → EOPNOTSUPP; the client did not enable the atomic cap → EINVAL; unknown flags,
 * a nonzero reserved field, ASYNC, TEST_ONLY with an EVENT → EINVAL; then per object: a bad pointer → EFAULT, an
 * unknown object or one without properties → ENOENT, a property not on it → ENOENT, a value the property does not
 * take → EINVAL, the setter's own error (IN_FENCE_FD twice or not a sync_file → EINVAL, OUT_FENCE_PTR unwritable →
 * EFAULT, atomic DPMS → EINVAL). Then the events and out-fences (EVENT without a CRTC → EINVAL, the event budget →
 * ENOMEM), the plane check, modesets (EINVAL: this display's one mode is fixed), and for NONBLOCK commits EBUSY
 * while an earlier commit has not flipped.
 *
 * <p>Out-fence pointers get -1 as they are parsed; the fd is written and installed only when the commit succeeds,
 * and -1 is written back on any failure (a TEST_ONLY commit leaves the -1).
 *
 * <p>Thread-safety: one instance per ioctl call, used by its thread only.
 */
final class AtomicCommit {
    private final VkmsDevice device;
    private final ModeConfig config;
    private final DrmFile file;
    private final Task task;
    private final int flags;
    private PlaneState plane;
    private boolean crtcInState;
    private boolean modeset;
    private long outFencePtr;
    private DrmPendingEvent event;
    private Fence outFence;
    private boolean handedOver;

    private AtomicCommit(DrmFile file, Task task, int flags) {
        this.device = KmsIoctls.vkms(file);
        this.config = device.config();
        this.file = file;
        this.task = task;
        this.flags = flags;
    }

    /** The ioctl handler. */
    static long ioctl(DrmFile file, ByteBuffer data, Task task) {
        ModeAtomic a = ModeAtomic.read(data);
        if (!file.device().hasFeature(DrmFeature.ATOMIC)) {
            throw new ErrnoException(Errno.EOPNOTSUPP);
        }
        if (!file.atomic()
                || (a.flags() & ~DrmMode.ATOMIC_FLAGS) != 0
                || a.reserved() != 0
                || (a.flags() & DrmMode.PAGE_FLIP_ASYNC) != 0
                || ((a.flags() & DrmMode.ATOMIC_TEST_ONLY) != 0 && (a.flags() & DrmMode.PAGE_FLIP_EVENT) != 0)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        AtomicCommit c = new AtomicCommit(file, task, a.flags());
        boolean ok = false;
        try {
            c.parse(a);
            if (!c.has(DrmMode.ATOMIC_TEST_ONLY)) {
                c.prepareSignaling(a.userData());
            }
            c.checkOnly();
            if (!c.has(DrmMode.ATOMIC_TEST_ONLY)) {
                c.commit(a.userData());
            }
            ok = true;
        } finally {
            c.completeSignaling(ok);
        }
        return 0;
    }

    private boolean has(int flag) {
        return (flags & flag) != 0;
    }

    // ---------------------------------------------------------------- parsing

    private void parse(ModeAtomic a) {
        long copiedProps = 0;
        for (long i = 0; i < (a.countObjs() & 0xFFFF_FFFFL); i++) {
            int objId = UserCopy.getU32(task, a.objsPtr(), i);
            ModeObject obj = config.find(objId, DrmMode.OBJECT_ANY);
            if (obj == null || obj.properties().isEmpty()) {
                throw new ErrnoException(Errno.ENOENT);
            }
            long countProps = UserCopy.getU32(task, a.countPropsPtr(), i) & 0xFFFF_FFFFL;
            for (long j = 0; j < countProps; j++) {
                int propId = UserCopy.getU32(task, a.propsPtr(), copiedProps);
                Property prop = obj.properties().stream()
                        .filter(p -> p.id() == propId)
                        .findFirst()
                        .orElseThrow(() -> new ErrnoException(Errno.ENOENT));
                long value = UserCopy.getU64(task, a.propValuesPtr(), copiedProps);
                setProperty(obj, prop, value);
                copiedProps++;
            }
        }
    }

    /** As {@code drm_atomic_set_property}: the value check of {@code drm_property_change_valid_get}, then the setter. */
    private void setProperty(ModeObject obj, Property prop, long value) {
        if (!prop.acceptsValue(value)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if ((prop.isObject() || prop.isBlob()) && value != 0) {
            int type = prop.isObject() ? (int) prop.values()[0] : DrmMode.OBJECT_BLOB;
            if (value > 0xFFFF_FFFFL || config.find((int) value, type) == null) {
                throw new ErrnoException(Errno.EINVAL);
            }
        }
        switch (obj) {
            case Plane p -> setPlaneProperty(p, prop, value);
            case Crtc c -> setCrtcProperty(c, prop, value);
            case Connector c -> setConnectorProperty(c, prop, value);
            default -> throw new ErrnoException(Errno.EINVAL);
        }
    }

    /** The plane's state in this commit: a copy of the current one (without its fence) on first use. */
    private PlaneState planeState(Plane p) {
        if (plane == null) {
            PlaneState current = p.state();
            if (current.crtc() != null) {
                crtcInState = true;
            }
            if (current.fb() != null) {
                current.fb().get();
            }
            plane = current.withFence(null);
        }
        return plane;
    }

    private void setPlaneProperty(Plane p, Property prop, long value) {
        PlaneState s = planeState(p);
        if (prop == config.fbId) {
            Framebuffer fb = value == 0 ? null : config.lookupFb((int) value);
            if (s.fb() != null) {
                s.fb().release();
            }
            plane = s.withFb(fb);
        } else if (prop == config.inFenceFd) {
            if (s.fence() != null) {
                throw new ErrnoException(Errno.EINVAL);
            }
            if (value == -1) {
                return;
            }
            Fence fence = SyncFile.getFence(task, (int) value);
            if (fence == null) {
                throw new ErrnoException(Errno.EINVAL);
            }
            plane = s.withFence(fence);
        } else if (prop == config.crtcId) {
            Crtc crtc = value == 0 ? null : device.crtc();
            crtcInState |= crtc != null;
            plane = s.withCrtc(crtc);
        } else if (prop == config.crtcX) {
            plane = s.withCrtcRect((int) value, s.crtcY(), s.crtcW(), s.crtcH());
        } else if (prop == config.crtcY) {
            plane = s.withCrtcRect(s.crtcX(), (int) value, s.crtcW(), s.crtcH());
        } else if (prop == config.crtcW) {
            plane = s.withCrtcRect(s.crtcX(), s.crtcY(), value, s.crtcH());
        } else if (prop == config.crtcH) {
            plane = s.withCrtcRect(s.crtcX(), s.crtcY(), s.crtcW(), value);
        } else if (prop == config.srcX) {
            plane = s.withSrcRect(value, s.srcY(), s.srcW(), s.srcH());
        } else if (prop == config.srcY) {
            plane = s.withSrcRect(s.srcX(), value, s.srcW(), s.srcH());
        } else if (prop == config.srcW) {
            plane = s.withSrcRect(s.srcX(), s.srcY(), value, s.srcH());
        } else if (prop == config.srcH) {
            plane = s.withSrcRect(s.srcX(), s.srcY(), s.srcW(), value);
        } else {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    private void setCrtcProperty(Crtc c, Property prop, long value) {
        crtcInState = true;
        if (prop == config.active) {
            modeset |= value != 1;
        } else if (prop == config.modeId) {
            modeset |= value != c.modeBlob().id();
        } else if (prop == config.outFencePtr) {
            if (value == 0) {
                return;
            }
            UserCopy.putU32(task, value, 0, -1);
            outFencePtr = value;
        } else {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    private void setConnectorProperty(Connector c, Property prop, long value) {
        crtcInState = true;
        if (prop == config.crtcId) {
            modeset |= value != c.encoder().crtc().id();
        } else {
            // DPMS is not settable through atomic commits; EDID is immutable.
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    // ---------------------------------------------------------------- signalling

    /** As {@code prepare_signaling}: the CRTC's event (to the file with EVENT) and out-fence. */
    private void prepareSignaling(long userData) {
        if (!crtcInState) {
            if (has(DrmMode.PAGE_FLIP_EVENT)) {
                throw new ErrnoException(Errno.EINVAL);
            }
            return;
        }
        if (!has(DrmMode.PAGE_FLIP_EVENT) && outFencePtr == 0) {
            return;
        }
        outFence = outFencePtr != 0 ? device.crtc().createFence() : null;
        event = has(DrmMode.PAGE_FLIP_EVENT)
                ? DrmPendingEvent.reserve(file, DrmEventVblank.SIZE, outFence)
                : DrmPendingEvent.internal(outFence);
    }

    /**
     * As {@code complete_signaling}: on success the out-fence's sync_file fd is installed and written; on failure
     * the event is cancelled and -1 written back to the out-fence pointer; state this commit still holds is let go.
     */
    private void completeSignaling(boolean ok) {
        if (!handedOver) {
            if (event != null) {
                event.cancel();
            }
            if (plane != null && plane.fb() != null) {
                plane.fb().release();
            }
        }
        if (outFencePtr == 0 || outFence == null) {
            return;
        }
        if (ok) {
            int fd = task.install(SyncFile.open(outFence), Drm.CLOEXEC);
            UserCopy.putU32(task, outFencePtr, 0, fd);
        } else {
            try {
                UserCopy.putU32(task, outFencePtr, 0, -1);
            } catch (ErrnoException e) {
                // The kernel ignores a fault here too: the pointer was writable when it was parsed.
            }
        }
    }

    // ---------------------------------------------------------------- check and commit

    /** As {@code drm_atomic_check_only}: the plane, then modesets (none is possible here). */
    private void checkOnly() {
        if (plane != null) {
            device.plane().check(plane);
        }
        if (modeset) {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    /** Queues the commit on the CRTC (EBUSY for NONBLOCK behind an unflipped one); a blocking one waits for it. */
    private void commit(long userData) {
        if (!crtcInState) {
            return;
        }
        Crtc crtc = device.crtc();
        PlaneState next = plane;
        Fence fence = null;
        if (next != null) {
            fence = PendingFlip.prepareFb(next);
            next = next.withFence(fence);
        }
        boolean nonblock = has(DrmMode.ATOMIC_NONBLOCK);
        PendingFlip flip = new PendingFlip(crtc, next, fence, event, userData, nonblock);
        crtc.queue(flip);
        handedOver = true;
        if (!nonblock) {
            crtc.awaitFlip(flip);
        }
    }
}
