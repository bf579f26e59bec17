package dev.uvgem.conformance;

import static dev.uvgem.conformance.IgtKms.BASE;
import static dev.uvgem.conformance.IgtKms.drmOpenDisplay;
import static dev.uvgem.conformance.IgtKms.output;
import static dev.uvgem.conformance.IgtKms.primeImport;
import static dev.uvgem.conformance.IgtKms.readEvents;
import static dev.uvgem.conformance.IgtKms.tryAddFb;
import static dev.uvgem.conformance.IgtKms.tryAtomic;
import static dev.uvgem.conformance.IgtKms.tryPageFlip;
import static dev.uvgem.conformance.IgtKms.trySetClientCap;
import static dev.uvgem.conformance.IgtKms.waitVblank;
import static dev.uvgem.conformance.IgtVgem.POLLIN;
import static dev.uvgem.conformance.IgtVgem.assertErrno;
import static dev.uvgem.conformance.IgtVgem.drmOpenDriver;
import static dev.uvgem.conformance.IgtVgem.le;
import static dev.uvgem.conformance.IgtVgem.ok;
import static dev.uvgem.conformance.IgtVgem.poll;
import static dev.uvgem.conformance.IgtVgem.primeHandleToFd;
import static dev.uvgem.conformance.IgtVgem.vgemCreate;
import static dev.uvgem.conformance.IgtVgem.vgemFenceAttach;
import static dev.uvgem.conformance.IgtVgem.vgemFenceSignal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.conformance.IgtKms.Output;
import dev.uvgem.conformance.IgtKms.Request;
import dev.uvgem.conformance.IgtVgem.VgemBo;
import dev.uvgem.uapi.DrmEventVblank;
import dev.uvgem.uapi.DrmMode;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ModeAtomic;
import dev.uvgem.uapi.ModeCardRes;
import dev.uvgem.uapi.ModeGetBlob;
import dev.uvgem.uapi.ModeGetConnector;
import dev.uvgem.uapi.ModeGetProperty;
import dev.uvgem.uapi.ModeModeInfo;
import dev.uvgem.uapi.ModeObjGetProperties;
import dev.uvgem.uapi.Vgem;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The errno paths of the virtual display's KMS ioctls, checked against the kernel's order (drm_mode_config.c,
 * drm_connector.c, drm_property.c, drm_mode_object.c, drm_atomic_uapi.c, drm_plane.c, drm_vblank.c, drm_file.c):
 * uvgem's own suite, not a public one, run on every backend like the public ones. A flip is kept pending by a
 * vgem write fence nobody has signalled yet, so the EBUSY cases do not depend on timing.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class VkmsIoctlTest extends BackendSuite {
    private static final int W = 640;
    private static final int H = 480;

    private int card;
    private int vgem;

    @BeforeEach
    void fixture() {
        card = drmOpenDisplay(sys);
        vgem = drmOpenDriver(sys);
    }

    /** A vgem buffer of the mode's size, PRIME-imported into the display, with a framebuffer. */
    private record Frame(VgemBo bo, int fb) {}

    private Frame frame() {
        VgemBo bo = vgemCreate(sys, vgem, W, H, 32);
        int dmabuf = primeHandleToFd(sys, vgem, bo.handle);
        int handle = primeImport(sys, card, dmabuf);
        ok(sys.close(dmabuf));
        return new Frame(bo, (int) ok(tryAddFb(sys, card, W, H, handle, bo.pitch)));
    }

    private Output showFirst(Frame f) {
        Output o = output(sys, card);
        ok(tryAtomic(sys, card, 0, Request.show(o, f.fb(), W, H)));
        return o;
    }

    /** A full-screen request whose destination is half as wide as its source: scaling, which vkms refuses. */
    private static Request scaled(Output o, Frame f) {
        return Request.show(o, f.fb(), W, H).set(o.plane(), o.prop("CRTC_W"), W / 2);
    }

    @Test
    void getResourcesTwoCallProtocol() {
        Frame f = frame();
        byte[] arg = new byte[ModeCardRes.SIZE];
        ok(sys.ioctl(card, DrmMode.IOCTL_GETRESOURCES, arg, null));
        ModeCardRes counts = ModeCardRes.read(le(arg));
        assertThat(counts.countFbs()).isEqualTo(1);
        assertThat(counts.countCrtcs()).isEqualTo(1);
        assertThat(counts.countConnectors()).isEqualTo(1);
        assertThat(counts.countEncoders()).isEqualTo(1);
        assertThat(counts.maxWidth()).isEqualTo(8192);

        byte[] user = new byte[64];
        new ModeCardRes(BASE, BASE + 8, BASE + 16, BASE + 24, 1, 1, 1, 1, 0, 0, 0, 0).write(le(arg));
        ok(sys.ioctl(card, DrmMode.IOCTL_GETRESOURCES, arg, user));
        assertThat(le(user).getInt(0)).isEqualTo(f.fb());
        assertThat(le(user).getInt(8)).isPositive();

        new ModeCardRes(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0).write(le(arg));
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_GETRESOURCES, arg, null), Errno.EFAULT);
        assertErrno(sys.ioctl(vgem, DrmMode.IOCTL_GETRESOURCES, arg, null), Errno.EOPNOTSUPP);
    }

    @Test
    void getConnectorModesAllOrNothing() {
        Output o = output(sys, card);
        byte[] arg = new byte[ModeGetConnector.SIZE];
        new ModeGetConnector(0, 0, 0, 0, 0, 0, 0, 0, o.connector(), 0, 0, 0, 0, 0, 0, 0).write(le(arg));
        ok(sys.ioctl(card, DrmMode.IOCTL_GETCONNECTOR, arg, null));
        ModeGetConnector c = ModeGetConnector.read(le(arg));
        assertThat(c.countModes()).isEqualTo(1);
        assertThat(c.connection()).isEqualTo(DrmMode.CONNECTED);
        assertThat(c.encoderId()).isEqualTo(o.encoder());
        assertThat(c.countProps()).isEqualTo(3);

        byte[] user = new byte[256];
        new ModeGetConnector(0, BASE, 0, 0, 1, 0, 0, 0, o.connector(), 0, 0, 0, 0, 0, 0, 0).write(le(arg));
        ok(sys.ioctl(card, DrmMode.IOCTL_GETCONNECTOR, arg, user));
        assertThat(le(user).getShort(4)).isEqualTo((short) W);
        assertThat(le(user).getShort(14)).isEqualTo((short) H);
        assertThat(le(user).getInt(24)).isEqualTo(60);

        new ModeGetConnector(0, 0, 0, 0, 1, 0, 0, 0, o.connector(), 0, 0, 0, 0, 0, 0, 0).write(le(arg));
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_GETCONNECTOR, arg, null), Errno.EFAULT);
    }

    @Test
    void modeIdIsABlobOfTheMode() {
        Output o = output(sys, card);
        int modeId =
                IgtKms.propertyIds(sys, card, o.crtc(), DrmMode.OBJECT_CRTC).get("MODE_ID");
        byte[] arg = new byte[ModeObjGetProperties.SIZE];
        byte[] user = new byte[256];
        new ModeObjGetProperties(BASE, BASE + 64, 8, o.crtc(), DrmMode.OBJECT_CRTC).write(le(arg));
        ok(sys.ioctl(card, DrmMode.IOCTL_OBJ_GETPROPERTIES, arg, user));
        long blob = -1;
        for (int i = 0; i < ModeObjGetProperties.read(le(arg)).countProps(); i++) {
            if (le(user).getInt(4 * i) == modeId) {
                blob = le(user).getLong(64 + 8 * i);
            }
        }
        assertThat(blob).isPositive();
        byte[] get = new byte[ModeGetBlob.SIZE];
        new ModeGetBlob((int) blob, 0, 0).write(le(get));
        ok(sys.ioctl(card, DrmMode.IOCTL_GETPROPBLOB, get, null));
        assertThat(ModeGetBlob.read(le(get)).length()).isEqualTo(ModeModeInfo.SIZE);
        new ModeGetBlob((int) blob, ModeModeInfo.SIZE, BASE).write(le(get));
        ok(sys.ioctl(card, DrmMode.IOCTL_GETPROPBLOB, get, user));
        ModeModeInfo mode = ModeModeInfo.read(le(user), 0);
        assertThat(mode.hdisplay()).isEqualTo(W);
        assertThat(mode.vdisplay()).isEqualTo(H);
        assertThat(mode.name()).isEqualTo("640x480");
        new ModeGetBlob(o.crtc(), 0, 0).write(le(get));
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_GETPROPBLOB, get, null), Errno.ENOENT);
    }

    @Test
    void unknownObjectsAreEnoent() {
        Output o = output(sys, card);
        Frame f = frame();
        int bogus = 0x7fff;
        byte[] conn = new byte[ModeGetConnector.SIZE];
        le(conn).putInt(48, bogus);
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_GETCONNECTOR, conn, null), Errno.ENOENT);
        le(conn).putInt(48, o.crtc());
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_GETCONNECTOR, conn, null), Errno.ENOENT);
        byte[] crtc = new byte[104];
        le(crtc).putInt(12, bogus);
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_GETCRTC, crtc, null), Errno.ENOENT);
        byte[] plane = new byte[32];
        le(plane).putInt(0, o.crtc());
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_GETPLANE, plane, null), Errno.ENOENT);
        byte[] prop = new byte[ModeGetProperty.SIZE];
        le(prop).putInt(16, o.plane());
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_GETPROPERTY, prop, null), Errno.ENOENT);
        byte[] objProps = new byte[ModeObjGetProperties.SIZE];
        new ModeObjGetProperties(0, 0, 0, o.plane(), DrmMode.OBJECT_CRTC).write(le(objProps));
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_OBJ_GETPROPERTIES, objProps, null), Errno.ENOENT);
        new ModeObjGetProperties(0, 0, 0, f.fb(), DrmMode.OBJECT_FB).write(le(objProps));
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_OBJ_GETPROPERTIES, objProps, null), Errno.EINVAL);
        byte[] rmfb = new byte[4];
        le(rmfb).putInt(0, bogus);
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_RMFB, rmfb, null), Errno.ENOENT);
        assertErrno(tryPageFlip(sys, card, bogus, f.fb(), 0, 0), Errno.ENOENT);
        assertErrno(tryAddFb(sys, card, W, H, bogus, W * 4), Errno.ENOENT);
        showFirst(f);
        assertErrno(tryPageFlip(sys, card, o.crtc(), bogus, 0, 0), Errno.ENOENT);
        assertErrno(tryAtomic(sys, card, 0, new Request().set(bogus, o.prop("FB_ID"), 0)), Errno.ENOENT);
        assertErrno(tryAtomic(sys, card, 0, new Request().set(f.fb(), o.prop("FB_ID"), 0)), Errno.ENOENT);
        assertErrno(tryAtomic(sys, card, 0, new Request().set(o.crtc(), o.prop("FB_ID"), 0)), Errno.ENOENT);
    }

    @Test
    void atomicInvalidParams() {
        Frame f = frame();
        Output o = output(sys, card);
        int other = drmOpenDisplay(sys);
        assertErrno(tryAtomic(sys, other, 0, Request.show(o, f.fb(), W, H)), Errno.EACCES);
        ok(sys.close(other));
        Request show = Request.show(o, f.fb(), W, H);
        assertErrno(tryAtomic(sys, card, 0x1000, show), Errno.EINVAL);
        assertErrno(tryAtomic(sys, card, 0, 0, show, 1, new byte[2048]), Errno.EINVAL);
        assertErrno(tryAtomic(sys, card, DrmMode.PAGE_FLIP_ASYNC, show), Errno.EINVAL);
        assertErrno(tryAtomic(sys, card, DrmMode.ATOMIC_TEST_ONLY | DrmMode.PAGE_FLIP_EVENT, show), Errno.EINVAL);
        assertErrno(tryAtomic(sys, card, 0, new Request().set(o.plane(), o.prop("type"), 1)), Errno.EINVAL);
        assertErrno(tryAtomic(sys, card, 0, new Request().set(o.plane(), o.prop("CRTC_W"), 1L << 40)), Errno.EINVAL);
        assertErrno(tryAtomic(sys, card, 0, new Request().set(o.plane(), o.prop("FB_ID"), 0x7fff)), Errno.EINVAL);
        assertErrno(
                tryAtomic(sys, card, 0, Request.show(o, f.fb(), W, H).set(o.plane(), o.prop("IN_FENCE_FD"), vgem)),
                Errno.EINVAL);
        assertErrno(tryAtomic(sys, card, 0, scaled(o, f)), Errno.ERANGE);
        assertErrno(
                tryAtomic(sys, card, 0, Request.show(o, f.fb(), W, H).set(o.plane(), o.prop("CRTC_X"), 1)),
                Errno.EINVAL);
        assertErrno(tryAtomic(sys, card, 0, new Request().set(o.plane(), o.prop("FB_ID"), f.fb())), Errno.EINVAL);
        assertErrno(
                tryAtomic(sys, card, DrmMode.PAGE_FLIP_EVENT, new Request().set(o.plane(), o.prop("SRC_X"), 0)),
                Errno.EINVAL);
        byte[] noObjects = new byte[2048];
        byte[] arg = new byte[ModeAtomic.SIZE];
        new ModeAtomic(0, 1, 0, 0, 0, 0, 0, 0).write(le(arg));
        assertErrno(sys.ioctl(card, DrmMode.IOCTL_ATOMIC, arg, noObjects), Errno.EFAULT);
        assertErrno(
                tryAtomic(sys, card, 0, Request.show(o, f.fb(), W, H).set(o.crtc(), o.prop("OUT_FENCE_PTR"), 8)),
                Errno.EFAULT);
    }

    @Test
    void atomicNeedsTheClientCap() {
        Frame f = frame();
        Output o = output(sys, card);
        ok(trySetClientCap(sys, card, DrmMode.CLIENT_CAP_ATOMIC, 0));
        assertErrno(tryAtomic(sys, card, 0, Request.show(o, f.fb(), W, H)), Errno.EINVAL);
        assertErrno(trySetClientCap(sys, card, DrmMode.CLIENT_CAP_ATOMIC, 3), Errno.EINVAL);
        assertErrno(trySetClientCap(sys, vgem, DrmMode.CLIENT_CAP_ATOMIC, 1), Errno.EOPNOTSUPP);
    }

    @Test
    void outFenceIsMinusOneAfterTestOnlyAndFailure() {
        Frame f = frame();
        Output o = output(sys, card);
        long ptr = BASE + IgtKms.SPARE;
        byte[] user = new byte[2048];
        le(user).putInt(IgtKms.SPARE, 1234);
        Request test = Request.show(o, f.fb(), W, H).set(o.crtc(), o.prop("OUT_FENCE_PTR"), ptr);
        ok(tryAtomic(sys, card, DrmMode.ATOMIC_TEST_ONLY, 0, test, 0, user));
        assertThat(le(user).getInt(IgtKms.SPARE)).isEqualTo(-1);

        le(user).putInt(IgtKms.SPARE, 1234);
        Request bad = scaled(o, f).set(o.crtc(), o.prop("OUT_FENCE_PTR"), ptr);
        assertErrno(tryAtomic(sys, card, 0, 0, bad, 0, user), Errno.ERANGE);
        assertThat(le(user).getInt(IgtKms.SPARE)).isEqualTo(-1);

        ok(tryAtomic(sys, card, 0, 0, test, 0, user));
        int out = le(user).getInt(IgtKms.SPARE);
        assertThat(out).isGreaterThanOrEqualTo(0);
        assertThat(poll(sys, out, POLLIN, 0))
                .as("a blocking commit returns after its flip")
                .isEqualTo(1);
        ok(sys.close(out));
    }

    @Test
    void flipsAreEbusyWhileOneIsPending() {
        Frame a = frame();
        Frame b = frame();
        Output o = showFirst(a);
        int fence = vgemFenceAttach(sys, vgem, b.bo(), Vgem.VGEM_FENCE_WRITE);
        ok(tryPageFlip(sys, card, o.crtc(), b.fb(), DrmMode.PAGE_FLIP_EVENT, 42));
        assertErrno(tryPageFlip(sys, card, o.crtc(), a.fb(), DrmMode.PAGE_FLIP_EVENT, 43), Errno.EBUSY);
        assertErrno(tryAtomic(sys, card, DrmMode.ATOMIC_NONBLOCK, Request.show(o, a.fb(), W, H)), Errno.EBUSY);
        assertThat(poll(sys, card, POLLIN, 50))
                .as("no event while the fence is pending")
                .isZero();
        vgemFenceSignal(sys, vgem, fence);
        assertThat(poll(sys, card, POLLIN, 5000)).isEqualTo(1);
        List<DrmEventVblank> events = readEvents(sys, card, 4096);
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().userData()).isEqualTo(42);
        assertThat(events.getFirst().type()).isEqualTo(DrmMode.EVENT_FLIP_COMPLETE);
        ok(tryPageFlip(sys, card, o.crtc(), a.fb(), 0, 0));
    }

    @Test
    void pageFlipChecks() {
        Frame a = frame();
        Output o = output(sys, card);
        assertErrno(tryPageFlip(sys, card, o.crtc(), a.fb(), 0x10, 0), Errno.EINVAL);
        assertErrno(tryPageFlip(sys, card, o.crtc(), a.fb(), DrmMode.PAGE_FLIP_ASYNC, 0), Errno.EINVAL);
        assertErrno(tryPageFlip(sys, card, o.crtc(), a.fb(), DrmMode.PAGE_FLIP_TARGET_RELATIVE, 0), Errno.EINVAL);
        assertErrno(tryPageFlip(sys, card, o.crtc(), a.fb(), 0, 0), Errno.EBUSY);
        assertErrno(tryPageFlip(sys, vgem, o.crtc(), a.fb(), 0, 0), Errno.EINVAL);
    }

    @Test
    void vblankEventsAreBudgetedAndDelivered() {
        long[] r = new long[1];
        waitVblank(sys, card, DrmMode.VBLANK_SIGNAL, 0, 0, r);
        assertErrno(r[0], Errno.EINVAL);
        waitVblank(sys, card, DrmMode.VBLANK_SECONDARY, 0, 0, r);
        assertErrno(r[0], Errno.EINVAL);
        for (int i = 0; i < 4096 / DrmEventVblank.SIZE; i++) {
            waitVblank(sys, card, DrmMode.VBLANK_RELATIVE | DrmMode.VBLANK_EVENT, 1000, i, r);
            ok(r[0]);
        }
        waitVblank(sys, card, DrmMode.VBLANK_RELATIVE | DrmMode.VBLANK_EVENT, 1000, 0, r);
        assertErrno(r[0], Errno.ENOMEM);
        int other = drmOpenDisplay(sys);
        var now = waitVblank(sys, other, DrmMode.VBLANK_RELATIVE | DrmMode.VBLANK_EVENT, 1, 7, r);
        ok(r[0]);
        assertThat(poll(sys, other, POLLIN, 5000)).isEqualTo(1);
        assertThat(readEvents(sys, other, DrmEventVblank.SIZE - 1)).isEmpty();
        List<DrmEventVblank> events = readEvents(sys, other, 4096);
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().userData()).isEqualTo(7);
        assertThat(events.getFirst().sequence()).isEqualTo(now.sequence());
        var reached = waitVblank(sys, other, DrmMode.VBLANK_RELATIVE, 1, 0, r);
        ok(r[0]);
        assertThat(reached.sequence() - now.sequence()).isGreaterThanOrEqualTo(1);
        ok(sys.close(other));
    }
}
