package dev.uvgem.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.uapi.Drm;
import dev.uvgem.uapi.DrmGemClose;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ModeCreateDumb;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** MMAP names a file both processes map shared: the same bytes, no copy through the socket. */
class MmapTest extends DaemonTestSupport {
    static final int PROT_RW = 3;
    static final long EINVAL = Errno.EINVAL.negative();

    /** The MMAP reply: the file and the offset in it. */
    record Mapped(Path file, long offset) {}

    static Mapped mmap(RawClient c, int fd, long offset, long length, int prot) {
        Reply r = c.call(Op.MMAP, Body.of().i32(fd).i64(offset).i64(length).u32(prot));
        assertThat(r.result()).isZero();
        Mapped m = new Mapped(Path.of(r.str()), r.i64());
        assertThat(r.fullyRead()).isTrue();
        return m;
    }

    static long mmapResult(RawClient c, int fd, long offset, long length, int prot) {
        Reply r = c.call(Op.MMAP, Body.of().i32(fd).i64(offset).i64(length).u32(prot));
        if (r.result() < 0) {
            assertThat(r.bodyLength()).isZero();
        }
        return r.result();
    }

    static MemorySegment map(Mapped m, long length, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(m.file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, m.offset(), length, arena);
        }
    }

    @Test
    void twoConnectionsMapTheSameBytes() throws IOException {
        RawClient producer = user("producer");
        RawClient consumer = user("consumer");
        int card = Calls.openCard(producer);
        ModeCreateDumb bo = Calls.createDumb(producer, card, 256, 256);
        int dmabuf = Calls.export(producer, card, bo.handle());
        int received = (int) Calls.fdRecv(consumer, Calls.fdSend(producer, dmabuf));

        Mapped gem = mmap(producer, card, Calls.mapDumb(producer, card, bo.handle()), bo.size(), PROT_RW);
        Mapped dma = mmap(consumer, received, 0, bo.size(), PROT_RW);
        assertThat(gem.file()).isEqualTo(dma.file()).hasParent(daemon.memoryDirectory());
        assertThat(gem.offset()).isZero();
        assertThat(dma.offset()).isZero();
        assertThat(Files.getPosixFilePermissions(gem.file(), LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(daemon.memoryDirectory()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));

        try (Arena a = Arena.ofShared();
                Arena b = Arena.ofShared()) {
            MemorySegment written = map(gem, bo.size(), a);
            MemorySegment read = map(dma, bo.size(), b);
            for (long i = 0; i < bo.size(); i += 4) {
                written.set(ValueLayout.JAVA_INT_UNALIGNED, i, (int) (i * 31 + 7));
            }
            for (long i = 0; i < bo.size(); i += 4) {
                if (read.get(ValueLayout.JAVA_INT_UNALIGNED, i) != (int) (i * 31 + 7)) {
                    throw new AssertionError("byte " + i + " differs between the two mappings");
                }
            }
        }
    }

    @Test
    void aMappingAtAnOffsetNamesItsOffsetInTheFile() throws IOException {
        RawClient c = user("t");
        int card = Calls.openCard(c);
        ModeCreateDumb bo = Calls.createDumb(c, card, 1024, 4); // 16 KiB
        int dmabuf = Calls.export(c, card, bo.handle());
        Mapped whole = mmap(c, dmabuf, 0, bo.size(), PROT_RW);
        Mapped tail = mmap(c, dmabuf, 8192, 4096, 1);
        assertThat(tail.file()).isEqualTo(whole.file());
        assertThat(tail.offset()).isEqualTo(8192);
        try (Arena arena = Arena.ofConfined()) {
            map(whole, bo.size(), arena).set(ValueLayout.JAVA_LONG_UNALIGNED, 8192, 0x1122334455667788L);
            assertThat(map(tail, 4096, arena).get(ValueLayout.JAVA_LONG_UNALIGNED, 0))
                    .isEqualTo(0x1122334455667788L);
        }
    }

    @Test
    void errors() {
        RawClient c = user("t");
        int card = Calls.openCard(c);
        ModeCreateDumb bo = Calls.createDumb(c, card, 64, 64); // 16 KiB
        int dmabuf = Calls.export(c, card, bo.handle());
        long size = bo.size();
        assertThat(mmapResult(c, dmabuf, 0, size + 4096, PROT_RW))
                .as("past the end")
                .isEqualTo(EINVAL);
        assertThat(mmapResult(c, dmabuf, size, 4096, PROT_RW))
                .as("offset at the end")
                .isEqualTo(EINVAL);
        assertThat(mmapResult(c, dmabuf, 0, 0, PROT_RW)).as("zero length").isEqualTo(EINVAL);
        assertThat(mmapResult(c, dmabuf, 0, -1, PROT_RW))
                .as("a u64 length of 2^64-1")
                .isEqualTo(EINVAL);
        assertThat(mmapResult(c, dmabuf, 0, 1L << 48, PROT_RW)).isEqualTo(EINVAL);
        assertThat(mmapResult(c, dmabuf, 100, 4096, PROT_RW))
                .as("unaligned offset")
                .isEqualTo(EINVAL);
        assertThat(mmapResult(c, dmabuf, -4096, 4096, PROT_RW))
                .as("offset >= 2^63")
                .isEqualTo(EINVAL);
        assertThat(mmapResult(c, card, 1L << 32, 4096, PROT_RW))
                .as("no object at the fake offset")
                .isEqualTo(EINVAL);
        assertThat(mmapResult(c, 99, 0, 4096, PROT_RW)).isEqualTo(Errno.EBADF.negative());
        int efd = (int) c.result(Op.EVENTFD, Body.of().u32(0).u32(0));
        assertThat(mmapResult(c, efd, 0, 4096, PROT_RW)).isEqualTo(Errno.ENODEV.negative());
        assertThat(c.result(Op.MMAP, Body.of().i32(dmabuf).i64(0).i64(4096))).isEqualTo(EINVAL);
    }

    @Test
    void theBackingFileGoesWhenTheBufferIsFreedAndExistingMappingsKeepTheirBytes() throws IOException {
        RawClient a = user("a");
        RawClient b = user("b");
        int card = Calls.openCard(a);
        ModeCreateDumb bo = Calls.createDumb(a, card, 64, 64);
        int dmabuf = Calls.export(a, card, bo.handle());
        int theirs = (int) Calls.fdRecv(b, Calls.fdSend(a, dmabuf));
        Mapped m = mmap(b, theirs, 0, bo.size(), PROT_RW);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mine = map(m, bo.size(), arena);
            mine.set(ValueLayout.JAVA_INT, 0, 1234);
            assertThat(memoryFiles()).containsExactly(m.file());

            assertThat(Calls.close(a, dmabuf)).isZero();
            byte[] gemClose = Calls.struct(DrmGemClose.SIZE, x -> new DrmGemClose(bo.handle(), 0).write(x));
            assertThat(Calls.ioctl(a, card, Drm.IOCTL_GEM_CLOSE, gemClose, new byte[0])
                            .result())
                    .isZero();
            assertThat(memoryFiles()).as("b's dma-buf fd keeps the buffer").hasSize(1);
            assertThat(Calls.close(b, theirs)).isZero();

            assertThat(memoryFiles()).as("freed with its last reference").isEmpty();
            assertThat(daemon.devices().vgem().liveObjects()).isZero();
            assertThat(mine.get(ValueLayout.JAVA_INT, 0))
                    .as("a client's own mapping outlives the file")
                    .isEqualTo(1234);
        }
    }
}
