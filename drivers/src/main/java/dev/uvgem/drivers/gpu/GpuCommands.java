package dev.uvgem.drivers.gpu;

import dev.uvgem.drivers.drm.GemObject;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.UvGpu;
import dev.uvgem.uapi.UvGpuCmd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The uvgpu command set: validation at submit time and execution on buffer memory at run time. Pixels are
 * ARGB8888 in little-endian 32-bit words (byte order B, G, R, A), as DRM_FORMAT_ARGB8888.
 *
 * <p>Thread-safety: stateless.
 */
final class GpuCommands {
    private static final ValueLayout.OfInt PIXEL = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private GpuCommands() {}

    /**
     * Checks one command against the submit's buffer list: a known op, buffer indices in range with the usage the
     * command needs (READ for a source, WRITE for a destination), ranges inside the buffers, 4-byte alignment for
     * pixel commands, and 0 in every field the command does not use.
     *
     * @param usage the usage flags of each listed buffer
     * @throws ErrnoException EINVAL for anything else
     */
    static void validate(UvGpuCmd c, GemObject[] bos, int[] usage) {
        switch (c.op()) {
            case UvGpu.CMD_FILL -> {
                check(c.src() == 0 && c.srcOffset() == 0);
                checkRange(c.dst(), c.dstOffset(), c.length(), bos, usage, UvGpu.BO_WRITE);
                checkAligned(c.dstOffset(), c.length());
            }
            case UvGpu.CMD_COPY -> {
                check(c.value() == 0);
                checkRange(c.dst(), c.dstOffset(), c.length(), bos, usage, UvGpu.BO_WRITE);
                checkRange(c.src(), c.srcOffset(), c.length(), bos, usage, UvGpu.BO_READ);
            }
            case UvGpu.CMD_BLEND -> {
                check(c.value() >= 0 && c.value() <= 255);
                checkRange(c.dst(), c.dstOffset(), c.length(), bos, usage, UvGpu.BO_WRITE);
                checkRange(c.src(), c.srcOffset(), c.length(), bos, usage, UvGpu.BO_READ);
                checkAligned(c.dstOffset(), c.length());
                checkAligned(c.srcOffset(), 0);
            }
            case UvGpu.CMD_DURATION ->
                check(c.dst() == 0
                        && c.src() == 0
                        && c.value() == 0
                        && c.dstOffset() == 0
                        && c.srcOffset() == 0
                        && c.length() >= 0);
            case UvGpu.CMD_HANG ->
                check(c.dst() == 0
                        && c.src() == 0
                        && c.value() == 0
                        && c.dstOffset() == 0
                        && c.srcOffset() == 0
                        && c.length() == 0);
            default -> throw new ErrnoException(Errno.EINVAL, "unknown command " + c.op());
        }
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new ErrnoException(Errno.EINVAL);
        }
    }

    private static void checkRange(int index, long offset, long length, GemObject[] bos, int[] usage, int need) {
        check(index >= 0 && index < bos.length && (usage[index] & need) != 0);
        check(offset >= 0 && length >= 0 && length <= bos[index].size() && offset <= bos[index].size() - length);
    }

    private static void checkAligned(long offset, long length) {
        check((offset & 3) == 0 && (length & 3) == 0);
    }

    /**
     * Runs a memory command (FILL, COPY, BLEND) on the job's buffers.
     *
     * <p>Context: the GPU engine's executor. Locking: none; the job holds references to its buffers.
     */
    static void execute(UvGpuCmd c, GemObject[] bos) {
        switch (c.op()) {
            case UvGpu.CMD_FILL -> fill(segment(bos, c.dst()).asSlice(c.dstOffset(), c.length()), c.value());
            case UvGpu.CMD_COPY ->
                MemorySegment.copy(
                        segment(bos, c.src()), c.srcOffset(), segment(bos, c.dst()), c.dstOffset(), c.length());
            case UvGpu.CMD_BLEND ->
                blend(
                        segment(bos, c.src()).asSlice(c.srcOffset(), c.length()),
                        segment(bos, c.dst()).asSlice(c.dstOffset(), c.length()),
                        c.value());
            default -> throw new IllegalArgumentException("not a memory command: " + c.op());
        }
    }

    private static MemorySegment segment(GemObject[] bos, int index) {
        return bos[index].memory().segment();
    }

    private static void fill(MemorySegment dst, int value) {
        for (long off = 0; off < dst.byteSize(); off += 4) {
            dst.set(PIXEL, off, value);
        }
    }

    /** Source-over with non-premultiplied alpha: out = src * a + dst * (1 - a), a = srcAlpha * alpha / 255. */
    private static void blend(MemorySegment src, MemorySegment dst, int alpha) {
        for (long off = 0; off < dst.byteSize(); off += 4) {
            dst.set(PIXEL, off, blendPixel(src.get(PIXEL, off), dst.get(PIXEL, off), alpha));
        }
    }

    /** Blends one ARGB8888 pixel; exposed to the package for tests of the arithmetic. */
    static int blendPixel(int s, int d, int alpha) {
        int a = ((s >>> 24) * alpha + 127) / 255;
        int outA = a + ((d >>> 24) * (255 - a) + 127) / 255;
        int out = Math.min(255, outA) << 24;
        for (int shift = 0; shift < 24; shift += 8) {
            int sc = (s >>> shift) & 0xff;
            int dc = (d >>> shift) & 0xff;
            out |= ((sc * a + dc * (255 - a) + 127) / 255) << shift;
        }
        return out;
    }
}
