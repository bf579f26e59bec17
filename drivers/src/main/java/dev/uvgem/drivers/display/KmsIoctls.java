package dev.uvgem.drivers.display;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.drivers.drm.DrmDevice;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.drm.DrmIoctlDesc;
import dev.uvgem.drivers.drm.DrmIoctlHandler;
import dev.uvgem.drivers.drm.DrmPendingEvent;
import dev.uvgem.drivers.drm.GemObject;
import dev.uvgem.uapi.CString;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.DrmWaitVblank;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.ModeCardRes;
import dev.uvgem.uapi.ModeCrtc;
import dev.uvgem.uapi.ModeCrtcPageFlip;
import dev.uvgem.uapi.ModeFbCmd2;
import dev.uvgem.uapi.ModeGetBlob;
import dev.uvgem.uapi.ModeGetConnector;
import dev.uvgem.uapi.ModeGetEncoder;
import dev.uvgem.uapi.ModeGetPlane;
import dev.uvgem.uapi.ModeGetPlaneRes;
import dev.uvgem.uapi.ModeGetProperty;
import dev.uvgem.uapi.ModeModeInfo;
import dev.uvgem.uapi.ModeObjGetProperties;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The KMS ioctls of the DRM core as the virtual display serves them, with the kernel's checks in the kernel's
 * order: the mode-resource getters ({@code drm_mode_config.c}, {@code drm_connector.c}, {@code drm_crtc.c},
 * {@code drm_encoder.c}, {@code drm_plane.c}, {@code drm_property.c}, {@code drm_mode_object.c}) with the
 * two-call count protocol, ADDFB2 and RMFB ({@code drm_framebuffer.c}, {@code drm_gem_framebuffer_helper.c}),
 * PAGE_FLIP ({@code drm_plane.c} through {@code drm_atomic_helper_page_flip}), WAIT_VBLANK ({@code drm_vblank.c})
 * and ATOMIC ({@link AtomicCommit}).
 *
 * <p>Thread-safety: stateless; each handler takes the locks of the objects it touches.
 */
final class KmsIoctls {
    /** How long a WAIT_VBLANK without an event waits before EBUSY: 3 s. */
    static final long WAIT_VBLANK_TIMEOUT_NANOS = 3_000_000_000L;

    private static final long U32_MAX = 0xFFFF_FFFFL;

    private KmsIoctls() {}

    /** Installs the handlers on {@code drm}, replacing the core's not-a-modesetting-driver answers. */
    static void install(DrmDevice drm) {
        add(drm, DrmMode.IOCTL_GETRESOURCES, 0, "DRM_IOCTL_MODE_GETRESOURCES", KmsIoctls::getResources);
        add(drm, DrmMode.IOCTL_GETCRTC, 0, "DRM_IOCTL_MODE_GETCRTC", KmsIoctls::getCrtc);
        add(drm, DrmMode.IOCTL_GETENCODER, 0, "DRM_IOCTL_MODE_GETENCODER", KmsIoctls::getEncoder);
        add(drm, DrmMode.IOCTL_GETCONNECTOR, 0, "DRM_IOCTL_MODE_GETCONNECTOR", KmsIoctls::getConnector);
        add(drm, DrmMode.IOCTL_GETPROPERTY, 0, "DRM_IOCTL_MODE_GETPROPERTY", KmsIoctls::getProperty);
        add(drm, DrmMode.IOCTL_GETPROPBLOB, 0, "DRM_IOCTL_MODE_GETPROPBLOB", KmsIoctls::getBlob);
        add(drm, DrmMode.IOCTL_GETPLANERESOURCES, 0, "DRM_IOCTL_MODE_GETPLANERESOURCES", KmsIoctls::getPlaneRes);
        add(drm, DrmMode.IOCTL_GETPLANE, 0, "DRM_IOCTL_MODE_GETPLANE", KmsIoctls::getPlane);
        add(drm, DrmMode.IOCTL_OBJ_GETPROPERTIES, 0, "DRM_IOCTL_MODE_OBJ_GETPROPERTIES", KmsIoctls::objGetProps);
        add(drm, DrmMode.IOCTL_ADDFB2, 0, "DRM_IOCTL_MODE_ADDFB2", KmsIoctls::addFb2);
        add(drm, DrmMode.IOCTL_RMFB, 0, "DRM_IOCTL_MODE_RMFB", KmsIoctls::rmFb);
        add(drm, DrmMode.IOCTL_PAGE_FLIP, DrmIoctlDesc.MASTER, "DRM_IOCTL_MODE_PAGE_FLIP", KmsIoctls::pageFlip);
        add(drm, DrmMode.IOCTL_WAIT_VBLANK, 0, "DRM_IOCTL_WAIT_VBLANK", KmsIoctls::waitVblank);
        add(drm, DrmMode.IOCTL_ATOMIC, DrmIoctlDesc.MASTER, "DRM_IOCTL_MODE_ATOMIC", AtomicCommit::ioctl);
    }

