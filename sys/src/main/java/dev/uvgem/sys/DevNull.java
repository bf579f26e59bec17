package dev.uvgem.sys;

import dev.uvgem.core.vfs.Device;
import dev.uvgem.core.vfs.FileOps;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.core.vfs.Task;
import java.nio.ByteBuffer;

/**
 * {@code /dev/null}, as the null device of {@code drivers/char/mem.c}: reads are at end of file, seeks stay at 0,
 * ioctls are ENOTTY. Suites use it as an fd of the wrong kind (IGT's syncobj_eventfd hands it to EVENTFD).
 *
 * <p>Thread-safety: stateless.
 */
public final class DevNull implements Device, FileOps {
    /** The one instance. */
    public static final DevNull INSTANCE = new DevNull();

    private DevNull() {}

    /** Opens a new file on the null device. Context: any thread, never blocks. Locking: none. */
    @Override
    public OpenFile open(int flags, Task task) {
        return new OpenFile(this, this, flags);
    }

    /** End of file, always. */
    @Override
    public int read(OpenFile file, ByteBuffer dst, Task task) {
        return 0;
    }

    /** Position 0, always, as {@code null_lseek}. */
    @Override
    public long lseek(OpenFile file, long offset, int whence) {
        return 0;
    }
}
