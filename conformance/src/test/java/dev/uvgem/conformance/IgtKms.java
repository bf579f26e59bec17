package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtVgem.O_CLOEXEC;
import static dev.uvgem.conformance.IgtVgem.O_RDWR;
import static dev.uvgem.conformance.IgtVgem.le;
import static dev.uvgem.conformance.IgtVgem.ok;

import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.DrmSetClientCap;
import dev.uvgem.uapi.DrmWaitVblank;
import dev.uvgem.uapi.ModeAtomic;
import dev.uvgem.uapi.ModeCardRes;
import dev.uvgem.uapi.ModeCrtcPageFlip;
import dev.uvgem.uapi.ModeFbCmd2;
import dev.uvgem.uapi.ModeGetPlaneRes;
import dev.uvgem.uapi.ModeGetProperty;
import dev.uvgem.uapi.ModeObjGetProperties;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IGT's KMS helpers ({@code lib/igt_kms.c}, libdrm's {@code xf86drmMode.c}) for the virtual display, as raw
 * ioctls over {@link Syscalls}: open the display, enable the atomic cap, find its objects and property ids, add
 * framebuffers over PRIME-imported dma-bufs, flip, commit atomically (the arrays laid out in the user window), wait
 * for vblanks and read events.
 *
 * <p>Thread-safety: an {@link Output} is a value once built; the helpers are safe wherever the syscalls are.
 */
final class IgtKms {
    /** Where the user window starts. */
    static final long BASE = Syscalls.USER_BASE;

    private IgtKms() {}

    /** Opens the display's node ({@code drm_open_driver_master(DRIVER_ANY)} on card1). */
    static int drmOpenDisplay(Syscalls sys) {
        return (int) ok(sys.open(Uvgem.CARD1, O_RDWR | O_CLOEXEC));
    }

    /** SET_CLIENT_CAP: 0 or -errno. */
    static long trySetClientCap(Syscalls sys, int fd, long cap, long value) {
        byte[] arg = new byte[DrmSetClientCap.SIZE];
        new DrmSetClientCap(cap, value).write(le(arg));
        return sys.ioctl(fd, DrmMode.IOCTL_SET_CLIENT_CAP, arg, null);
    }

    /** The display's objects and the property ids an atomic client uses. */
    record Output(int crtc, int connector, int encoder, int plane, Map<String, Integer> props) {
        int prop(String name) {
            return props.get(name);
        }
    }

    /** Enables atomic and finds the CRTC, connector, encoder, primary plane and their property ids. */
    static Output output(Syscalls sys, int fd) {
        ok(trySetClientCap(sys, fd, DrmMode.CLIENT_CAP_ATOMIC, 1));
        byte[] res = new byte[ModeCardRes.SIZE];
        byte[] user = new byte[64];
        new ModeCardRes(0, BASE, BASE + 16, BASE + 32, 0, 1, 1, 1, 0, 0, 0, 0).write(le(res));
        ok(sys.ioctl(fd, DrmMode.IOCTL_GETRESOURCES, res, user));
        ByteBuffer u = le(user);
        int crtc = u.getInt(0);
        int connector = u.getInt(16);
        int encoder = u.getInt(32);
        byte[] planes = new byte[ModeGetPlaneRes.SIZE];
        new ModeGetPlaneRes(BASE, 1).write(le(planes));
        ok(sys.ioctl(fd, DrmMode.IOCTL_GETPLANERESOURCES, planes, user));
        int plane = le(user).getInt(0);
        Map<String, Integer> props = new HashMap<>();
        props.putAll(propertyIds(sys, fd, plane, DrmMode.OBJECT_PLANE));
        props.put(
                "OUT_FENCE_PTR", propertyIds(sys, fd, crtc, DrmMode.OBJECT_CRTC).get("OUT_FENCE_PTR"));
        return new Output(crtc, connector, encoder, plane, Map.copyOf(props));
    }

