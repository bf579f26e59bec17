package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.sys.UserWindow;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.DrmSetClientCap;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ModeAtomic;
import dev.uvgem.uapi.ModeCardRes;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.ModeFbCmd2;
import dev.uvgem.uapi.ModeGetPlaneRes;
import dev.uvgem.uapi.ModeGetProperty;
import dev.uvgem.uapi.ModeObjGetProperties;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A blocking KMS ATOMIC commit sleeps until its framebuffer's fences signal and it flips, so the daemon parks it:
 * other connections of the same event loop (the daemon has one here) are answered meanwhile, and CANCEL interrupts
 * it before its point of no return (EINTR, the commit undone).
 */
class AtomicParkingTest extends DaemonTestSupport {
    private static final int W = 640;
    private static final int H = 480;
    private static final long BASE = UserWindow.USER_BASE;

    @Override
    DaemonConfig config() throws IOException {
        return super.config().withIoThreads(1);
    }

    /** A vgem buffer of the mode's size with an unsignalled write fence, as a framebuffer of the display. */
    private record Fenced(int vgem, int fence, int display, int crtc, int plane, Map<String, Integer> props, int fb) {}

    private static Fenced fencedFramebuffer(RawClient c) {
        int vgem = Calls.openCard(c);
        ModeCreateDumb bo = Calls.createDumb(c, vgem, W, H);
        int dmabuf = Calls.export(c, vgem, bo.handle());
        int fence = Calls.attachWriteFence(c, vgem, bo.handle());
        int display = (int) Calls.open(c, "/dev/dri/card1", Calls.O_RDWR);
        assertThat(display).isPositive();
        ok(
                c,
                display,
                DrmMode.IOCTL_SET_CLIENT_CAP,
                Calls.struct(DrmSetClientCap.SIZE, b -> new DrmSetClientCap(DrmMode.CLIENT_CAP_ATOMIC, 1).write(b)));
        byte[] res = Calls.struct(
                ModeCardRes.SIZE, b -> new ModeCardRes(0, BASE, BASE + 16, BASE + 32, 0, 1, 1, 1, 0, 0, 0, 0).write(b));
        int crtc =
                le(ok(c, display, DrmMode.IOCTL_GETRESOURCES, res, 64).user()).getInt(0);
        byte[] planes = Calls.struct(ModeGetPlaneRes.SIZE, b -> new ModeGetPlaneRes(BASE, 1).write(b));
        int plane = le(ok(c, display, DrmMode.IOCTL_GETPLANERESOURCES, planes, 4)
                        .user())
                .getInt(0);
        byte[] imported = Calls.struct(DrmPrimeHandle.SIZE, b -> new DrmPrimeHandle(0, 0, dmabuf).write(b));
        int handle = DrmPrimeHandle.read(le(
                        ok(c, display, Drm.IOCTL_PRIME_FD_TO_HANDLE, imported).arg()))
                .handle();
        byte[] fb = Calls.struct(
                ModeFbCmd2.SIZE,
                b -> ModeFbCmd2.singlePlane(W, H, DrmMode.FORMAT_XRGB8888, handle, bo.pitch())
                        .write(b));
        int fbId = ModeFbCmd2.read(le(ok(c, display, DrmMode.IOCTL_ADDFB2, fb).arg()))
                .fbId();
        return new Fenced(vgem, fence, display, crtc, plane, planeProperties(c, display, plane), fbId);
    }

