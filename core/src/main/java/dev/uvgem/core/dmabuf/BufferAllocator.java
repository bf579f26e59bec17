package dev.uvgem.core.dmabuf;

import java.nio.file.Path;

/**
 * Where buffer memory comes from: the kernel's shmem in uvgem. One allocator per kernel; drivers allocate every
 * buffer through it, so the daemon can choose memory that other processes can map without copies.
 *
 * <p>Thread-safety: implementations are safe for concurrent use.
 */
@FunctionalInterface
public interface BufferAllocator {
    /**
     * Creates the memory of a buffer of {@code size} bytes, holding one reference for the caller. The bytes are
     * allocated lazily and read as zero.
     *
     * <p>Context: any thread; never blocks.
     *
     * @param size a positive multiple of the page size
     */
    BufferMemory allocate(long size);

    /** Returns the allocator of off-heap memory private to this JVM. */
    static BufferAllocator anonymous() {
        return AnonymousMemory::new;
    }

    /**
     * Returns an allocator that backs each buffer with its own file in {@code directory} (a tmpfs such as
     * {@code /dev/shm} for zero-copy sharing with other processes); the file is removed when the memory is freed.
     */
    static BufferAllocator files(Path directory) {
        return size -> new FileMemory(directory, size);
    }
}
