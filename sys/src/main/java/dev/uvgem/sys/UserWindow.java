package dev.uvgem.sys;

import dev.uvgem.core.vfs.UserMemory;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The user memory an ioctl's pointer fields reach (the contract's {@code user} window): the bytes of an array
 * mapped at user address {@link #USER_BASE}. Pointer 0 is NULL; an access touching any byte outside
 * {@code [USER_BASE, USER_BASE + length)} fails with EFAULT, as {@code copy_from_user}/{@code copy_to_user} on an
 * unmapped address. An access of zero bytes touches nothing and succeeds, as on Linux.
 *
 * <p>The window wraps the array without copying: what an ioctl writes is in {@link #bytes()} afterwards, which is
 * what the reply carries.
 *
 * <p>Thread-safety: reads and writes are atomic with respect to each other (the window's monitor).
 */
public final class UserWindow implements UserMemory {
    /** The user address of the window's first byte. */
    public static final long USER_BASE = 0x1000_0000L;

    private static final byte[] NOTHING = new byte[0];
    private static final UserWindow EMPTY = new UserWindow(NOTHING);

    private final byte[] memory;

    /** Maps {@code memory} (not copied) at {@link #USER_BASE}. */
    public UserWindow(byte[] memory) {
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    /** Returns a window of no bytes: every non-empty access faults. */
    public static UserWindow empty() {
        return EMPTY;
    }

    /** Returns the window's bytes (the array it wraps, as the calls left it). */
    public byte[] bytes() {
        return memory;
    }

    /** Returns the window's length in bytes. */
    public int length() {
        return memory.length;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Context: the ioctl's thread, never blocks. Locking: takes the window's monitor briefly.
     */
    @Override
    public synchronized byte[] read(long address, int length) {
        if (length == 0) {
            return NOTHING;
        }
        int from = offset(address, length);
        return Arrays.copyOfRange(memory, from, from + length);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Context: the ioctl's thread, never blocks. Locking: takes the window's monitor briefly.
     */
    @Override
    public synchronized void write(long address, byte[] data) {
        if (data == null) {
            throw new ErrnoException(Errno.EFAULT);
        }
        if (data.length == 0) {
            return;
        }
        System.arraycopy(data, 0, memory, offset(address, data.length), data.length);
    }

    /** Returns the array offset of {@code [address, address + length)}, or throws EFAULT if it is not inside. */
    private int offset(long address, int length) {
        if (length < 0 || address < USER_BASE || address - USER_BASE > (long) memory.length - length) {
            throw new ErrnoException(Errno.EFAULT);
        }
        return (int) (address - USER_BASE);
    }

    @Override
    public String toString() {
        return "UserWindow[0x" + Long.toHexString(USER_BASE) + "+" + memory.length + "]";
    }
}
