package dev.uvgem.core.dmabuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.resv.Reservation;
import dev.uvgem.core.resv.ResvUsage;
import dev.uvgem.core.testsupport.TestTask;
import dev.uvgem.core.time.VirtualClock;
import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.PollTable;
import dev.uvgem.core.vfs.WaitQueue;
import dev.uvgem.uapi.DmaBufIoctl;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Ioc;
import dev.uvgem.uapi.Mman;
import dev.uvgem.uapi.Seek;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DmaBufTest {
    private final VirtualClock clock = new VirtualClock();
    private final DmaBufRegistry registry = new DmaBufRegistry();
    private final List<String> released = new ArrayList<>();

    private final DmaBufOps exporter = buf -> released.add("released " + buf.inode());

    private DmaBuf export(long size, int flags) {
        BufferMemory memory = BufferAllocator.anonymous().allocate(Mman.pageAlign(size));
        try {
            return DmaBuf.export(
                    registry, new DmaBufExportInfo("test", exporter, new Object(), size, flags, null, memory));
        } finally {
            memory.put();
        }
    }

    private Fence fence() {
        return Fence.create(clock, "test", "tl", FenceContext.allocate(), 1);
    }

    private static void add(DmaBuf buf, Fence f, ResvUsage usage) {
        Reservation resv = buf.resv();
        resv.lock(null);
        try {
            resv.reserveFences(1);
            resv.addFence(f, usage);
        } finally {
            resv.unlock();
        }
    }

    private static long ioctl(DmaBuf buf, int cmd, ByteBuffer arg) {
        try {
            return buf.file().ops().ioctl(buf.file(), cmd, arg, null);
        } catch (ErrnoException e) {
            return e.negative();
        }
    }

    private static ByteBuffer arg(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long sync(DmaBuf buf, long flags) {
        return ioctl(buf, DmaBufIoctl.IOCTL_SYNC, arg(8).putLong(0, flags));
    }

    private static int poll(DmaBuf buf) {
        return buf.file().ops().poll(buf.file(), null);
    }

    @Test
    void exportListsAndReleaseUnlists() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        DmaBuf b = export(8192, OpenFile.O_RDONLY);
        assertThat(registry.buffers()).containsExactly(b, a);
        assertThat(a.inode()).isEqualTo(1);
        assertThat(b.inode()).isEqualTo(2);
        BufferMemory mem = a.memory();
        a.put();
        assertThat(registry.buffers()).containsExactly(b);
        assertThat(released).containsExactly("released 1");
        assertThat(mem.isFreed()).isTrue();
        b.put();
        assertThat(registry.count()).isZero();
    }

    @Test
    void fromFileAndGetCheckTheFile() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        OpenFile notABuf = new OpenFile(new dev.uvgem.core.vfs.FileOps() {}, null, 0);
        assertThatThrownBy(() -> DmaBuf.fromFile(notABuf)).hasFieldOrPropertyWithValue("errno", Errno.EINVAL);
        assertThat(DmaBuf.fromFile(a.file())).isSameAs(a);
        assertThat(DmaBuf.isDmaBufFile(a.file())).isTrue();
    }

    @Test
    void lseekReportsTheSize() {
        DmaBuf a = export(12288, OpenFile.O_RDWR);
        OpenFile f = a.file();
        assertThat(f.ops().lseek(f, 0, Seek.SEEK_END)).isEqualTo(12288);
        assertThat(f.ops().lseek(f, 0, Seek.SEEK_SET)).isZero();
        assertThatThrownBy(() -> f.ops().lseek(f, 0, Seek.SEEK_CUR)).hasFieldOrPropertyWithValue("errno", Errno.EINVAL);
        assertThatThrownBy(() -> f.ops().lseek(f, 1, Seek.SEEK_SET)).hasFieldOrPropertyWithValue("errno", Errno.EINVAL);
        assertThatThrownBy(() -> f.ops().lseek(f, -1, Seek.SEEK_END))
                .hasFieldOrPropertyWithValue("errno", Errno.EINVAL);
        assertThatThrownBy(() -> f.ops().lseek(f, 0, 3)).hasFieldOrPropertyWithValue("errno", Errno.EINVAL);
    }

    @Test
    void mmapChecksAccessThenRange() {
        DmaBuf ro = export(8192, OpenFile.O_RDONLY);
        OpenFile f = ro.file();
        assertThatThrownBy(() -> f.ops().mmap(f, 0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, null))
                .hasFieldOrPropertyWithValue("errno", Errno.EACCES);
        // Access is checked before the range.
        assertThatThrownBy(() -> f.ops().mmap(f, 1 << 20, 4096, Mman.PROT_WRITE, null))
                .hasFieldOrPropertyWithValue("errno", Errno.EACCES);
        assertThatThrownBy(() -> f.ops().mmap(f, 8192, 4096, Mman.PROT_READ, null))
                .hasFieldOrPropertyWithValue("errno", Errno.EINVAL);
        assertThatThrownBy(() -> f.ops().mmap(f, 4096, 8192, Mman.PROT_READ, null))
                .hasFieldOrPropertyWithValue("errno", Errno.EINVAL);
        try (Mapping m = f.ops().mmap(f, 4096, 4096, Mman.PROT_READ, null)) {
            assertThat(m.segment().byteSize()).isEqualTo(4096);
            assertThat(m.backingOffset()).isEqualTo(4096);
        }
        DmaBuf wo = export(4096, OpenFile.O_WRONLY);
        assertThatThrownBy(() -> wo.file().ops().mmap(wo.file(), 0, 4096, Mman.PROT_WRITE, null))
                .hasFieldOrPropertyWithValue("errno", Errno.EACCES);
    }

    @Test
    void mappingHoldsTheBuffer() {
        DmaBuf rw = export(4096, OpenFile.O_RDWR);
        OpenFile f = rw.file();
        Mapping m = f.ops().mmap(f, 0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, null);
        rw.put();
        assertThat(released).isEmpty();
        assertThat(registry.count()).isEqualTo(1);
        m.segment().set(ValueLayout.JAVA_INT, 0, 7);
        assertThat(rw.memory().segment().get(ValueLayout.JAVA_INT, 0)).isEqualTo(7);
        m.close();
        assertThat(released).hasSize(1);
        assertThat(rw.memory().isFreed()).isTrue();
    }

    @Test
    void unknownIoctlsAreEnotty() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        assertThat(ioctl(a, Ioc.iow('b', 4, 8), arg(8))).isEqualTo(Errno.ENOTTY.negative());
        assertThat(ioctl(a, Ioc.iow('b', 1, 16), arg(16))).isEqualTo(Errno.ENOTTY.negative());
        assertThat(ioctl(a, Ioc.ior('b', 0, 8), arg(8))).isEqualTo(Errno.ENOTTY.negative());
    }

    @Test
    void syncChecksFlags() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        assertThat(sync(a, 8)).isEqualTo(Errno.EINVAL.negative());
        assertThat(sync(a, 1L << 40)).isEqualTo(Errno.EINVAL.negative());
        assertThat(sync(a, DmaBufIoctl.SYNC_START)).isEqualTo(Errno.EINVAL.negative());
        assertThat(sync(a, DmaBufIoctl.SYNC_END)).isEqualTo(Errno.EINVAL.negative());
        for (long dir : new long[] {DmaBufIoctl.SYNC_READ, DmaBufIoctl.SYNC_WRITE, DmaBufIoctl.SYNC_RW}) {
            assertThat(sync(a, DmaBufIoctl.SYNC_START | dir)).isZero();
            assertThat(sync(a, DmaBufIoctl.SYNC_END | dir)).isZero();
        }
    }

    @Test
    void syncStartWaitsForTheRightFences() throws Exception {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        Fence reader = fence();
        add(a, reader, ResvUsage.READ);
        Fence bookkeep = fence();
        add(a, bookkeep, ResvUsage.BOOKKEEP);
        // A CPU read waits only for writers: there are none.
        assertThat(sync(a, DmaBufIoctl.SYNC_START | DmaBufIoctl.SYNC_READ)).isZero();
        // A CPU write waits for the reader; END never waits.
        assertThat(sync(a, DmaBufIoctl.SYNC_END | DmaBufIoctl.SYNC_WRITE)).isZero();
        CompletableFuture<Long> w =
                CompletableFuture.supplyAsync(() -> sync(a, DmaBufIoctl.SYNC_START | DmaBufIoctl.SYNC_WRITE));
        Thread.sleep(20);
        assertThat(w).isNotDone();
        reader.signal();
        assertThat(w.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(bookkeep.isSignaled()).isFalse();
    }

    @Test
    void syncStartIsInterruptible() throws Exception {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        Fence writer = fence();
        add(a, writer, ResvUsage.WRITE);
        AtomicInteger result = new AtomicInteger(1);
        Thread t = Thread.ofPlatform()
                .start(() -> result.set((int) sync(a, DmaBufIoctl.SYNC_START | DmaBufIoctl.SYNC_READ)));
        Thread.sleep(20);
        assertThat(t.isAlive()).isTrue();
        t.interrupt();
        t.join(5000);
        assertThat(t.isAlive()).isFalse();
        assertThat(result).hasValue(Errno.EINTR.negative());
        writer.signal();
    }

    @Test
    void exporterHooksRunAroundSync() {
        List<String> calls = new ArrayList<>();
        DmaBufOps hooked = new DmaBufOps() {
            @Override
            public void release(DmaBuf buf) {}

            @Override
            public void beginCpuAccess(DmaBuf buf, long direction) {
                calls.add("begin " + direction);
                if (direction == DmaBufIoctl.SYNC_WRITE) {
                    throw new ErrnoException(Errno.EAGAIN);
                }
            }

            @Override
            public void endCpuAccess(DmaBuf buf, long direction) {
                calls.add("end " + direction);
            }
        };
        BufferMemory memory = BufferAllocator.anonymous().allocate(4096);
        DmaBuf a = DmaBuf.export(registry, new DmaBufExportInfo("hooked", hooked, this, 4096, 2, null, memory));
        memory.put();
        assertThat(sync(a, DmaBufIoctl.SYNC_RW)).isZero();
        assertThat(sync(a, DmaBufIoctl.SYNC_WRITE)).isEqualTo(Errno.EAGAIN.negative());
        assertThat(sync(a, DmaBufIoctl.SYNC_END | DmaBufIoctl.SYNC_READ)).isZero();
        assertThat(calls).containsExactly("begin 3", "begin 2", "end 1");
    }

    @Test
    void setName() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        assertThat(a.name()).isNull();
        assertThat(a.pathName()).isEqualTo("/dmabuf:");
        ByteBuffer name = arg(32).put(0, "scanout\0".getBytes(StandardCharsets.US_ASCII));
        assertThat(ioctl(a, DmaBufIoctl.SET_NAME_B, name)).isZero();
        assertThat(a.name()).isEqualTo("scanout");
        assertThat(a.pathName()).isEqualTo("/dmabuf:scanout");
        // Renaming is allowed at any time, through either encoding.
        assertThat(ioctl(a, DmaBufIoctl.SET_NAME_A, arg(32).put(0, "x\0".getBytes(StandardCharsets.US_ASCII))))
                .isZero();
        assertThat(a.name()).isEqualTo("x");
        // 31 characters fit; 32 without a NUL do not.
        byte[] longest = "a".repeat(31).concat("\0").getBytes(StandardCharsets.US_ASCII);
        assertThat(ioctl(a, DmaBufIoctl.SET_NAME_B, arg(32).put(0, longest))).isZero();
        assertThat(a.name()).hasSize(31);
        byte[] tooLong = "b".repeat(32).getBytes(StandardCharsets.US_ASCII);
        assertThat(ioctl(a, DmaBufIoctl.SET_NAME_B, arg(40).put(0, tooLong))).isEqualTo(Errno.EINVAL.negative());
        assertThat(a.name()).hasSize(31);
        // A string running into unreadable memory before its NUL.
        assertThat(ioctl(a, DmaBufIoctl.SET_NAME_B, arg(8).put(0, "abcdefgh".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(Errno.EFAULT.negative());
        // The empty name.
        assertThat(ioctl(a, DmaBufIoctl.SET_NAME_B, arg(32))).isZero();
        assertThat(a.name()).isEmpty();
        assertThatThrownBy(() -> a.setName("c".repeat(32))).hasFieldOrPropertyWithValue("errno", Errno.EINVAL);
        a.setName("direct");
        assertThat(a.name()).isEqualTo("direct");
    }

    @Test
    void pollWithoutFencesIsReady() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        assertThat(poll(a)).isEqualTo(PollTable.POLLIN | PollTable.POLLOUT);
        // Polling leaves no file reference behind.
        assertThat(a.file().refCount()).isEqualTo(1);
    }

    @Test
    void pollInWaitsForWritersPollOutForEveryone() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        Fence reader = fence();
        add(a, reader, ResvUsage.READ);
        assertThat(poll(a)).isEqualTo(PollTable.POLLIN);
        reader.signal();
        assertThat(poll(a)).isEqualTo(PollTable.POLLIN | PollTable.POLLOUT);
        Fence writer = fence();
        add(a, writer, ResvUsage.WRITE);
        assertThat(poll(a)).isZero();
        writer.signal();
        assertThat(poll(a)).isEqualTo(PollTable.POLLIN | PollTable.POLLOUT);
        Fence kernel = fence();
        add(a, kernel, ResvUsage.KERNEL);
        assertThat(poll(a)).isZero();
        kernel.signal();
        Fence bookkeep = fence();
        add(a, bookkeep, ResvUsage.BOOKKEEP);
        assertThat(poll(a)).isEqualTo(PollTable.POLLIN | PollTable.POLLOUT);
        assertThat(a.file().refCount()).isEqualTo(1);
    }

    @Test
    void pollArmsOneCallbackPerDirectionAndWakesTheQueue() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        Fence first = fence();
        Fence second = fence();
        add(a, first, ResvUsage.WRITE);
        add(a, second, ResvUsage.READ);
        AtomicInteger wakes = new AtomicInteger();
        List<WaitQueue> queues = new ArrayList<>();
        PollTable table = q -> {
            queues.add(q);
            q.add(wakes::incrementAndGet);
        };
        assertThat(a.file().ops().poll(a.file(), table)).isZero();
        assertThat(queues).hasSize(1);
        // Both slots are armed on the first pending fence; while armed, a direction reads as busy.
        assertThat(poll(a)).isZero();
        first.signal();
        assertThat(wakes.get()).isEqualTo(2);
        // Re-evaluated: writers are done, the reader still blocks POLLOUT and the slot moves to it.
        // (A ready direction wakes the other waiters too, as the kernel does.)
        assertThat(poll(a)).isEqualTo(PollTable.POLLIN);
        assertThat(wakes.get()).isEqualTo(3);
        second.signal();
        assertThat(wakes.get()).isEqualTo(4);
        assertThat(a.file().refCount()).isEqualTo(1);
        assertThat(poll(a)).isEqualTo(PollTable.POLLIN | PollTable.POLLOUT);
    }

    @Test
    void releaseDisarmsPendingPollCallbacks() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        Fence f = fence();
        add(a, f, ResvUsage.WRITE);
        AtomicInteger wakes = new AtomicInteger();
        assertThat(a.file().ops().poll(a.file(), q -> q.add(wakes::incrementAndGet)))
                .isZero();
        assertThat(a.file().refCount()).isEqualTo(1);
        a.put();
        assertThat(released).hasSize(1);
        assertThat(registry.count()).isZero();
        f.signal();
        assertThat(wakes).hasValue(0);
    }

    @Test
    void attachmentsAreListed() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        DmaBufAttachment x = a.attach("vgem");
        DmaBufAttachment y = a.attach("i915");
        assertThat(a.attachmentCount()).isEqualTo(2);
        a.detach(x);
        assertThat(a.attachmentCount()).isEqualTo(1);
        assertThat(y.device()).isEqualTo("i915");
        DmaBuf b = export(4096, OpenFile.O_RDWR);
        assertThatThrownBy(() -> b.detach(y)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bufinfo() {
        DmaBuf a = export(4096, OpenFile.O_RDWR);
        DmaBuf b = export(8192, OpenFile.O_RDONLY);
        b.setName("named");
        b.get();
        Fence w = Fence.create(clock, "vgem", "unbound", 4242, 1);
        add(a, w, ResvUsage.WRITE);
        a.attach("vgem");
        String expected = "\nDma-buf Objects:\n"
                + "size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"
                + "00008192\t00000000\t00080005\t00000002\ttest\t00000002\tnamed\n"
                + "\tAttached Devices:\n"
                + "Total 0 devices attached\n\n"
                + "00004096\t00000002\t00080007\t00000001\ttest\t00000001\t<none>\n"
                + "\twrite fence:4242:1 unbound vgem unsignalled\n"
                + "\tAttached Devices:\n"
                + "\tvgem\n"
                + "Total 1 devices attached\n\n"
                + "\nTotal 2 objects, 12288 bytes\n";
        assertThat(registry.bufinfo()).isEqualTo(expected);
        w.signal();
        assertThat(registry.bufinfo()).contains("\twrite fence:4242:1   signalled\n");
    }

    @Test
    void emptyBufinfo() {
        assertThat(registry.bufinfo())
                .isEqualTo("\nDma-buf Objects:\n"
                        + "size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"
                        + "\nTotal 0 objects, 0 bytes\n");
    }

    @Test
    void sharedReservationAndFdInstall() {
        Reservation shared = new Reservation();
        BufferMemory memory = BufferAllocator.anonymous().allocate(4096);
        DmaBuf a =
                DmaBuf.export(registry, new DmaBufExportInfo("test", exporter, new Object(), 4000, 2, shared, memory));
        memory.put();
        assertThat(a.resv()).isSameAs(shared);
        assertThat(a.size()).isEqualTo(4000);
        TestTask task = TestTask.unprivileged("t");
        int fd = a.fd(task, OpenFile.O_CLOEXEC);
        assertThat(a.file().refCount()).isEqualTo(2);
        DmaBuf got = DmaBuf.get(task, fd);
        assertThat(got).isSameAs(a);
        assertThat(a.file().refCount()).isEqualTo(3);
        assertThatThrownBy(() -> new DmaBufExportInfo("x", exporter, this, 8192, 0, null, memory))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
