package dev.uvgem.uapi;

/**
 * Memory-mapping constants of x86-64 Linux ({@code asm-generic/mman-common.h}) and the page size mmap offsets
 * and lengths are measured in.
 *
 * <p>Thread-safety: constants only.
 */
public final class Mman {
    /** The page size: mmap offsets are multiples of it and lengths are rounded up to it. */
    public static final int PAGE_SIZE = 4096;
    /** log2 of {@link #PAGE_SIZE}. */
    public static final int PAGE_SHIFT = 12;

    /** Pages may be read. */
    public static final int PROT_READ = 0x1;
    /** Pages may be written. */
    public static final int PROT_WRITE = 0x2;
    /** Pages may be executed. */
    public static final int PROT_EXEC = 0x4;

    /** Share changes. */
    public static final int MAP_SHARED = 0x01;
    /** Changes are private. */
    public static final int MAP_PRIVATE = 0x02;

    private Mman() {}

    /** Rounds {@code n} up to a whole number of pages, as {@code PAGE_ALIGN}; -1 if that overflows a long. */
    public static long pageAlign(long n) {
        long r = (n + PAGE_SIZE - 1) & -(long) PAGE_SIZE;
        return r < n ? -1 : r;
    }
}
