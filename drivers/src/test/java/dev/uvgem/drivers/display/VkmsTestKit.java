package dev.uvgem.drivers.display;

import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.drivers.drm.DrmFile;
import dev.uvgem.drivers.drm.DrmTestKit;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.DrmSetClientCap;
import dev.uvgem.uapi.DrmWaitVblank;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.ModeAtomic;
import dev.uvgem.uapi.ModeCrtcPageFlip;
import dev.uvgem.uapi.ModeFbCmd2;
import dev.uvgem.uapi.Vgem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel with vgem and the virtual display on one virtual clock and one process: helpers to make frames (vgem
 * dumb buffers exported and PRIME-imported into the display, with a framebuffer), commit them atomically, flip
 * them, read events, and watch presented frames.
 */
final class VkmsTestKit {
    /** The vgem kernel (clock, dma-bufs, allocator, process). */
    final DrmTestKit k = new DrmTestKit();
    /** The display on the same clock. */
    final VkmsDevice vkms = new VkmsDevice(k.clock, DisplayMode.VGA_640X480_60, k.allocator, k.dmaBufs, 1);
    /** Every presented frame, in order. */
    final List<FrameCapture> frames = new ArrayList<>();
    /** The vgem file. */
    final int vgem = k.openCard();
    /** The display file (the master). */
    final int card = openDisplay();

    VkmsTestKit() {
        vkms.onPresent(f -> {
            synchronized (frames) {
                frames.add(f);
            }
        });
    }

    int openDisplay() {
        return openDisplay(OpenFile.O_RDWR);
    }

    int openDisplay(int flags) {
        return k.task.install(vkms.drm().primary().open(flags, k.task), 0);
    }

    /** WAIT_VBLANK: the call's result and the union afterwards. */
    DrmTestKit.Result waitVblank(int fd, int type, int sequence, long signal) {
        return k.call(fd, DrmMode.IOCTL_WAIT_VBLANK, b -> new DrmWaitVblank(type, sequence, signal, 0).write(b));
    }

    DrmFile file(int fd) {
        return k.drmFile(fd);
    }

    ModeConfig config() {
        return vkms.config();
    }

    /** A frame: a 640x480 vgem buffer, its handle on the display, and a framebuffer on it. */
    record Frame(int vgemHandle, int dmabuf, int handle, int fbId) {}

