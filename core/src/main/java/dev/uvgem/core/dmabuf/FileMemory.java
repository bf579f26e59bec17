package dev.uvgem.core.dmabuf;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Buffer memory in a file of its own (sparse, so it reads as zeros), mapped shared: another process that maps
 * the same file sees the same bytes. The file is created on first use and removed on free.
 */
final class FileMemory extends BufferMemory {
    private final Path directory;
    private Path file;
    private Arena arena;

    FileMemory(Path directory, long size) {
        super(size);
        this.directory = directory;
    }

    @Override
    public Path backingFile() {
        segment();
        synchronized (this) {
            return file;
        }
    }

    @Override
    protected MemorySegment populate(long size) {
        Path f = null;
        Arena a = Arena.ofShared();
        try {
            f = Files.createTempFile(directory, "uvgem-bo-", ".mem");
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(1), size - 1);
                MemorySegment s = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, a);
                file = f;
                arena = a;
                return s;
            }
        } catch (IOException e) {
            a.close();
            deleteQuietly(f);
            throw new ErrnoException(Errno.ENOMEM, "cannot create buffer file: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            a.close();
            deleteQuietly(f);
            throw e;
        }
    }

    @Override
    protected void free(MemorySegment populated) {
        Arena a;
        Path f;
        synchronized (this) {
            a = arena;
            f = file;
            arena = null;
            file = null;
        }
        if (a != null) {
            a.close();
        }
        deleteQuietly(f);
    }

    private static void deleteQuietly(Path f) {
        if (f == null) {
            return;
        }
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // A leftover file in a temporary directory is harmless: the memory is already unmapped.
        }
    }
}