    /** OBJ_GETPROPERTIES then GETPROPERTY of each: the plane's property ids by name. */
    private static Map<String, Integer> planeProperties(RawClient c, int display, int plane) {
        byte[] arg = Calls.struct(
                ModeObjGetProperties.SIZE,
                b -> new ModeObjGetProperties(BASE, BASE + 256, 64, plane, DrmMode.OBJECT_PLANE).write(b));
        Calls.Ioctl r = ok(c, display, DrmMode.IOCTL_OBJ_GETPROPERTIES, arg, 1024);
        int count = ModeObjGetProperties.read(le(r.arg())).countProps();
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < count; i++) {
            int id = le(r.user()).getInt(4 * i);
            byte[] p = Calls.struct(ModeGetProperty.SIZE, b -> new ModeGetProperty(0, 0, id, 0, "", 0, 0).write(b));
            out.put(
                    ModeGetProperty.read(le(
                                    ok(c, display, DrmMode.IOCTL_GETPROPERTY, p).arg()))
                            .name(),
                    id);
        }
        return out;
    }

    /** The body of an ATOMIC that shows the framebuffer full screen, with the property arrays in the window. */
    private static Body showBody(Fenced f, int flags) {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("FB_ID", (long) f.fb());
        values.put("CRTC_ID", (long) f.crtc());
        values.put("SRC_X", 0L);
        values.put("SRC_Y", 0L);
        values.put("SRC_W", (long) W << 16);
        values.put("SRC_H", (long) H << 16);
        values.put("CRTC_X", 0L);
        values.put("CRTC_Y", 0L);
        values.put("CRTC_W", (long) W);
        values.put("CRTC_H", (long) H);
        byte[] user = new byte[256];
        ByteBuffer u = le(user);
        u.putInt(0, f.plane()).putInt(8, values.size());
        int i = 0;
        for (var e : values.entrySet()) {
            u.putInt(16 + 4 * i, f.props().get(e.getKey()));
            u.putLong(64 + 8 * i, e.getValue());
            i++;
        }
        byte[] arg = Calls.struct(
                ModeAtomic.SIZE, b -> new ModeAtomic(flags, 1, BASE, BASE + 8, BASE + 16, BASE + 64, 0, 0).write(b));
        return Calls.ioctlBody(f.display(), DrmMode.IOCTL_ATOMIC, arg, user);
    }

    @Test
    void aBlockingCommitBehindAnUnsignalledFenceHoldsUpNoOtherConnectionAndCancelIsEintr() {
        RawClient c = user("compositor");
        Fenced f = fencedFramebuffer(c);
        int commit = c.newTag();
        c.send(commit, Op.IOCTL, showBody(f, 0));
        c.expectSilence(Duration.ofMillis(50));

        RawClient other = user("other");
        Reply opened = other.call(Op.OPEN, Body.of().u32(Calls.O_RDWR).str("/dev/dri/card0"));
        assertThat(opened.result()).as("another connection is answered").isGreaterThanOrEqualTo(3);
        assertThat(c.result(Op.DUP, Body.of().i32(f.vgem())))
                .as("so is the committer's own next request")
                .isPositive();

        Reply[] r = c.callAlongside(Op.CANCEL, Body.of().u32(commit), commit);
        assertThat(r[0].result()).isZero();
        assertThat(Calls.decodeIoctl(r[1]).result()).isEqualTo(Errno.EINTR.negative());
        assertThat(Calls.signal(c, f.vgem(), f.fence())).isZero();
    }

    @Test
    void aParkedBlockingCommitCompletesOnceTheFenceSignals() {
        RawClient c = user("compositor");
        Fenced f = fencedFramebuffer(c);
        int commit = c.newTag();
        c.send(commit, Op.IOCTL, showBody(f, 0));
        c.expectSilence(Duration.ofMillis(30));
        Reply[] r = c.callAlongside(Op.IOCTL, Calls.signalBody(f.vgem(), f.fence()), commit);
        assertThat(Calls.decodeIoctl(r[0]).result()).isZero();
        assertThat(Calls.decodeIoctl(r[1]).result()).as("flipped").isZero();
    }

    private static Calls.Ioctl ok(RawClient c, int fd, int request, byte[] arg) {
        return ok(c, fd, request, arg, 0);
    }

    private static Calls.Ioctl ok(RawClient c, int fd, int request, byte[] arg, int userLength) {
        Calls.Ioctl r = Calls.ioctl(c, fd, request, arg, new byte[userLength]);
        assertThat(r.result()).as("ioctl %08x", request).isZero();
        return r;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