    /** OBJ_GETPROPERTIES then GETPROPERTY of each: the object's property ids by name. */
    static Map<String, Integer> propertyIds(Syscalls sys, int fd, int obj, int type) {
        byte[] arg = new byte[ModeObjGetProperties.SIZE];
        byte[] user = new byte[1024];
        new ModeObjGetProperties(BASE, BASE + 256, 64, obj, type).write(le(arg));
        ok(sys.ioctl(fd, DrmMode.IOCTL_OBJ_GETPROPERTIES, arg, user));
        int count = ModeObjGetProperties.read(le(arg)).countProps();
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < count; i++) {
            int id = le(user).getInt(4 * i);
            byte[] p = new byte[ModeGetProperty.SIZE];
            new ModeGetProperty(0, 0, id, 0, "", 0, 0).write(le(p));
            ok(sys.ioctl(fd, DrmMode.IOCTL_GETPROPERTY, p, null));
            out.put(ModeGetProperty.read(le(p)).name(), id);
        }
        return out;
    }

    /** PRIME_FD_TO_HANDLE on the display: the handle. */
    static int primeImport(Syscalls sys, int fd, int dmabuf) {
        byte[] arg = new byte[DrmPrimeHandle.SIZE];
        new DrmPrimeHandle(0, 0, dmabuf).write(le(arg));
        ok(sys.ioctl(fd, Drm.IOCTL_PRIME_FD_TO_HANDLE, arg, null));
        return DrmPrimeHandle.read(le(arg)).handle();
    }

    /** ADDFB2 of an XRGB8888 framebuffer: the id or -errno. */
    static long tryAddFb(Syscalls sys, int fd, int width, int height, int handle, int pitch) {
        byte[] arg = new byte[ModeFbCmd2.SIZE];
        ModeFbCmd2.singlePlane(width, height, DrmMode.FORMAT_XRGB8888, handle, pitch)
                .write(le(arg));
        long r = sys.ioctl(fd, DrmMode.IOCTL_ADDFB2, arg, null);
        return r < 0 ? r : ModeFbCmd2.read(le(arg)).fbId();
    }

    /** PAGE_FLIP: 0 or -errno. */
    static long tryPageFlip(Syscalls sys, int fd, int crtc, int fb, int flags, long userData) {
        byte[] arg = new byte[ModeCrtcPageFlip.SIZE];
        new ModeCrtcPageFlip(crtc, fb, flags, 0, userData).write(le(arg));
        return sys.ioctl(fd, DrmMode.IOCTL_PAGE_FLIP, arg, null);
    }

    /** Property values of one atomic request, by object then property, in insertion order. */
    static final class Request {
        final Map<Integer, Map<Integer, Long>> objects = new LinkedHashMap<>();

        Request set(int obj, int prop, long value) {
            objects.computeIfAbsent(obj, o -> new LinkedHashMap<>()).put(prop, value);
            return this;
        }

        /** The plane properties that show {@code fb} full screen ({@code width x height}). */
        static Request show(Output o, int fb, int width, int height) {
            return new Request()
                    .set(o.plane(), o.prop("FB_ID"), fb)
                    .set(o.plane(), o.prop("CRTC_ID"), o.crtc())
                    .set(o.plane(), o.prop("SRC_X"), 0)
                    .set(o.plane(), o.prop("SRC_Y"), 0)
                    .set(o.plane(), o.prop("SRC_W"), (long) width << 16)
                    .set(o.plane(), o.prop("SRC_H"), (long) height << 16)
                    .set(o.plane(), o.prop("CRTC_X"), 0)
                    .set(o.plane(), o.prop("CRTC_Y"), 0)
                    .set(o.plane(), o.prop("CRTC_W"), width)
                    .set(o.plane(), o.prop("CRTC_H"), height);
        }
    }

    /** The user window offsets an atomic request is laid out at (objects, counts, ids, values, a spare s32). */
    static final int OBJS = 0;

    static final int COUNTS = 64;
    static final int IDS = 128;
    static final int VALUES = 512;
    /** A spare word of the window, for OUT_FENCE_PTR. */
    static final int SPARE = 1536;

    /**
     * ATOMIC with {@code req} laid out in {@code user} (2048 bytes) at the offsets above; {@code reserved} goes in
     * the reserved field. 0 or -errno.
     */
    static long tryAtomic(Syscalls sys, int fd, int flags, long userData, Request req, long reserved, byte[] user) {
        ByteBuffer u = le(user);
        int i = 0;
        int j = 0;
        for (var e : req.objects.entrySet()) {
            u.putInt(OBJS + 4 * i, e.getKey());
            u.putInt(COUNTS + 4 * i, e.getValue().size());
            i++;
            for (var pv : e.getValue().entrySet()) {
                u.putInt(IDS + 4 * j, pv.getKey());
                u.putLong(VALUES + 8 * j, pv.getValue());
                j++;
            }
        }
        byte[] arg = new byte[ModeAtomic.SIZE];
        new ModeAtomic(flags, i, BASE + OBJS, BASE + COUNTS, BASE + IDS, BASE + VALUES, reserved, userData)
                .write(le(arg));
        return sys.ioctl(fd, DrmMode.IOCTL_ATOMIC, arg, user);
    }

    /** ATOMIC with a fresh window: 0 or -errno. */
    static long tryAtomic(Syscalls sys, int fd, int flags, Request req) {
        return tryAtomic(sys, fd, flags, 0, req, 0, new byte[2048]);
    }

    /** WAIT_VBLANK: the union after the call, or null with the errno in {@code result[0]}. */
    static DrmWaitVblank waitVblank(Syscalls sys, int fd, int type, int sequence, long signal, long[] result) {
        byte[] arg = new byte[DrmWaitVblank.SIZE];
        new DrmWaitVblank(type, sequence, signal, 0).write(le(arg));
        result[0] = sys.ioctl(fd, DrmMode.IOCTL_WAIT_VBLANK, arg, null);
        return DrmWaitVblank.read(le(arg));
    }

    /** read(2) of events into a {@code size}-byte buffer: the events (empty if 0 bytes came back). */
    static List<DrmEventVblank> readEvents(Syscalls sys, int fd, int size) {
        byte[] buf = new byte[size];
        int n = (int) ok(sys.read(fd, buf, 0, size));
        List<DrmEventVblank> out = new ArrayList<>();
        for (int at = 0; at < n; at += DrmEventVblank.SIZE) {
            out.add(DrmEventVblank.read(le(buf), at));
        }
        return out;
    }
}
