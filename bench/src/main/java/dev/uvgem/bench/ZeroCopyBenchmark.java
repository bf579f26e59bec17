package dev.uvgem.bench;

import dev.uvgem.api.BufferObject;
import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.MappedMemory;
import dev.uvgem.api.Uvgem;
import dev.uvgem.api.VgemDevice;
import dev.uvgem.client.UvgemClient;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Zero copy between processes: a producer connection fills an 8 MiB vgem buffer (2048x1024 at 32 bpp) through its
 * MMAP of the daemon's file, and a consumer connection, which received the dma-buf by FD_SEND/FD_RECV, checksums
 * it through its own MMAP: the same pages, no byte through a socket. The baseline is what one process pays to
 * move 8 MiB itself: a memcpy ({@link MemorySegment#copy}) between two 8 MiB buffers.
 *
 * <p>Allocation and first touch stay off that frame path (the buffer and both mappings are made and touched once,
 * in setup); {@link #allocateMapFirstTouch} measures them on their own: create, map, touch every page, unmap and
 * free, through the client.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class ZeroCopyBenchmark {
    static final int WIDTH = 2048;
    static final int HEIGHT = 1024;
    static final long FRAME_BYTES = 8L << 20;
    static final long PAGE = 4096;

    BenchDaemon daemon;
    Uvgem producer;
    Uvgem consumer;
    VgemDevice vgem;
    BufferObject bo;
    DmaBufFd theirs;
    MappedMemory mine;
    MappedMemory their;
    Arena arena;
    MemorySegment src;
    MemorySegment dst;
    byte frame;

    @Setup(Level.Trial)
    public void start() throws IOException {
        daemon = new BenchDaemon();
        producer = UvgemClient.connect(daemon.socket(), "producer");
        consumer = UvgemClient.connect(daemon.socket(), "consumer");
        vgem = producer.openVgem();
        bo = vgem.createDumb(WIDTH, HEIGHT, 32);
        try (DmaBufFd exported = bo.export(true)) {
            theirs = consumer.receive(exported.send()).asDmaBuf();
        }
        mine = bo.map();
        their = theirs.map(false);
        mine.segment().fill((byte) 1); // first touch, off the measured path
        checksum(their.segment());
        arena = Arena.ofShared();
        src = arena.allocate(FRAME_BYTES, PAGE).fill((byte) 1);
        dst = arena.allocate(FRAME_BYTES, PAGE).fill((byte) 2);
    }

    @TearDown(Level.Trial)
    public void stop() {
        arena.close();
        mine.close();
        their.close();
        theirs.close();
        bo.close();
        vgem.close();
        consumer.close();
        producer.close();
        daemon.close();
    }

    /** Sums the frame as longs: the consumer reading every byte. */
    static long checksum(MemorySegment s) {
        long sum = 0;
        long n = s.byteSize() / 8;
        for (long i = 0; i < n; i++) {
            sum += s.getAtIndex(ValueLayout.JAVA_LONG, i);
        }
        return sum;
    }

    /** One frame: the producer writes 8 MiB, the other process reads them through its own mapping. */
    @Benchmark
    public long fillThenChecksumAcrossProcesses() {
        mine.segment().fill(++frame);
        return checksum(their.segment());
    }

    /** The baseline: one process copies 8 MiB. */
    @Benchmark
    public MemorySegment memcpy() {
        return dst.copyFrom(src);
    }

    /** What the frame path leaves out: a new 8 MiB buffer made, mapped, touched page by page, and freed. */
    @Benchmark
    public long allocateMapFirstTouch() {
        try (BufferObject b = vgem.createDumb(WIDTH, HEIGHT, 32);
                MappedMemory m = b.map()) {
            MemorySegment s = m.segment();
            for (long off = 0; off < s.byteSize(); off += PAGE) {
                s.set(ValueLayout.JAVA_BYTE, off, (byte) 1);
            }
            return s.byteSize();
        }
    }
}