    /** Makes a frame whose every pixel is {@code xrgb}. */
    Frame frame(int xrgb) {
        int bo = k.createBo(vgem, 640, 480, 32);
        int dmabuf = (int) k.exportFd(vgem, bo, 2);
        int handle = (int) k.importFd(card, dmabuf);
        try (var m = k.mmap(vgem, k.mapDumb(vgem, bo), 640 * 480 * 4, 3)) {
            for (long i = 0; i < 640 * 480; i++) {
                m.segment().set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, i * 4, xrgb);
            }
        }
        long fb = addFb(card, ModeFbCmd2.singlePlane(640, 480, DrmMode.FORMAT_XRGB8888, handle, 640 * 4));
        if (fb < 0) {
            throw new AssertionError("ADDFB2 failed: " + fb);
        }
        return new Frame(bo, dmabuf, handle, (int) fb);
    }

    /** ADDFB2: the framebuffer id or -errno. */
    long addFb(int fd, ModeFbCmd2 cmd) {
        DrmTestKit.Result r = k.call(fd, DrmMode.IOCTL_ADDFB2, cmd::write);
        return r.ret() != 0 ? r.ret() : r.arg().getInt(0);
    }

    /** Attaches a vgem WRITE fence to {@code frame}'s buffer; returns its id. */
    int writeFence(Frame frame) {
        return (int) k.attach(vgem, frame.vgemHandle(), Vgem.VGEM_FENCE_WRITE);
    }

    /** SET_CLIENT_CAP: 0 or -errno. */
    long setClientCap(int fd, long cap, long value) {
        return k.call(fd, DrmMode.IOCTL_SET_CLIENT_CAP, b -> new DrmSetClientCap(cap, value).write(b))
                .ret();
    }

    /** PAGE_FLIP: 0 or -errno. */
    long pageFlip(int fd, int fbId, int flags, long userData) {
        return k.call(
                        fd,
                        DrmMode.IOCTL_PAGE_FLIP,
                        b -> new ModeCrtcPageFlip(vkms.crtc().id(), fbId, flags, 0, userData).write(b))
                .ret();
    }

    /** Property values of one commit, by object id then property id, in insertion order. */
    static final class Props {
        final Map<Integer, Map<Integer, Long>> objects = new LinkedHashMap<>();

        Props set(int objId, Property prop, long value) {
            objects.computeIfAbsent(objId, o -> new LinkedHashMap<>()).put(prop.id(), value);
            return this;
        }
    }

    /** The properties that show {@code fbId} full screen on the CRTC. */
    Props show(int fbId) {
        ModeConfig c = config();
        int plane = vkms.plane().id();
        return new Props()
                .set(plane, c.fbId, fbId)
                .set(plane, c.crtcId, vkms.crtc().id())
                .set(plane, c.srcX, 0)
                .set(plane, c.srcY, 0)
                .set(plane, c.srcW, 640L << 16)
                .set(plane, c.srcH, 480L << 16)
                .set(plane, c.crtcX, 0)
                .set(plane, c.crtcY, 0)
                .set(plane, c.crtcW, 640)
                .set(plane, c.crtcH, 480);
    }

    /** ATOMIC with {@code props} laid out in user memory: 0 or -errno. */
    long atomic(int fd, int flags, long userData, Props props) {
        int n = props.objects.size();
        int total = props.objects.values().stream().mapToInt(Map::size).sum();
        long objs = k.task.alloc(4 * Math.max(1, n));
        long counts = k.task.alloc(4 * Math.max(1, n));
        long ids = k.task.alloc(4 * Math.max(1, total));
        long values = k.task.alloc(8 * Math.max(1, total));
        ByteBuffer o = le(4 * n);
        ByteBuffer c = le(4 * n);
        ByteBuffer p = le(4 * total);
        ByteBuffer v = le(8 * total);
        int i = 0;
        int j = 0;
        for (var e : props.objects.entrySet()) {
            o.putInt(4 * i, e.getKey());
            c.putInt(4 * i, e.getValue().size());
            i++;
            for (var pv : e.getValue().entrySet()) {
                p.putInt(4 * j, pv.getKey());
                v.putLong(8 * j, pv.getValue());
                j++;
            }
        }
        k.task.user().write(objs, o.array());
        k.task.user().write(counts, c.array());
        k.task.user().write(ids, p.array());
        k.task.user().write(values, v.array());
        return k.call(
                        fd,
                        DrmMode.IOCTL_ATOMIC,
                        b -> new ModeAtomic(flags, n, objs, counts, ids, values, 0, userData).write(b))
                .ret();
    }

    /** Enables the atomic cap and shows {@code frame} (nonblocking), then lets it flip. */
    void setUp(Frame frame) {
        if (setClientCap(card, DrmMode.CLIENT_CAP_ATOMIC, 1) != 0
                || atomic(card, DrmMode.ATOMIC_NONBLOCK, 0, show(frame.fbId())) != 0) {
            throw new AssertionError("setting up the display failed");
        }
        nextVblank();
    }

    /** Advances the clock to the next vblank. */
    void nextVblank() {
        long now = k.clock.nanoTime();
        long next = vkms.crtc().vblankTime(vkms.crtc().vblankCount() + 1);
        k.clock.advanceNanos(next - now);
    }

    /** Reads events from {@code fd} into a buffer of {@code size} bytes: the events, or throws the errno. */
    List<DrmEventVblank> read(int fd, int size) {
        OpenFile f = k.task.file(fd);
        ByteBuffer dst = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        int n = f.ops().read(f, dst, k.task);
        List<DrmEventVblank> out = new ArrayList<>();
        for (int at = 0; at < n; at += DrmEventVblank.SIZE) {
            out.add(DrmEventVblank.read(dst, at));
        }
        return out;
    }

    /** read(2) returning -errno or the byte count. */
    long readErr(int fd, int size) {
        try {
            OpenFile f = k.task.file(fd);
            return f.ops().read(f, ByteBuffer.allocate(size), k.task);
        } catch (ErrnoException e) {
            return e.negative();
        }
    }

    /** The presented frames so far. */
    List<FrameCapture> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
