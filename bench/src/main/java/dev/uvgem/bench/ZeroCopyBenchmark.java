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
 * <p>The frame path is a steady-state pipeline's: the buffer is allocated, both processes map it and both mappings
 * are pre-faulted once, in setup, and every frame reuses them. Each side runs the best plain Java for its pass, as
 * the baseline does for its copy: the producer stores every long of the frame ({@link #fill}, which C2 turns into
 * 64-byte vector stores; {@link MemorySegment#fill} measured about 1.5x slower here), the consumer sums every long
 * with four independent sums ({@link #checksum}, so that the adds are not one dependency chain). Both are full
 * passes over the 8 MiB and the checksum is returned to JMH; setup checks it once against the value the fill must
 * give. The memcpy baseline is measured both as {@link MemorySegment#copy} and as the same kind of long loop
 * ({@link #memcpyLongLoop}), the faster of which is the fair baseline.
 *
 * <p>{@link #allocateMapFirstTouch} measures what the frame path leaves out: create, map, touch every page, unmap
 * and free, through the client.
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
        // first touch of both mappings, off the measured path, and the one check that the consumer sees the frame
        fill(mine.segment(), pattern((byte) 1));
        long expected = pattern((byte) 1) * (FRAME_BYTES / Long.BYTES);
        long seen = checksum(their.segment());
        if (seen != expected) {
            throw new IllegalStateException("the consumer's checksum is " + seen + ", not " + expected);
        }
        frame = 1;
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

    /**
     * Stores {@code value} in every long of {@code s}: the producer drawing a frame (a loop C2 vectorises).
     */
    static void fill(MemorySegment s, long value) {
        int n = Math.toIntExact(s.byteSize() / Long.BYTES);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(ValueLayout.JAVA_LONG, i, value);
        }
    }

    /**
     * Sums {@code s} as longs: the consumer reading every byte. Four independent sums, so that the loads are not
     * serialised behind one chain of adds; {@code s} is a whole number of 32-byte blocks.
     */
    static long checksum(MemorySegment s) {
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        long s3 = 0;
        long n = s.byteSize();
        for (long off = 0; off < n; off += 32) {
            s0 += s.get(ValueLayout.JAVA_LONG, off);
            s1 += s.get(ValueLayout.JAVA_LONG, off + 8);
            s2 += s.get(ValueLayout.JAVA_LONG, off + 16);
            s3 += s.get(ValueLayout.JAVA_LONG, off + 24);
        }
        return s0 + s1 + s2 + s3;
    }

    /** The long every long of a frame filled with byte {@code b} holds. */
    static long pattern(byte b) {
        return (b & 0xffL) * 0x0101_0101_0101_0101L;
    }

    /** One frame: the producer writes 8 MiB, the other process reads them through its own mapping. */
    @Benchmark
    public long fillThenChecksumAcrossProcesses() {
        fill(mine.segment(), pattern(++frame));
        return checksum(their.segment());
    }

    /** The baseline: one process copies 8 MiB ({@link MemorySegment#copy}). */
    @Benchmark
    public MemorySegment memcpy() {
        return dst.copyFrom(src);
    }

    /** The same copy as a long loop, as the frame's passes are written. */
    @Benchmark
    public MemorySegment memcpyLongLoop() {
        int n = Math.toIntExact(FRAME_BYTES / Long.BYTES);
        for (int i = 0; i < n; i++) {
            dst.setAtIndex(ValueLayout.JAVA_LONG, i, src.getAtIndex(ValueLayout.JAVA_LONG, i));
        }
        return dst;
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
