package dev.uvgem.conformance;

import static dev.uvgem.conformance.FdPassing.receive;
import static dev.uvgem.conformance.FdPassing.send;
import static dev.uvgem.conformance.IgtVgem.O_CLOEXEC;
import static dev.uvgem.conformance.IgtVgem.O_NONBLOCK;
import static dev.uvgem.conformance.IgtVgem.O_RDWR;
import static dev.uvgem.conformance.IgtVgem.assertErrno;
import static dev.uvgem.conformance.IgtVgem.drmOpenDriver;
import static dev.uvgem.conformance.IgtVgem.drmOpenDriverRender;
import static dev.uvgem.conformance.IgtVgem.gemClose;
import static dev.uvgem.conformance.IgtVgem.hasPrimeExport;
import static dev.uvgem.conformance.IgtVgem.hasPrimeImport;
import static dev.uvgem.conformance.IgtVgem.le;
import static dev.uvgem.conformance.IgtVgem.ok;
import static dev.uvgem.conformance.IgtVgem.primeBusy;
import static dev.uvgem.conformance.IgtVgem.primeFdToHandle;
import static dev.uvgem.conformance.IgtVgem.primeHandleToFd;
import static dev.uvgem.conformance.IgtVgem.primeHandleToFdForMmap;
import static dev.uvgem.conformance.IgtVgem.setWord;
import static dev.uvgem.conformance.IgtVgem.tryVgemCreate;
import static dev.uvgem.conformance.IgtVgem.tryVgemFenceAttach;
import static dev.uvgem.conformance.IgtVgem.tryVgemFenceSignal;
import static dev.uvgem.conformance.IgtVgem.vgemCreate;
import static dev.uvgem.conformance.IgtVgem.vgemFenceAttach;
import static dev.uvgem.conformance.IgtVgem.vgemFenceSignal;
import static dev.uvgem.conformance.IgtVgem.vgemHasFences;
import static dev.uvgem.conformance.IgtVgem.vgemMmap;
import static dev.uvgem.conformance.IgtVgem.word;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.SwSyncTimelineFd;
import dev.uvgem.api.SyncFileFd;
import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.conformance.IgtVgem.VgemBo;
import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmSetVersion;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Mman;
import dev.uvgem.uapi.Vgem;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IGT {@code tests/vgem_basic.c}, all 16 subtests, through uvgem's syscall layer. The fixture is IGT's: one open
 * vgem primary node per subtest ({@code unload} runs before it, on a kernel of its own).
 *
 * <p>Two subtests are re-expressed for a userspace kernel: {@code unload} as the lifetime model behind it (the
 * device is "unloadable" when no device file, GEM object or dma-buf is left), and {@code sysfs}/{@code debugfs} as
 * "every file of the path table can be opened and read to its end without stalling for 1 s".
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.uvgem.conformance.Backend#selected")
class VgemBasicTest extends BackendSuite {
    private int fd;

    @BeforeEach
    void fixture() {
        fd = drmOpenDriver(sys);
    }

    // ---------------------------------------------------------------- unload

    /**
     * Whether "the module could be unloaded": nothing of the device is referenced any more. On Linux an open file
     * pins the module directly, a dma-buf through its exporter, a mapping through its file.
     */
    private static boolean inUse(Env env) {
        return env.devices().vgem().openFiles() != 0
                || env.devices().vgem().liveObjects() != 0
                || env.devices().dmaBufs().count() != 0;
    }

