package dev.uvgem.core.vfs;

import dev.uvgem.uapi.ErrnoException;

/**
 * A process's user address space as ioctls reach it through pointer fields ({@code copy_from_user} /
 * {@code copy_to_user}). Address 0 is NULL; any access outside the mapped window fails with EFAULT.
 *
 * <p>Thread-safety: implementations are safe for concurrent use.
 */
public interface UserMemory {
    /**
     * Copies {@code length} bytes from user address {@code address}.
     *
     * @throws ErrnoException EFAULT if any byte lies outside the user's memory
     */
    byte[] read(long address, int length);

    /**
     * Copies {@code data} to user address {@code address}.
     *
     * @throws ErrnoException EFAULT if any byte lies outside the user's memory
     */
    void write(long address, byte[] data);
}
