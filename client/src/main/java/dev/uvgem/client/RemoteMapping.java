package dev.uvgem.client;

import dev.uvgem.api.MappedMemory;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.Mman;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A client's shared mapping of a buffer the daemon named by MMAP: the daemon's backing file, mapped MAP_SHARED at
 * the offset it gave, in an arena of its own. Every process that maps the same buffer sees the same memory;
 * closing unmaps (the buffer lives on in the daemon while anything refers to it, and tmpfs keeps the pages while
 * any mapping does).
 *
 * <p>Thread-safety: the memory is shared; {@link #close()} is idempotent.
 */
final class RemoteMapping implements MappedMemory {
    private final Arena arena;
    private final MemorySegment segment;
    private boolean closed; // guarded by this

    private RemoteMapping(Arena arena, MemorySegment segment) {
        this.arena = arena;
        this.segment = segment;
    }

    /**
     * Maps {@code length} bytes of {@code file} at {@code offset}, writable if {@code prot} has PROT_WRITE. The
     * file is never grown: one shorter than the range is an error, not a mapping past the buffer.
     *
     * @throws dev.uvgem.uapi.ErrnoException ENOENT if the file is gone (the buffer was freed meanwhile), EACCES if
     *     it may not be opened, EIO for any other failure
     */
    static RemoteMapping map(Path file, long offset, long length, int prot) {
        boolean write = (prot & Mman.PROT_WRITE) != 0;
        Arena arena = Arena.ofShared();
        try (FileChannel ch = write
                ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ)) {
            if (offset < 0 || length < 0 || ch.size() - length < offset) {
                throw Errno.EIO.exception("the daemon's file " + file + " is shorter than the mapping");
            }
            MemorySegment seg = ch.map(
                    write ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, offset, length, arena);
            return new RemoteMapping(arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw Errno.ENOENT.exception("the daemon's file " + file + " is gone");
        } catch (AccessDeniedException e) {
            arena.close();
            throw Errno.EACCES.exception("may not open the daemon's file " + file);
        } catch (IOException e) {
            arena.close();
            throw Errno.EIO.exception("cannot map the daemon's file " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
