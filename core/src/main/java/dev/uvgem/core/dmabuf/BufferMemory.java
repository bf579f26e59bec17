package dev.uvgem.core.dmabuf;

import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import dev.uvgem.uapi.Mman;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of one buffer: what a GEM object's shmem file and its pages are in the kernel. A page-aligned,
 * zero-filled block of memory shared by everyone holding the buffer — the GEM object, the dma-buf exported from
 * it, a GEM object importing that dma-buf, and every {@link Mapping}.
 *
 * <p>Lifetime: reference-counted explicitly. {@link BufferAllocator#allocate} returns the memory with one
 * reference owned by the caller; each holder takes its own with {@link #get()} and drops it with {@link #put()}.
 * The last {@code put} frees the memory (closes its arena, removes its file), exactly once. The memory itself is
 * allocated lazily, on the first {@link #segment()} (a first map or touch), so buffers never touched cost
 * nothing.
 *
 * <p>Subclasses choose where the bytes live: {@link BufferAllocator#anonymous()} keeps them in off-heap memory
 * of this JVM, {@link BufferAllocator#files(Path)} in a file that other processes may map themselves.
 *
 * <p>Thread-safety: safe for concurrent use; population is guarded by the object's monitor, the count is
 * atomic. Accesses through a segment after the last {@code put} fail with {@link IllegalStateException} (the
 * arena is closed), never touch freed memory.
 */
public abstract class BufferMemory {
    private final long size;
    private final AtomicLong refs = new AtomicLong(1);
    private final AtomicBoolean freed = new AtomicBoolean();
    private volatile MemorySegment segment;

    /**
     * Creates the memory of a buffer of {@code size} bytes, with one reference owned by the caller.
     *
     * @throws IllegalArgumentException if {@code size} is not a positive multiple of the page size
     */
    protected BufferMemory(long size) {
        if (size <= 0 || (size & (Mman.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("buffer size must be a positive number of pages: " + size);
        }
        this.size = size;
    }

    /** Returns the size in bytes, a multiple of the page size. */
    public final long size() {
        return size;
    }

    /**
     * Returns the buffer's bytes, allocating them (zero-filled) on the first call.
     *
     * <p>Context: any thread; the first call may allocate. Locking: takes this object's monitor on the first call.
     *
     * @throws IllegalStateException if the memory has been freed
     * @throws ErrnoException ENOMEM if the memory cannot be allocated
     */
    public final MemorySegment segment() {
        MemorySegment s = segment;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (freed.get()) {
                throw new IllegalStateException("buffer memory used after free");
            }
            if (segment == null) {
                try {
                    segment = populate(size);
                } catch (OutOfMemoryError e) {
                    throw new ErrnoException(Errno.ENOMEM, "cannot allocate " + size + " bytes");
                }
            }
            return segment;
        }
    }

    /** Returns whether the bytes have been allocated (the buffer was mapped or touched). */
    public final boolean isPopulated() {
        return segment != null;
    }

    /** Returns whether the last reference has been dropped and the memory freed. */
    public final boolean isFreed() {
        return freed.get();
    }

    /** Returns the number of holders. */
    public final long refCount() {
        return refs.get();
    }

    /**
     * Takes a reference.
     *
     * <p>Context: any thread. The caller must already hold a reference (so the count is never revived from 0).
     *
     * @throws IllegalStateException if the memory has already been freed
     */
    public final BufferMemory get() {
        if (refs.getAndIncrement() <= 0) {
            refs.decrementAndGet();
            throw new IllegalStateException("get on freed buffer memory");
        }
        return this;
    }

    /**
     * Drops a reference; the last one frees the memory.
     *
     * <p>Context: any thread; the free runs on it. Locking: takes this object's monitor when freeing.
     *
     * @throws IllegalStateException if dropped more often than taken
     */
    public final void put() {
        long left = refs.decrementAndGet();
        if (left > 0) {
            return;
        }
        if (left < 0) {
            throw new IllegalStateException("buffer memory put more often than got");
        }
        MemorySegment s;
        synchronized (this) {
            if (!freed.compareAndSet(false, true)) {
                throw new IllegalStateException("buffer memory freed twice");
            }
            s = segment;
            segment = null;
        }
        free(s);
    }

    /**
     * Maps {@code length} bytes at {@code offset}: the mapping holds a reference to this memory until it is
     * closed, and runs {@code onUnmap} once when it is (to drop what else the mapping kept alive: the file, the
     * GEM object).
     *
     * <p>Context: the mapping process; may allocate the memory.
     *
     * @throws IllegalArgumentException if the range lies outside the buffer
     */
    public final Mapping map(long offset, long length, Runnable onUnmap) {
        if (offset < 0 || length <= 0 || offset > size - length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + size);
        }
        MemorySegment slice = segment().asSlice(offset, length);
        get();
        return new BufferMapping(this, slice, offset, onUnmap);
    }

    /** Returns the file holding the bytes, for other processes to map, or null if they live in this JVM only. */
    public Path backingFile() {
        return null;
    }

    /**
     * Allocates the zero-filled bytes; called at most once, on first use.
     *
     * <p>Locking: called with this object's monitor held.
     */
    protected abstract MemorySegment populate(long size);

    /**
     * Frees the bytes; called exactly once, after the last reference is gone.
     *
     * @param populated the segment {@link #populate} returned, or null if the memory was never used
     */
    protected abstract void free(MemorySegment populated);

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + size + " bytes, " + refs.get() + " refs"
                + (freed.get() ? ", freed" : "") + "]";
    }

    /** A live mapping of part of a buffer. */
    private static final class BufferMapping implements Mapping {
        private final BufferMemory memory;
        private final MemorySegment slice;
        private final long offset;
        private final AtomicBoolean closed = new AtomicBoolean();
        private Runnable onUnmap;

        BufferMapping(BufferMemory memory, MemorySegment slice, long offset, Runnable onUnmap) {
            this.memory = memory;
            this.slice = slice;
            this.offset = offset;
            this.onUnmap = onUnmap;
        }

        @Override
        public MemorySegment segment() {
            return slice;
        }

        @Override
        public Path backingFile() {
            return memory.backingFile();
        }

        @Override
        public long backingOffset() {
            return offset;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            Runnable r = onUnmap;
            onUnmap = null;
            try {
                if (r != null) {
                    r.run();
                }
            } finally {
                memory.put();
            }
        }
    }
}
