package dev.uvgem.sys;

import dev.uvgem.core.vfs.Device;
import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A read-only debugfs text file ({@code dma_buf/bufinfo}, {@code sync/info}): each open renders the text once from
 * its generator and the file then serves that snapshot, so a reader that reads in pieces sees one consistent
 * state. Reads return bytes from the file position (0 at the end); lseek takes SEEK_SET and SEEK_CUR, as the
 * kernel's seq_file does (SEEK_END and the rest: EINVAL), and refuses a negative result with EINVAL.
 *
 * <p>Thread-safety: safe for concurrent opens; the generator must be too. Locking: reads and seeks on one open
 * file are serialised on the file's monitor; the generator runs at open with no lock of this file held.
 */
public final class DebugfsText implements Device {
    private static final FileOps OPS = new TextOps();

    private final Supplier<String> generator;

    /** Creates a text file rendered by {@code generator} at each open. */
    public DebugfsText(Supplier<String> generator) {
        this.generator = Objects.requireNonNull(generator, "generator");
    }

    /**
     * Renders the text and opens a file on the snapshot.
     *
     * <p>Context: the opening process; runs the generator. Locking: whatever the generator takes (bufinfo: the
     * dma-buf registry's monitor, then each buffer's reservation lock).
     */
    @Override
    public OpenFile open(int flags, Task task) {
        String text = Objects.requireNonNull(generator.get(), "debugfs generator returned null");
        return new OpenFile(OPS, new Snapshot(text.getBytes(StandardCharsets.UTF_8)), flags);
    }

    /** The rendered text of one open. */
    private record Snapshot(byte[] text) {}

    private static final class TextOps implements FileOps {
        @Override
        public int read(OpenFile file, ByteBuffer dst, Task task) {
            byte[] text = file.privateData(Snapshot.class, Errno.EINVAL).text();
            synchronized (file) {
                long pos = file.position();
                if (pos >= text.length) {
                    return 0;
                }
                int n = (int) Math.min(dst.remaining(), text.length - pos);
                dst.put(text, (int) pos, n);
                file.position(pos + n);
                return n;
            }
        }

        @Override
        public long lseek(OpenFile file, long offset, int whence) {
            file.privateData(Snapshot.class, Errno.EINVAL);
            synchronized (file) {
                long base = switch (whence) {
                    case Process.SEEK_SET -> 0;
                    case Process.SEEK_CUR -> file.position();
                    default -> throw new ErrnoException(Errno.EINVAL);
                };
                long pos = base + offset;
                if (((base ^ pos) & (offset ^ pos)) < 0 || pos < 0) { // overflow, or before the start
                    throw new ErrnoException(Errno.EINVAL);
                }
                file.position(pos);
                return pos;
            }
        }
    }
}
