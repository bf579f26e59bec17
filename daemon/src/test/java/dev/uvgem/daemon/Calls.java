package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmPrimeHandle;
import dev.uvgem.uapi.ModeCreateDumb;
import dev.uvgem.uapi.ModeMapDumb;
import dev.uvgem.uapi.Vgem;
import dev.uvgem.uapi.VgemFenceAttach;
import dev.uvgem.uapi.VgemFenceSignal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/** System calls over the wire for tests: each builds the request, checks the reply's shape and decodes it. */
final class Calls {
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final short POLLNVAL = 0x20;

    private Calls() {}

    /** The reply of an IOCTL: its result and the arg and user window it carried back. */
    record Ioctl(long result, byte[] arg, byte[] user) {
        ByteBuffer argBuffer() {
            return ByteBuffer.wrap(arg).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    static long open(RawClient c, String path, int flags) {
        return c.result(Op.OPEN, Body.of().u32(flags).str(path));
    }

    static int openCard(RawClient c) {
        long fd = open(c, "/dev/dri/card0", O_RDWR);
        assertThat(fd).isGreaterThanOrEqualTo(3);
        return (int) fd;
    }

    static long close(RawClient c, int fd) {
        return c.result(Op.CLOSE, Body.of().i32(fd));
    }

    static Body ioctlBody(int fd, int request, byte[] arg, byte[] user) {
        return Body.of().i32(fd).u32(request).u32Bytes(arg).u32Bytes(user);
    }

    static Ioctl decodeIoctl(Reply r) {
        byte[] arg = r.u32Bytes();
        byte[] user = r.u32Bytes();
        assertThat(r.fullyRead()).isTrue();
        return new Ioctl(r.result(), arg, user);
    }

    static Ioctl ioctl(RawClient c, int fd, int request, byte[] arg, byte[] user) {
        return decodeIoctl(c.call(Op.IOCTL, ioctlBody(fd, request, arg, user)));
    }

    static byte[] struct(int size, Consumer<ByteBuffer> fill) {
        byte[] b = new byte[size];
        fill.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
        return b;
    }

    /** MODE_CREATE_DUMB: returns the struct as the kernel filled it. */
    static ModeCreateDumb createDumb(RawClient c, int card, int width, int height) {
        byte[] arg = struct(ModeCreateDumb.SIZE, b -> new ModeCreateDumb(height, width, 32, 0, 0, 0, 0).write(b));
        Ioctl r = ioctl(c, card, Drm.IOCTL_MODE_CREATE_DUMB, arg, new byte[0]);
        assertThat(r.result()).isZero();
        return ModeCreateDumb.read(r.argBuffer());
    }

    static long mapDumb(RawClient c, int card, int handle) {
        byte[] arg = struct(ModeMapDumb.SIZE, b -> new ModeMapDumb(handle, 0, 0).write(b));
        Ioctl r = ioctl(c, card, Drm.IOCTL_MODE_MAP_DUMB, arg, new byte[0]);
        assertThat(r.result()).isZero();
        return ModeMapDumb.read(r.argBuffer()).offset();
    }

    static int export(RawClient c, int card, int handle) {
        byte[] arg = struct(DrmPrimeHandle.SIZE, b -> new DrmPrimeHandle(handle, Drm.RDWR, -1).write(b));
        Ioctl r = ioctl(c, card, Drm.IOCTL_PRIME_HANDLE_TO_FD, arg, new byte[0]);
        assertThat(r.result()).isZero();
        return DrmPrimeHandle.read(r.argBuffer()).fd();
    }

    /** VGEM_FENCE_ATTACH with WRITE: returns the fence id. */
    static int attachWriteFence(RawClient c, int card, int handle) {
        byte[] arg =
                struct(VgemFenceAttach.SIZE, b -> new VgemFenceAttach(handle, Vgem.VGEM_FENCE_WRITE, 0, 0).write(b));
        Ioctl r = ioctl(c, card, Vgem.IOCTL_FENCE_ATTACH, arg, new byte[0]);
        assertThat(r.result()).isZero();
        return VgemFenceAttach.read(r.argBuffer()).outFence();
    }

    static Body signalBody(int card, int fence) {
        return ioctlBody(
                card,
                Vgem.IOCTL_FENCE_SIGNAL,
                struct(VgemFenceSignal.SIZE, b -> new VgemFenceSignal(fence, 0).write(b)),
                new byte[0]);
    }

    static long signal(RawClient c, int card, int fence) {
        return decodeIoctl(c.call(Op.IOCTL, signalBody(card, fence))).result();
    }

    /** A POLL body for one fd. */
    static Body pollBody(int fd, int events, int timeoutMs) {
        return Body.of().u32(1).i32(fd).i16(events).i16(0).i32(timeoutMs);
    }

    static byte[] fdSend(RawClient c, int fd) {
        Reply r = c.call(Op.FD_SEND, Body.of().i32(fd));
        assertThat(r.result()).isZero();
        assertThat(r.bodyLength()).isEqualTo(16);
        return r.bytes(16);
    }

    static long fdRecv(RawClient c, byte[] token) {
        return c.result(Op.FD_RECV, Body.of().bytes(token));
    }
}
