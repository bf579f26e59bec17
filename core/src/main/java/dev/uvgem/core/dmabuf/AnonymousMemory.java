package dev.uvgem.core.dmabuf;

import dev.uvgem.uapi.Mman;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Buffer memory in page-aligned off-heap memory of this JVM, from a shared arena closed on free. */
final class AnonymousMemory extends BufferMemory {
    private Arena arena;

    AnonymousMemory(long size) {
        super(size);
    }

    @Override
    protected MemorySegment populate(long size) {
        Arena a = Arena.ofShared();
        try {
            MemorySegment s = a.allocate(size, Mman.PAGE_SIZE);
            arena = a;
            return s;
        } catch (RuntimeException | Error e) {
            a.close();
            throw e;
        }
    }

    @Override
    protected void free(MemorySegment populated) {
        Arena a;
        synchronized (this) {
            a = arena;
            arena = null;
        }
        if (a != null) {
            a.close();
        }
    }
}
