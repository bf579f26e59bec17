package dev.uvgem.core.vfs;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.nio.ByteBuffer;

/**
 * The operations of an open file, as {@code struct file_operations}: what ioctl, poll, read, lseek, mmap and the
 * last close do on a dma-buf, a sync_file, a DRM device file, a sw_sync timeline or a debugfs text. The syscall
 * layer owns fd tables and dispatches here; every method reports failure by throwing {@link ErrnoException}
 * with the errno the kernel returns. Each default is the kernel's answer for a file that lacks the operation.
 *
 * <p>Thread-safety: implementations must be safe for concurrent calls on one file, as on Linux.
 */
public interface FileOps {
    /**
     * Handles an ioctl. {@code arg} holds the bytes the third argument points at ({@code _IOC_SIZE(cmd)} bytes of
     * a struct, little-endian, position 0); the handler reads and updates them in place, and the syscall layer
     * copies them back where the code has the read direction.
     *
     * <p>Context: the calling process ({@code task}); may sleep if the ioctl waits. Locking: called with no lock of
     * the syscall layer held; the file stays referenced for the call. Default: ENOTTY.
     *
     * @return the ioctl's non-negative return value
     */
    default long ioctl(OpenFile file, int cmd, ByteBuffer arg, Task task) {
        throw new ErrnoException(Errno.ENOTTY);
    }

    /**
     * Returns the ready events (Linux POLL* bits) and, if {@code table} is not null, registers it on every wait
     * queue whose wake-up could change the answer, as {@code poll_wait} does.
     *
     * <p>Context: any thread, never sleeps. Locking: called with no lock of the syscall layer held; may take the
     * file's own locks briefly. Default: readable and writable, as for a file without poll.
     */
    default int poll(OpenFile file, PollTable table) {
        return PollTable.DEFAULT_POLLMASK;
    }

    /**
     * Reads up to {@code dst.remaining()} bytes at the file position.
     *
     * <p>Context: the calling process; may sleep unless the file is non-blocking. Locking: called with no lock of
     * the syscall layer held; must not sleep holding a lock its waker needs. Default: EINVAL.
     *
     * @return the number of bytes read, 0 at end of file
     */
    default int read(OpenFile file, ByteBuffer dst, Task task) {
        throw new ErrnoException(Errno.EINVAL);
    }

    /**
     * Moves the file position. Default: ESPIPE, as for a file without llseek.
     *
     * <p>Context: the calling process, never sleeps. Locking: called with no lock of the syscall layer held; the
     * position is guarded by the {@link OpenFile} itself.
     *
     * @return the new position
     */
    default long lseek(OpenFile file, long offset, int whence) {
        throw new ErrnoException(Errno.ESPIPE);
    }

    /**
     * Maps {@code length} bytes of the file at {@code offset}. Default: ENODEV, as for a file without mmap.
     *
     * <p>Context: the calling process. Locking: called with no lock of the syscall layer held.
     */
    default Mapping mmap(OpenFile file, long offset, long length, int prot, Task task) {
        throw new ErrnoException(Errno.ENODEV);
    }

    /**
     * Releases the file when its last reference goes, as {@code release}.
     *
     * <p>Context: whoever dropped the last reference (a close, a process exit, a mapping's unmap). Must not fail.
     * Locking: runs on that thread, so it must take no lock a thread dropping a reference may hold.
     */
    default void release(OpenFile file) {}
}
