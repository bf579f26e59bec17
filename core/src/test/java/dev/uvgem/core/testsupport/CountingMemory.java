package dev.uvgem.core.testsupport;

import dev.uvgem.core.dmabuf.BufferAllocator;
import dev.uvgem.core.dmabuf.BufferMemory;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Anonymous buffer memory that counts how often it is freed (exactly once, or the reference counting is wrong),
 * and {@link Allocator}, which hands it out and keeps every buffer for leak checks.
 *
 * <p>Thread-safety: as {@link BufferMemory}; the count is atomic.
 */
public final class CountingMemory extends BufferMemory {
    private final BufferMemory inner;
    /** Number of frees (must end at exactly one). */
    public final AtomicInteger frees;

    /** Creates {@code size} bytes of memory counting its frees in {@code frees}. */
    public CountingMemory(long size, AtomicInteger frees) {
        super(size);
        this.inner = BufferAllocator.anonymous().allocate(size);
        this.frees = frees;
    }

    /** Creates {@code size} bytes of memory with a count of its own. */
    public CountingMemory(long size) {
        this(size, new AtomicInteger());
    }

    @Override
    protected MemorySegment populate(long size) {
        return inner.segment();
    }

    @Override
    protected void free(MemorySegment populated) {
        frees.incrementAndGet();
        inner.put();
    }

    /**
     * An allocator of counting memory that records every buffer. Thread-safety: safe for concurrent use; the
     * record is guarded by the allocator's monitor.
     */
    public static final class Allocator implements BufferAllocator {
        private final List<CountingMemory> all = new ArrayList<>();

        @Override
        public synchronized BufferMemory allocate(long size) {
            CountingMemory c = new CountingMemory(size);
            all.add(c);
            return c;
        }

        /** Returns every buffer allocated so far. */
        public synchronized List<CountingMemory> all() {
            return List.copyOf(all);
        }

        /** Returns the number of buffers not yet freed. */
        public synchronized int live() {
            return (int) all.stream().filter(c -> !c.isFreed()).count();
        }
    }
}
