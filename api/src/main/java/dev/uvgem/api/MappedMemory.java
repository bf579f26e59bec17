package dev.uvgem.api;

import java.lang.foreign.MemorySegment;

/**
 * A shared mapping of a buffer: the bytes every process that maps the same buffer sees. Closing it is the munmap;
 * the buffer's memory stays alive while any mapping, handle or dma-buf refers to it.
 *
 * <p>Thread-safety: the memory is shared; order access with fences. {@link #close()} is idempotent.
 */
public interface MappedMemory extends AutoCloseable {
    /** Returns the mapped bytes. Must not be used after {@link #close()}. */
    MemorySegment segment();

    /** Unmaps. */
    @Override
    void close();
}
