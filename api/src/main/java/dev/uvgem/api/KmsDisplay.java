package dev.uvgem.api;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.DrmSetClientCap;
import dev.uvgem.uapi.DrmWaitVblank;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.ModeAtomic;
import dev.uvgem.uapi.ModeCardRes;
import dev.uvgem.uapi.ModeCrtcPageFlip;
import dev.uvgem.uapi.ModeFbCmd2;
import dev.uvgem.uapi.ModeGetConnector;
import dev.uvgem.uapi.ModeGetPlaneRes;
import dev.uvgem.uapi.ModeGetProperty;
import dev.uvgem.uapi.ModeModeInfo;
import dev.uvgem.uapi.ModeObjGetProperties;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An open virtual display ({@code /dev/dri/card1}, the vkms driver): import dma-bufs as framebuffers, flip them
 * with PAGE_FLIP or ATOMIC (with in- and out-fences), read the flip and vblank events, wait for vblanks. The file
 * that opens the display first is its DRM master, the only one allowed to flip.
 *
 * <pre>{@code
 * try (KmsDisplay display = uvgem.openDisplay()) {
 *     int fb = display.addFramebuffer(dmabuf, 640, 480, 640 * 4);   // a vgem dma-buf, PRIME-imported
 *     display.commit(fb, null, KmsDisplay.ATOMIC_NONBLOCK | KmsDisplay.PAGE_FLIP_EVENT, 1, false);
 *     display.readEvents(Duration.ofSeconds(1));                    // the FLIP_COMPLETE event
 *     display.pageFlip(fb2, 2);                                     // waits (implicitly) for fb2's write fences
 * }
 * }</pre>
 *
 * <p>On construction the file enables the atomic client capability (which also exposes the primary plane) and
 * looks up the display's objects and property ids.
 *
 * <p>Thread-safety: safe for concurrent use; a thread blocked in {@link #readEvents} or {@link #waitVblank} holds
 * up no other.
 */
public final class KmsDisplay extends UvgemFile {
    /** Flag: send a FLIP_COMPLETE event when the commit or flip is shown. */
    public static final int PAGE_FLIP_EVENT = DrmMode.PAGE_FLIP_EVENT;
    /** Atomic flag: check the commit only. */
    public static final int ATOMIC_TEST_ONLY = DrmMode.ATOMIC_TEST_ONLY;
    /** Atomic flag: return at once (EBUSY while an earlier commit has not been shown). */
    public static final int ATOMIC_NONBLOCK = DrmMode.ATOMIC_NONBLOCK;
    /** Event type: a vblank event (from {@link #requestVblankEvent}). */
    public static final int EVENT_VBLANK = DrmMode.EVENT_VBLANK;
    /** Event type: a flip or commit was shown. */
    public static final int EVENT_FLIP_COMPLETE = DrmMode.EVENT_FLIP_COMPLETE;

    private static final int USER_WINDOW = 4096;

    private final int crtcId;
    private final int connectorId;
    private final int planeId;
    private final Mode mode;
    private final Map<String, Integer> planeProps;
    private final Map<String, Integer> crtcProps;

    /**
     * The display's mode.
     *
     * @param width visible pixels per line
     * @param height visible lines
     * @param refreshHz refresh rate
     */
    public record Mode(int width, int height, int refreshHz) {}

    /**
     * A DRM event read from the display.
     *
     * @param type {@link #EVENT_FLIP_COMPLETE} or {@link #EVENT_VBLANK}
     * @param userData the user data of the request
     * @param sequence the vblank count it was sent at
     * @param timestampNanos that vblank's CLOCK_MONOTONIC time, microsecond resolution
     * @param crtcId the CRTC
     */
    public record Event(int type, long userData, long sequence, long timestampNanos, int crtcId) {}

    /**
     * A vblank reached by {@link #waitVblank}.
     *
     * @param sequence the vblank count
     * @param timestampNanos its CLOCK_MONOTONIC time, microsecond resolution
     */
    public record Vblank(long sequence, long timestampNanos) {}

    KmsDisplay(Syscalls sys, int fd) {
        super(sys, fd);
        setClientCap(DrmMode.CLIENT_CAP_ATOMIC, 1);
        byte[] res = new byte[ModeCardRes.SIZE];
        byte[] user = new byte[USER_WINDOW];
        long base = Syscalls.USER_BASE;
        new ModeCardRes(0, base, base + 16, base + 32, 0, 4, 4, 4, 0, 0, 0, 0).write(Check.le(res));
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_GETRESOURCES, res, user));
        ByteBuffer u = Check.le(user);
        this.crtcId = u.getInt(0);
        this.connectorId = u.getInt(16);
        byte[] planes = new byte[ModeGetPlaneRes.SIZE];
        new ModeGetPlaneRes(base, 4).write(Check.le(planes));
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_GETPLANERESOURCES, planes, user));
        this.planeId = Check.le(user).getInt(0);
        this.mode = readMode();
        this.planeProps = properties(planeId, DrmMode.OBJECT_PLANE);
        this.crtcProps = properties(crtcId, DrmMode.OBJECT_CRTC);
    }

    private void setClientCap(long cap, long value) {
        byte[] arg = new byte[DrmSetClientCap.SIZE];
        new DrmSetClientCap(cap, value).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_SET_CLIENT_CAP, arg, null));
    }

    private Mode readMode() {
        byte[] arg = new byte[ModeGetConnector.SIZE];
        byte[] user = new byte[USER_WINDOW];
        long base = Syscalls.USER_BASE;
        new ModeGetConnector(0, base, 0, 0, 1, 0, 0, 0, connectorId, 0, 0, 0, 0, 0, 0, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_GETCONNECTOR, arg, user));
        ModeModeInfo m = ModeModeInfo.read(Check.le(user), 0);
        return new Mode(m.hdisplay(), m.vdisplay(), m.vrefresh());
    }

    /** Returns the object's property ids by name (OBJ_GETPROPERTIES, then GETPROPERTY for each). */
    private Map<String, Integer> properties(int objId, int objType) {
        byte[] arg = new byte[ModeObjGetProperties.SIZE];
        byte[] user = new byte[USER_WINDOW];
        long base = Syscalls.USER_BASE;
        int max = 64;
        new ModeObjGetProperties(base, base + 4 * max, max, objId, objType).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_OBJ_GETPROPERTIES, arg, user));
        int count = Math.min(max, ModeObjGetProperties.read(Check.le(arg)).countProps());
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < count; i++) {
            int propId = Check.le(user).getInt(4 * i);
            byte[] p = new byte[ModeGetProperty.SIZE];
            new ModeGetProperty(0, 0, propId, 0, "", 0, 0).write(Check.le(p));
            Check.ok(sys.ioctl(fd, DrmMode.IOCTL_GETPROPERTY, p, null));
            out.put(ModeGetProperty.read(Check.le(p)).name(), propId);
        }
        return Map.copyOf(out);
    }

    /** Returns the display's mode. */
    public Mode mode() {
        return mode;
    }

    /** Returns the CRTC's object id. */
    public int crtcId() {
        return crtcId;
    }

    /** Returns the primary plane's object id. */
    public int planeId() {
        return planeId;
    }

    /**
     * Imports a dma-buf (e.g. a vgem buffer's) as a GEM handle of the display (PRIME_FD_TO_HANDLE); the same
     * dma-buf gives the same handle.
     */
    public int importDmaBuf(DmaBufFd dmabuf) {
        byte[] arg = new byte[DrmPrimeHandle.SIZE];
        new DrmPrimeHandle(0, 0, dmabuf.fd()).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, Drm.IOCTL_PRIME_FD_TO_HANDLE, arg, null));
        return DrmPrimeHandle.read(Check.le(arg)).handle();
    }

    /**
     * Adds an XRGB8888 framebuffer of {@code width x height} with {@code pitch} bytes per line over GEM handle
     * {@code handle} (ADDFB2); returns its id.
     *
     * @throws ErrnoException EINVAL for bad sizes or a buffer too small; ENOENT for an unknown handle
     */
    public int addFramebuffer(int handle, int width, int height, int pitch) {
        byte[] arg = new byte[ModeFbCmd2.SIZE];
        ModeFbCmd2.singlePlane(width, height, DrmMode.FORMAT_XRGB8888, handle, pitch)
                .write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_ADDFB2, arg, null));
        return ModeFbCmd2.read(Check.le(arg)).fbId();
    }

    /** Imports {@code dmabuf} and adds an XRGB8888 framebuffer over it; returns its id. */
    public int addFramebuffer(DmaBufFd dmabuf, int width, int height, int pitch) {
        return addFramebuffer(importDmaBuf(dmabuf), width, height, pitch);
    }

    /** Removes a framebuffer of this file (RMFB); one being shown turns the plane off. */
    public void removeFramebuffer(int fbId) {
        byte[] arg = new byte[4];
        Check.le(arg).putInt(0, fbId);
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_RMFB, arg, null));
    }

    /**
     * Flips to {@code fbId} at the first vblank after the buffer's write fences have signalled (PAGE_FLIP with
     * PAGE_FLIP_EVENT): returns at once; the FLIP_COMPLETE event carries {@code userData}.
     *
     * @throws ErrnoException EBUSY while a flip is pending or before anything was shown; ENOENT for an unknown fb
     */
    public void pageFlip(int fbId, long userData) {
        byte[] arg = new byte[ModeCrtcPageFlip.SIZE];
        new ModeCrtcPageFlip(crtcId, fbId, DrmMode.PAGE_FLIP_EVENT, 0, userData).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_PAGE_FLIP, arg, null));
    }

    /**
     * Shows {@code fbId} full screen with an ATOMIC commit: the plane's FB_ID, CRTC_ID and source and destination
     * rectangles, with {@code inFence} as IN_FENCE_FD (explicit sync: the buffer's implicit write fences are then
     * not waited for), and, if {@code outFence}, an OUT_FENCE_PTR whose sync file is returned.
     *
     * <p>Context: the calling thread; without {@link #ATOMIC_NONBLOCK} it sleeps until the frame is shown
     * (interruptible while it still waits for its fences: EINTR undoes it). Locking: none of its own.
     *
     * @param flags {@link #ATOMIC_NONBLOCK}, {@link #ATOMIC_TEST_ONLY}, {@link #PAGE_FLIP_EVENT}
     * @return the out-fence, or null if not asked for (or a TEST_ONLY commit)
     * @throws ErrnoException EBUSY for a nonblocking commit while another is pending; EINVAL for a bad fence fd
     */
    public SyncFileFd commit(int fbId, SyncFileFd inFence, int flags, long userData, boolean outFence) {
        int[] ids = {
            planeProps.get("FB_ID"),
            planeProps.get("CRTC_ID"),
            planeProps.get("SRC_X"),
            planeProps.get("SRC_Y"),
            planeProps.get("SRC_W"),
            planeProps.get("SRC_H"),
            planeProps.get("CRTC_X"),
            planeProps.get("CRTC_Y"),
            planeProps.get("CRTC_W"),
            planeProps.get("CRTC_H"),
            planeProps.get("IN_FENCE_FD")
        };
        long[] values = {
            fbId,
            crtcId,
            0,
            0,
            (long) mode.width() << 16,
            (long) mode.height() << 16,
            0,
            0,
            mode.width(),
            mode.height(),
            inFence == null ? -1 : inFence.fd()
        };
        long base = Syscalls.USER_BASE;
        long objs = base;
        long counts = base + 8;
        long props = base + 16;
        long vals = base + 128;
        long outPtr = base + 256;
        byte[] user = new byte[512];
        ByteBuffer u = Check.le(user);
        int nObjs = outFence ? 2 : 1;
        u.putInt(0, planeId).putInt(8, ids.length);
        for (int i = 0; i < ids.length; i++) {
            u.putInt(16 + 4 * i, ids[i]);
            u.putLong(128 + 8 * i, values[i]);
        }
        if (outFence) {
            u.putInt(4, crtcId).putInt(12, 1);
            u.putInt(16 + 4 * ids.length, crtcProps.get("OUT_FENCE_PTR"));
            u.putLong(128 + 8 * ids.length, outPtr);
        }
        byte[] arg = new byte[ModeAtomic.SIZE];
        new ModeAtomic(flags, nObjs, objs, counts, props, vals, 0, userData).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_ATOMIC, arg, user));
        int out = u.getInt(256);
        return outFence && out >= 0 ? new SyncFileFd(sys, out) : null;
    }

    /**
     * Waits up to {@code timeout} (null: forever) for events and reads every whole event queued (read(2) on the
     * display fd); an empty list on timeout.
     *
     * <p>Context: the calling thread; sleeps on the kernel clock. Locking: none of its own.
     *
     * @throws ErrnoException EINTR if interrupted
     */
    public List<Event> readEvents(Duration timeout) {
        if ((poll(POLLIN, timeout) & POLLIN) == 0) {
            return List.of();
        }
        byte[] buf = new byte[4096];
        int n = (int) Check.ok(sys.read(fd, buf, 0, buf.length));
        List<Event> out = new ArrayList<>();
        ByteBuffer b = Check.le(buf);
        for (int at = 0; at + DrmEventVblank.SIZE <= n; at += DrmEventVblank.SIZE) {
            DrmEventVblank e = DrmEventVblank.read(b, at);
            long nanos = ((e.tvSec() & 0xFFFF_FFFFL) * 1_000_000L + (e.tvUsec() & 0xFFFF_FFFFL)) * 1000L;
            out.add(new Event(e.type(), e.userData(), e.sequence() & 0xFFFF_FFFFL, nanos, e.crtcId()));
        }
        return out;
    }

    /**
     * Waits for the vblank {@code relative} vblanks from now (WAIT_VBLANK, RELATIVE; 0 is a query).
     *
     * <p>Context: the calling thread; sleeps on the kernel clock, at most 3 s. Locking: none of its own.
     *
     * @throws ErrnoException EBUSY after 3 s; EINTR if interrupted
     */
    public Vblank waitVblank(int relative) {
        byte[] arg = new byte[DrmWaitVblank.SIZE];
        new DrmWaitVblank(DrmMode.VBLANK_RELATIVE, relative, 0, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_WAIT_VBLANK, arg, null));
        DrmWaitVblank r = DrmWaitVblank.read(Check.le(arg));
        long nanos = (r.signal() * 1_000_000L + r.tvalUsec()) * 1000L;
        return new Vblank(r.sequence() & 0xFFFF_FFFFL, nanos);
    }

    /**
     * Asks for a VBLANK event {@code relative} vblanks from now carrying {@code userData} (WAIT_VBLANK with EVENT);
     * returns the target sequence.
     *
     * @throws ErrnoException ENOMEM when the file has 4096 bytes of events pending
     */
    public long requestVblankEvent(int relative, long userData) {
        byte[] arg = new byte[DrmWaitVblank.SIZE];
        new DrmWaitVblank(DrmMode.VBLANK_RELATIVE | DrmMode.VBLANK_EVENT, relative, userData, 0).write(Check.le(arg));
        Check.ok(sys.ioctl(fd, DrmMode.IOCTL_WAIT_VBLANK, arg, null));
        return DrmWaitVblank.read(Check.le(arg)).sequence() & 0xFFFF_FFFFL;
    }
}
