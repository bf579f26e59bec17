package dev.uvgem.core.vfs;

import java.lang.foreign.MemorySegment;

/**
 * The result of an mmap: the memory a caller may read and write, and what keeps the buffer alive while it is
 * mapped. Closing the mapping is the munmap; the buffer's memory is freed only after its last handle, file and
 * mapping are gone.
 *
 * <p>Thread-safety: the segment is shared memory; synchronise access with fences. {@link #close()} is idempotent.
 */
public interface Mapping extends AutoCloseable {
    /** Returns the mapped bytes (a slice of the buffer, {@code length} bytes long). */
    MemorySegment segment();

    /** Returns the file backing the buffer's memory, for processes that map it themselves, or null if none. */
    default java.nio.file.Path backingFile() {
        return null;
    }

    /** Returns the offset of this mapping within {@link #backingFile()}. */
    default long backingOffset() {
        return 0;
    }

    /** Unmaps: the segment must not be used afterwards by this mapping's owner. */
    @Override
    void close();
}