    @Test
    void unload() {
        try (Env own = backend.boot()) {
            Syscalls s = own.sys();
            int vgem = drmOpenDriver(s);
            ok(s.close(vgem));
            assertThat(inUse(own)).as("after a plain open/close").isFalse();

            vgem = drmOpenDriver(s);
            assertThat(inUse(own))
                    .as("an open device file keeps the device alive")
                    .isTrue();
            vgemCreate(s, vgem, 1024, 1, 32);
            ok(s.close(vgem));
            assertThat(inUse(own)).as("closing the file releases its buffers").isFalse();

            vgem = drmOpenDriver(s);
            VgemBo bo = vgemCreate(s, vgem, 1024, 1, 32);
            int dmabuf = primeHandleToFd(s, vgem, bo.handle);
            ok(s.close(vgem));
            assertThat(own.devices().vgem().openFiles()).isZero();
            assertThat(own.devices().vgem().liveObjects())
                    .as("a dma-buf keeps its buffer alive")
                    .isEqualTo(1);
            assertThat(own.devices().dmaBufs().count()).isEqualTo(1);
            ok(s.close(dmabuf));
            assertThat(inUse(own)).as("no dma-buf left").isFalse();

            vgem = drmOpenDriver(s);
            bo = vgemCreate(s, vgem, 1024, 1, 32);
            dmabuf = primeHandleToFdForMmap(s, vgem, bo.handle);
            ok(s.close(vgem));
            MappedMemory ptr = s.mmap(dmabuf, 0, bo.size, Mman.PROT_WRITE);
            ok(s.close(dmabuf));
            int pinned = own.mappingsPinBuffers() ? 1 : 0;
            assertThat(own.devices().vgem().liveObjects())
                    .as("a mapping keeps the buffer alive after every fd is closed")
                    .isEqualTo(pinned);
            assertThat(own.devices().dmaBufs().count())
                    .as("... and its dma-buf")
                    .isEqualTo(pinned);
            for (long page = 0; page < bo.size >> 12; page++) {
                setWord(ptr, 1024 * page + page % 1024, (int) page);
            }
            ptr.close();
            assertThat(inUse(own)).as("no mapping left").isFalse();
        }
    }

    // ---------------------------------------------------------------- simple ioctls

    @Test
    void setversion() {
        byte[] arg = new byte[DrmSetVersion.SIZE];
        new DrmSetVersion(1, 4, -1, -1).write(le(arg));
        assertThat(sys.ioctl(fd, Drm.IOCTL_SET_VERSION, arg, null)).isZero();
        DrmSetVersion sv = DrmSetVersion.read(le(arg));
        // The kernel answers with the interface and driver versions it has (vgem 1.0, DRM interface 1.4).
        assertThat(sv).isEqualTo(new DrmSetVersion(1, 4, 1, 0));
    }

    @Test
    void secondClient() {
        ok(sys.close(drmOpenDriver(sys)));
        ok(sys.close(drmOpenDriverRender(sys)));
    }

