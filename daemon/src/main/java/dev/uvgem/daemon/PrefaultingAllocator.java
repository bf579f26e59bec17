package dev.uvgem.daemon;

import dev.uvgem.core.dmabuf.BufferAllocator;
import dev.uvgem.core.dmabuf.BufferMemory;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's buffer allocator: a file per buffer in its memory directory ({@link BufferAllocator#files}), with
 * every buffer larger than {@value #PREFAULT_ABOVE} bytes (a 1080p frame and up) pre-faulted in the background as
 * soon as it is created: one thread creates its file and touches every page, so that the tmpfs pages exist before
 * the first frame is drawn. A client's first touch of a page then only maps a page that is there (a minor fault)
 * instead of allocating and zeroing it, about 5 us a page here (11 ms for 8 MiB): allocation stays off the frame
 * path, as a GPU driver allocates a buffer's memory when the buffer is created.
 *
 * <p>A pre-fault holds a reference to the memory until it has run, so a buffer freed meanwhile is freed (its file
 * removed) just after. Smaller buffers stay lazy, as shmem is.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} waits briefly for the pre-faults under way.
 */
final class PrefaultingAllocator implements BufferAllocator, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PrefaultingAllocator.class.getName());
    /** Buffers larger than this are pre-faulted. */
    static final long PREFAULT_ABOVE = 4L << 20;

    private final BufferAllocator files;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("uvgem-prefault").factory());

    PrefaultingAllocator(BufferAllocator files) {
        this.files = files;
    }

    /**
     * Creates the memory and, if it is large, queues its pre-fault.
     *
     * <p>Context: any thread; never blocks (the pre-fault runs on the allocator's own thread).
     */
    @Override
    public BufferMemory allocate(long size) {
        BufferMemory memory = files.allocate(size);
        if (size > PREFAULT_ABOVE) {
            memory.get(); // the pre-fault's own reference
            try {
                worker.execute(() -> prefault(memory));
            } catch (RejectedExecutionException e) { // closing
                memory.put();
            }
        }
        return memory;
    }

    private static void prefault(BufferMemory memory) {
        try {
            if (memory.refCount() > 1) { // else everyone else let go already: nothing to prepare
                memory.segment().load();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "pre-faulting a buffer failed; its pages fault in on first use", e);
        } finally {
            memory.put();
        }
    }

    /** Stops the pre-fault thread after the pre-faults under way (waiting at most a second). */
    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