    private static void add(DrmDevice drm, int cmd, int flags, String name, DrmIoctlHandler handler) {
        drm.registerCoreIoctl(new DrmIoctlDesc(cmd, flags, name, handler));
    }

    /** Returns the display behind {@code file}. */
    static VkmsDevice vkms(DrmFile file) {
        return ((VkmsDriver) file.device().driver()).device();
    }

    private static <T extends ModeObject> T find(DrmFile file, int id, int type, Class<T> cls) {
        ModeObject o = vkms(file).config().find(id, type);
        if (o == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        return cls.cast(o);
    }

    // ---------------------------------------------------------------- getters

    /** GETRESOURCES: the file's framebuffers, then the size limits, CRTCs, encoders and connectors. */
    static long getResources(DrmFile file, ByteBuffer data, Task task) {
        VkmsDevice d = vkms(file);
        ModeCardRes r = ModeCardRes.read(data);
        data.putInt(
                32, UserCopy.putIds(task, r.fbIdPtr(), r.countFbs(), d.config().fbIds(file)));
        data.putInt(48, ModeConfig.MIN_SIZE).putInt(52, ModeConfig.MAX_SIZE);
        data.putInt(56, ModeConfig.MIN_SIZE).putInt(60, ModeConfig.MAX_SIZE);
        data.putInt(
                36,
                UserCopy.putIds(
                        task, r.crtcIdPtr(), r.countCrtcs(), List.of(d.crtc().id())));
        data.putInt(
                44,
                UserCopy.putIds(
                        task,
                        r.encoderIdPtr(),
                        r.countEncoders(),
                        List.of(d.encoder().id())));
        data.putInt(
                40,
                UserCopy.putIds(
                        task,
                        r.connectorIdPtr(),
                        r.countConnectors(),
                        List.of(d.connector().id())));
        return 0;
    }

    /** GETCRTC: the primary plane's framebuffer and source position, and the (always valid) mode. */
    static long getCrtc(DrmFile file, ByteBuffer data, Task task) {
        ModeCrtc req = ModeCrtc.read(data);
        Crtc crtc = find(file, req.crtcId(), DrmMode.OBJECT_CRTC, Crtc.class);
        PlaneState s = crtc.planeState();
        new ModeCrtc(
                        req.setConnectorsPtr(),
                        req.countConnectors(),
                        crtc.id(),
                        s.fb() == null ? 0 : s.fb().id(),
                        (int) (s.srcX() >>> 16),
                        (int) (s.srcY() >>> 16),
                        0,
                        1,
                        crtc.mode().toModeInfo())
                .write(data);
        return 0;
    }

    /** GETENCODER: its type, CRTC and masks. */
    static long getEncoder(DrmFile file, ByteBuffer data, Task task) {
        Encoder e = find(file, ModeGetEncoder.read(data).encoderId(), DrmMode.OBJECT_ENCODER, Encoder.class);
        new ModeGetEncoder(e.id(), DrmMode.ENCODER_VIRTUAL, e.crtc().id(), e.possibleCrtcs(), 0).write(data);
        return 0;
    }

    /**
     * GETCONNECTOR: encoders and modes are copied only when the whole list fits (all or nothing), properties one
     * by one while they fit; every count comes back as the real number.
     */
    static long getConnector(DrmFile file, ByteBuffer data, Task task) {
        ModeGetConnector req = ModeGetConnector.read(data);
        Connector c = find(file, req.connectorId(), DrmMode.OBJECT_CONNECTOR, Connector.class);
        int encoders = 1;
        if (Integer.compareUnsigned(req.countEncoders(), encoders) >= 0) {
            UserCopy.putU32(task, req.encodersPtr(), 0, c.encoder().id());
        }
        data.putInt(40, encoders)
                .putInt(48, c.id())
                .putInt(52, DrmMode.CONNECTOR_VIRTUAL)
                .putInt(56, 1);
        data.putInt(64, 0).putInt(68, 0).putInt(72, 0).putInt(60, DrmMode.CONNECTED);
        List<DisplayMode> modes = c.modes();
        if (Integer.compareUnsigned(req.countModes(), modes.size()) >= 0) {
            for (int i = 0; i < modes.size(); i++) {
                task.user()
                        .write(
                                req.modesPtr() + (long) i * ModeModeInfo.SIZE,
                                modes.get(i).toModeInfo().toBytes());
            }
        }
        data.putInt(32, modes.size()).putInt(44, c.encoder().id());
        data.putInt(36, putProperties(task, c, file.atomic(), req.propsPtr(), req.propValuesPtr(), req.countProps()));
        return 0;
    }

    /**
     * Copies {@code object}'s properties (atomic-only ones only for atomic clients) while they fit, as {@code
     * drm_mode_object_get_properties}, and returns their number.
     */
    private static int putProperties(Task task, ModeObject object, boolean atomic, long ids, long values, int cap) {
        int count = 0;
        for (Property p : object.properties()) {
            if (p.isAtomic() && !atomic) {
                continue;
            }
            if (Integer.compareUnsigned(cap, count) > 0) {
                long value = object.propertyValue(p);
                UserCopy.putU32(task, ids, count, p.id());
                UserCopy.putU64(task, values, count, value);
            }
            count++;
        }
        return count;
    }

    /** GETPROPERTY: name, flags, values while they fit, enum entries while they fit (none for a blob). */
    static long getProperty(DrmFile file, ByteBuffer data, Task task) {
        ModeGetProperty req = ModeGetProperty.read(data);
        Property p = vkms(file).config().findProperty(req.propId());
        if (p == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        CString.put(data, 24, DrmMode.PROP_NAME_LEN, p.name());
        data.putInt(20, p.flags());
        long[] values = p.values();
        for (int i = 0; i < values.length; i++) {
            if (Integer.compareUnsigned(i, req.countValues()) < 0) {
                UserCopy.putU64(task, req.valuesPtr(), i, values[i]);
            }
        }
        data.putInt(56, values.length);
        if (p.isEnum()) {
            int count = 0;
            for (Property.EnumEntry e : p.enums()) {
                count++;
                if (Integer.compareUnsigned(req.countEnumBlobs(), count) < 0) {
                    continue;
                }
                long at = req.enumBlobPtr() + (long) (count - 1) * ModeGetProperty.ENUM_SIZE;
                UserCopy.putU64(task, at, 0, e.value());
                byte[] name = Arrays.copyOf(e.name().getBytes(StandardCharsets.UTF_8), DrmMode.PROP_NAME_LEN);
                task.user().write(at + 8, name);
            }
            data.putInt(60, count);
        }
        if (p.isBlob()) {
            data.putInt(60, 0);
        }
        return 0;
    }

    /** GETPROPBLOB: the bytes only when the buffer has exactly the blob's length (ENOENT for an unknown blob). */
    static long getBlob(DrmFile file, ByteBuffer data, Task task) {
        ModeGetBlob req = ModeGetBlob.read(data);
        if (!(vkms(file).config().find(req.blobId(), DrmMode.OBJECT_BLOB) instanceof PropertyBlob blob)) {
            throw new ErrnoException(Errno.ENOENT);
        }
        byte[] bytes = blob.data();
        if (req.length() == bytes.length) {
            task.user().write(req.data(), bytes);
        }
        data.putInt(4, bytes.length);
        return 0;
    }

    /** GETPLANERESOURCES: the primary plane is listed only to clients that enabled universal planes. */
    static long getPlaneRes(DrmFile file, ByteBuffer data, Task task) {
        ModeGetPlaneRes req = ModeGetPlaneRes.read(data);
        List<Integer> ids = file.universalPlanes() ? List.of(vkms(file).plane().id()) : List.of();
        data.putInt(8, UserCopy.putIds(task, req.planeIdPtr(), req.countPlanes(), ids));
        return 0;
    }

    /** GETPLANE: its CRTC and framebuffer, masks, and the formats when the whole list fits. */
    static long getPlane(DrmFile file, ByteBuffer data, Task task) {
        ModeGetPlane req = ModeGetPlane.read(data);
        Plane plane = find(file, req.planeId(), DrmMode.OBJECT_PLANE, Plane.class);
        PlaneState s = plane.state();
        int formats = Plane.FORMATS.size();
        new ModeGetPlane(
                        plane.id(),
                        s.crtc() == null ? 0 : s.crtc().id(),
                        s.fb() == null ? 0 : s.fb().id(),
                        plane.possibleCrtcs(),
                        0,
                        req.countFormatTypes(),
                        req.formatTypePtr())
                .write(data);
        if (Integer.compareUnsigned(req.countFormatTypes(), formats) >= 0) {
            byte[] out = new byte[4 * formats];
            ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < formats; i++) {
                b.putInt(4 * i, Plane.FORMATS.get(i));
            }
            task.user().write(req.formatTypePtr(), out);
        }
        data.putInt(20, formats);
        return 0;
    }

    /** OBJ_GETPROPERTIES: an unknown object (or one of another type) is ENOENT, one without properties EINVAL. */
    static long objGetProps(DrmFile file, ByteBuffer data, Task task) {
        ModeObjGetProperties req = ModeObjGetProperties.read(data);
        ModeObject o = vkms(file).config().find(req.objId(), req.objType());
        if (o == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if (o.properties().isEmpty()) {
            throw new ErrnoException(Errno.EINVAL);
        }
        data.putInt(16, putProperties(task, o, file.atomic(), req.propsPtr(), req.propValuesPtr(), req.countProps()));
        return 0;
    }

    // ---------------------------------------------------------------- framebuffers

    /**
     * ADDFB2, as {@code drm_internal_framebuffer_create}, {@code framebuffer_check} and {@code
     * drm_gem_fb_init_with_funcs}: flags, size limits, a known single-plane 32-bit format, modifiers, the handle,
     * pitch and size arithmetic (EINVAL / ERANGE), then the GEM object (ENOENT) large enough (EINVAL).
     */
    static long addFb2(DrmFile file, ByteBuffer data, Task task) {
        ModeFbCmd2 r = ModeFbCmd2.read(data);
        boolean modifiers = (r.flags() & DrmMode.FB_MODIFIERS) != 0;
        if ((r.flags() & ~(DrmMode.FB_INTERLACED | DrmMode.FB_MODIFIERS)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        checkSize(r.width());
        checkSize(r.height());
        int[] handles = r.handles();
        int[] pitches = r.pitches();
        int[] offsets = r.offsets();
        long[] mods = r.modifier();
        if (!Plane.FORMATS.contains(r.pixelFormat())) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (mods[0] != 0 && !modifiers) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long width = r.width() & U32_MAX;
        long height = r.height() & U32_MAX;
        long minPitch = width * 4;
        long pitch = pitches[0] & U32_MAX;
        long offset = offsets[0] & U32_MAX;
        if (handles[0] == 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (minPitch > U32_MAX || height * pitch + offset > U32_MAX) {
            throw new ErrnoException(Errno.ERANGE);
        }
        if (pitch < minPitch || (modifiers && mods[0] != DrmMode.FORMAT_MOD_LINEAR)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        for (int i = 1; i < ModeFbCmd2.PLANES; i++) {
            if (mods[i] != 0 || (modifiers && (handles[i] != 0 || pitches[i] != 0 || offsets[i] != 0))) {
                throw new ErrnoException(Errno.EINVAL);
            }
        }
        GemObject obj = file.lookup(handles[0], Errno.ENOENT);
        try {
            if (obj.size() < (height - 1) * pitch + minPitch + offset) {
                throw new ErrnoException(Errno.EINVAL);
            }
            Framebuffer fb = vkms(file)
                    .config()
                    .addFb(
                            file,
                            id -> new Framebuffer(
                                    id,
                                    obj.get(),
                                    r.width(),
                                    r.height(),
                                    r.pixelFormat(),
                                    (int) pitch,
                                    (int) offset,
                                    mods[0]));
            data.putInt(0, fb.id());
            return 0;
        } finally {
            obj.put();
        }
    }

    private static void checkSize(int size) {
        if (Integer.compareUnsigned(size, ModeConfig.MIN_SIZE) < 0
                || Integer.compareUnsigned(size, ModeConfig.MAX_SIZE) > 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    /** RMFB: only the file that added a framebuffer may remove it (ENOENT otherwise); a shown one turns the plane off. */
    static long rmFb(DrmFile file, ByteBuffer data, Task task) {
        VkmsDevice d = vkms(file);
        Framebuffer fb = d.config().removeFb(file, data.getInt(0));
        if (fb == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        d.crtc().disablePlaneUsing(fb);
        fb.release();
        return 0;
    }

    // ---------------------------------------------------------------- page flip

    /**
     * PAGE_FLIP, as {@code drm_mode_page_flip_ioctl} over {@code drm_atomic_helper_page_flip}: flags and target
     * checks (no CRTC here has {@code page_flip_target}, so TARGET flags are EINVAL; no async flips), the CRTC
     * (ENOENT), a plane that shows nothing (EBUSY), the framebuffer (ENOENT), its fit (ENOSPC) and format
     * (EINVAL), the event's space (ENOMEM), then a nonblocking commit: EBUSY while a flip is pending.
     */
    static long pageFlip(DrmFile file, ByteBuffer data, Task task) {
        ModeCrtcPageFlip pf = ModeCrtcPageFlip.read(data);
        int flags = pf.flags();
        int target = flags & (DrmMode.PAGE_FLIP_TARGET_ABSOLUTE | DrmMode.PAGE_FLIP_TARGET_RELATIVE);
        if ((flags & ~DrmMode.PAGE_FLIP_FLAGS) != 0
                || (pf.sequence() != 0 && target == 0)
                || target == (DrmMode.PAGE_FLIP_TARGET_ABSOLUTE | DrmMode.PAGE_FLIP_TARGET_RELATIVE)
                || (flags & DrmMode.PAGE_FLIP_ASYNC) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Crtc crtc = find(file, pf.crtcId(), DrmMode.OBJECT_CRTC, Crtc.class);
        if (target != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        PlaneState old = crtc.planeState();
        if (old.fb() == null) {
            throw new ErrnoException(Errno.EBUSY);
        }
        Framebuffer fb = vkms(file).config().lookupFb(pf.fbId());
        if (fb == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        DrmPendingEvent event = null;
        boolean queued = false;
        try {
            checkSrcCoords(old, fb);
            if (old.fb().format() != fb.format()) {
                throw new ErrnoException(Errno.EINVAL);
            }
            if ((flags & DrmMode.PAGE_FLIP_EVENT) != 0) {
                event = DrmPendingEvent.reserve(file, DrmEventVblank.SIZE, null);
            }
            PlaneState next = old.withFb(fb).withFence(null);
            crtc.primary().check(next);
            Fence fence = PendingFlip.prepareFb(next);
            crtc.queue(new PendingFlip(crtc, next.withFence(fence), fence, event, pf.userData(), true));
            queued = true;
            return 0;
        } finally {
            if (!queued) {
                if (event != null) {
                    event.cancel();
                }
                fb.release();
            }
        }
    }

    /** The source rectangle must lie inside the framebuffer, as {@code drm_framebuffer_check_src_coords}: ENOSPC. */
    static void checkSrcCoords(PlaneState s, Framebuffer fb) {
        long fbW = (long) fb.width() << 16;
        long fbH = (long) fb.height() << 16;
        if (s.srcW() > fbW || s.srcX() > fbW - s.srcW() || s.srcH() > fbH || s.srcY() > fbH - s.srcH()) {
            throw new ErrnoException(Errno.ENOSPC);
        }
    }

    // ---------------------------------------------------------------- vblank

    /**
     * WAIT_VBLANK, as {@code drm_wait_vblank_ioctl}: SIGNAL and unknown type bits are EINVAL, a pipe other than 0
     * EINVAL; the target (relative turned absolute, absolute widened to 64 bits, NEXTONMISS moved to the next
     * vblank) is written back into the request; with EVENT a VBLANK event is queued (ENOMEM beyond the budget) and
     * the reply's sequence is the target (or the current count if passed); otherwise the call waits up to 3 s
     * (EBUSY on timeout, EINTR if interrupted) and replies with the count and its time.
     */
    static long waitVblank(DrmFile file, ByteBuffer data, Task task) {
        DrmWaitVblank req = DrmWaitVblank.read(data);
        int type = req.type();
        if ((type & DrmMode.VBLANK_SIGNAL) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if ((type & ~(DrmMode.VBLANK_TYPES_MASK | DrmMode.VBLANK_FLAGS_MASK | DrmMode.VBLANK_HIGH_CRTC_MASK)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int flags = type & DrmMode.VBLANK_FLAGS_MASK;
        int highPipe = type & DrmMode.VBLANK_HIGH_CRTC_MASK;
        int pipe = highPipe != 0
                ? highPipe >>> DrmMode.VBLANK_HIGH_CRTC_SHIFT
                : (flags & DrmMode.VBLANK_SECONDARY) != 0 ? 1 : 0;
        if (pipe >= 1) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Crtc crtc = vkms(file).crtc();
        long seq = crtc.vblankCount();
        long target;
        if ((type & DrmMode.VBLANK_RELATIVE) != 0) {
            target = seq + (req.sequence() & U32_MAX);
            type &= ~DrmMode.VBLANK_RELATIVE;
        } else {
            target = seq + (int) (req.sequence() - (int) seq);
        }
        if ((flags & DrmMode.VBLANK_NEXTONMISS) != 0 && Crtc.passed(seq, target)) {
            target = seq + 1;
            type &= ~DrmMode.VBLANK_NEXTONMISS;
        }
        data.putInt(0, type).putInt(4, (int) target);
        if ((flags & DrmMode.VBLANK_EVENT) != 0) {
            DrmPendingEvent event = DrmPendingEvent.reserve(file, DrmEventVblank.SIZE, null);
            long reply = crtc.queueVblankEvent(new VblankEvent(file, event, target, req.signal(), crtc.id()));
            data.putInt(4, (int) reply);
            return 0;
        }
        boolean reached = true;
        if (target != seq) {
            Clock clock = crtc.clock();
            reached = crtc.awaitVblank(target, Clock.deadlineAfter(clock.nanoTime(), WAIT_VBLANK_TIMEOUT_NANOS));
        }
        long now = crtc.vblankCount();
        long usec = crtc.vblankTime(now) / 1000;
        data.putInt(4, (int) now).putLong(8, (usec / 1_000_000) & U32_MAX).putLong(16, usec % 1_000_000);
        if (!reached) {
            throw new ErrnoException(Errno.EBUSY);
        }
        return 0;
    }
}