    @Test
    void create() {
        VgemBo bo = new VgemBo(0, 0, 0);
        assertErrno(tryVgemCreate(sys, fd, bo), Errno.EINVAL);

        bo = vgemCreate(sys, fd, 1, 1, 1);
        assertThat(bo.size).isEqualTo(4096);
        gemClose(sys, fd, bo.handle);

        bo = vgemCreate(sys, fd, 1024, 1024, 8);
        assertThat(bo.size).isEqualTo(1L << 20);
        gemClose(sys, fd, bo.handle);

        bo = vgemCreate(sys, fd, 1 << 15, 1 << 15, 16);
        assertThat(bo.size).isEqualTo(1L << 31);
        gemClose(sys, fd, bo.handle);

        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    @Test
    void mmap() {
        VgemBo bo = vgemCreate(sys, fd, 1024, 1024, 32);
        MappedMemory ptr = vgemMmap(sys, fd, bo, Mman.PROT_WRITE);
        gemClose(sys, fd, bo.handle);
        assertThat(env.devices().vgem().liveObjects())
                .as("the mapping holds the buffer after its handle is gone")
                .isEqualTo(env.mappingsPinBuffers() ? 1 : 0);

        for (long page = 0; page < bo.size >> 12; page++) {
            setWord(ptr, page, 0);
        }
        ptr.close();
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    @Test
    void badFlag() {
        // Flags are checked before the handle (attach) and before the id (signal).
        assertErrno(tryVgemFenceAttach(sys, fd, 0, 0xff, 0), Errno.EINVAL);
        assertErrno(tryVgemFenceSignal(sys, fd, 0, 0xff), Errno.EINVAL);
    }

    @Test
    void badPad() {
        assertErrno(tryVgemFenceAttach(sys, fd, 0, 0, 1), Errno.EINVAL);
    }

    @Test
    void badHandle() {
        assertErrno(tryVgemFenceAttach(sys, fd, 0xff, 0, 0), Errno.ENOENT);
    }

    @Test
    void badFence() {
        assertErrno(tryVgemFenceSignal(sys, fd, 0xff, 0), Errno.ENOENT);
    }

    @Test
    void busyFence() {
        VgemBo bo = vgemCreate(sys, fd, 1024, 1, 32);
        vgemFenceAttach(sys, fd, bo, 0);
        // A writer must wait for every reader: the pending read fence conflicts.
        assertErrno(tryVgemFenceAttach(sys, fd, bo.handle, Vgem.VGEM_FENCE_WRITE, 0), Errno.EBUSY);
    }

    // ---------------------------------------------------------------- PRIME

    @Test
    void dmabufExport() {
        assertThat(hasPrimeExport(sys, fd)).isTrue();
        // DRIVER_ANY: the other device is vgem itself, opened by another process.
        Syscalls otherProc = env.process("igt-other", true).syscalls();
        int other = drmOpenDriver(otherProc);
        assertThat(hasPrimeImport(otherProc, other)).isTrue();

        VgemBo bo = vgemCreate(sys, fd, 1024, 1, 32);
        int dmabuf = primeHandleToFd(sys, fd, bo.handle);
        gemClose(sys, fd, bo.handle);

        int received = receive(otherProc, send(sys, dmabuf));
        ok(sys.close(dmabuf));
        int handle = primeFdToHandle(otherProc, other, received);
        ok(otherProc.close(received));
        assertThat(env.devices().vgem().liveObjects())
                .as("importing into the exporting device reuses the object")
                .isEqualTo(1);
        gemClose(otherProc, other, handle);
        ok(otherProc.close(other));

        assertThat(env.devices().vgem().liveObjects()).isZero();
        assertThat(env.devices().dmaBufs().count()).isZero();
    }

    @Test
    void dmabufMmap() {
        VgemBo bo = vgemCreate(sys, fd, 1024, 1024, 32);
        int export = primeHandleToFdForMmap(sys, fd, bo.handle);
        MappedMemory ptr = sys.mmap(export, 0, bo.size, Mman.PROT_WRITE);
        ok(sys.close(export));

        for (long page = 0; page < bo.size >> 12; page++) {
            setWord(ptr, page, (int) page);
        }
        ptr.close();

        ptr = vgemMmap(sys, fd, bo, Mman.PROT_READ);
        gemClose(sys, fd, bo.handle);
        for (long page = 0; page < bo.size >> 12; page++) {
            assertThat(word(ptr, page)).isEqualTo((int) page);
        }
        ptr.close();
        assertThat(env.devices().vgem().liveObjects()).isZero();
    }

    @Test
    void dmabufFence() {
        assertThat(vgemHasFences(sys, fd)).isTrue();
        VgemBo bo = vgemCreate(sys, fd, 1024, 1, 32);

        // Export, then fence.
        int dmabuf = primeHandleToFd(sys, fd, bo.handle);

        int fence = vgemFenceAttach(sys, fd, bo, 0);
        assertThat(primeBusy(sys, dmabuf, false))
                .as("a reader does not block readers")
                .isFalse();
        assertThat(primeBusy(sys, dmabuf, true)).as("a reader blocks writers").isTrue();

        vgemFenceSignal(sys, fd, fence);
        assertThat(primeBusy(sys, dmabuf, false)).isFalse();
        assertThat(primeBusy(sys, dmabuf, true)).isFalse();

        fence = vgemFenceAttach(sys, fd, bo, Vgem.VGEM_FENCE_WRITE);
        assertThat(primeBusy(sys, dmabuf, false)).as("a writer blocks readers").isTrue();
        assertThat(primeBusy(sys, dmabuf, true)).as("a writer blocks writers").isTrue();

        vgemFenceSignal(sys, fd, fence);
        assertThat(primeBusy(sys, dmabuf, false)).isFalse();
        assertThat(primeBusy(sys, dmabuf, true)).isFalse();

        ok(sys.close(dmabuf));
        gemClose(sys, fd, bo.handle);
    }

    @Test
    void dmabufFenceBefore() {
        assertThat(vgemHasFences(sys, fd)).isTrue();
        VgemBo bo = vgemCreate(sys, fd, 1024, 1, 32);

        // Fence, then export: the dma-buf shares the object's reservation.
        int fence = vgemFenceAttach(sys, fd, bo, 0);
        int dmabuf = primeHandleToFd(sys, fd, bo.handle);
        assertThat(primeBusy(sys, dmabuf, false)).isFalse();
        assertThat(primeBusy(sys, dmabuf, true)).isTrue();

        vgemFenceSignal(sys, fd, fence);
        assertThat(primeBusy(sys, dmabuf, false)).isFalse();
        assertThat(primeBusy(sys, dmabuf, true)).isFalse();

        ok(sys.close(dmabuf));
        gemClose(sys, fd, bo.handle);

        bo = vgemCreate(sys, fd, 1024, 1, 32);
        fence = vgemFenceAttach(sys, fd, bo, Vgem.VGEM_FENCE_WRITE);
        dmabuf = primeHandleToFd(sys, fd, bo.handle);
        assertThat(primeBusy(sys, dmabuf, false)).isTrue();
        assertThat(primeBusy(sys, dmabuf, true)).isTrue();

        vgemFenceSignal(sys, fd, fence);
        assertThat(primeBusy(sys, dmabuf, false)).isFalse();
        assertThat(primeBusy(sys, dmabuf, true)).isFalse();

        ok(sys.close(dmabuf));
        gemClose(sys, fd, bo.handle);
    }

    // ---------------------------------------------------------------- sysfs / debugfs

    /** The per-file stall limit of IGT's sysfs and debugfs subtests. */
    private static final Duration STALL = Duration.ofSeconds(1);

    /**
     * Opens {@code path} and reads it until end of file or an error, failing if that takes longer than {@link
     * #STALL}. Returns the number of bytes read; the open itself must succeed.
     */
    private long readWithin(String path, int flags) {
        return assertTimeoutPreemptively(
                STALL,
                () -> {
                    int f = (int) ok(sys.open(path, flags));
                    try {
                        byte[] buf = new byte[512];
                        long total = 0;
                        while (true) {
                            long n = sys.read(f, buf, 0, buf.length);
                            if (n <= 0) {
                                return total;
                            }
                            total += n;
                        }
                    } finally {
                        sys.close(f);
                    }
                },
                () -> "read of " + path + " stalled");
    }

    /** Gives the device and the debug files something to report: a pending fence, a dma-buf, a timeline point. */
    private AutoCloseable busyState() {
        VgemBo bo = vgemCreate(sys, fd, 1024, 1, 32);
        int dmabuf = primeHandleToFd(sys, fd, bo.handle);
        vgemFenceAttach(sys, fd, bo, Vgem.VGEM_FENCE_WRITE);
        SwSyncTimelineFd tl = env.root().createTimeline();
        SyncFileFd point = tl.createFence(1);
        return () -> {
            point.close();
            tl.close();
            sys.close(dmabuf);
        };
    }

    @Test
    void sysfs() throws Exception {
        // uvgem has no sysfs: the device's own files are its nodes. Reading them (non-blocking, as nothing is
        // ever queued on a vgem node) must answer at once, whatever the answer.
        try (AutoCloseable state = busyState()) {
            for (String node : List.of(Uvgem.CARD0, Uvgem.RENDER_D128)) {
                readWithin(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
            }
        }
    }

    @Test
    void debugfs() throws Exception {
        try (AutoCloseable state = busyState()) {
            assertThat(readWithin(Uvgem.BUFINFO, O_CLOEXEC))
                    .as("dma_buf/bufinfo")
                    .isPositive();
            assertThat(readWithin(Uvgem.SYNC_INFO, O_CLOEXEC)).as("sync/info").isPositive();
            assertThat(readWithin(Uvgem.UVGEM_BUFFERS, O_CLOEXEC))
                    .as("uvgem/buffers")
                    .isPositive();
            assertThat(readWithin(Uvgem.UVGEM_FENCES, O_CLOEXEC))
                    .as("uvgem/fences")
                    .isPositive();
            // sw_sync has no read: it must refuse at once, not stall.
            readWithin(Uvgem.SW_SYNC, O_RDWR | O_CLOEXEC);
        }
    }
}
