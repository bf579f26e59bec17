package dev.uvgem.drivers.display;

import dev.uvgem.core.vfs.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * {@code get_user} / {@code put_user} of u32 and u64 array elements through an ioctl's user pointers: a NULL or
 * unmapped pointer is EFAULT.
 *
 * <p>Thread-safety: stateless.
 */
final class UserCopy {
    private UserCopy() {}

    /** Reads element {@code index} of the user u32 array at {@code base}; EFAULT for a bad pointer. */
    static int getU32(Task task, long base, long index) {
        return le(task.user().read(base + 4 * index, 4)).getInt(0);
    }

    /** Reads element {@code index} of the user u64 array at {@code base}; EFAULT for a bad pointer. */
    static long getU64(Task task, long base, long index) {
        return le(task.user().read(base + 8 * index, 8)).getLong(0);
    }

    /** Writes element {@code index} of the user u32 array at {@code base}; EFAULT for a bad pointer. */
    static void putU32(Task task, long base, long index, int value) {
        byte[] b = new byte[4];
        le(b).putInt(0, value);
        task.user().write(base + 4 * index, b);
    }

    /** Writes element {@code index} of the user u64 array at {@code base}; EFAULT for a bad pointer. */
    static void putU64(Task task, long base, long index, long value) {
        byte[] b = new byte[8];
        le(b).putLong(0, value);
        task.user().write(base + 8 * index, b);
    }

    /**
     * Copies ids into the user array at {@code base} while they fit in {@code capacity} (unsigned), one {@code
     * put_user} each, as the resource listings do, and returns how many there are.
     *
     * @throws ErrnoException EFAULT at the first id that cannot be written
     */
    static int putIds(Task task, long base, int capacity, List<Integer> ids) {
        for (int i = 0; i < ids.size(); i++) {
            if (Integer.compareUnsigned(i, capacity) < 0) {
                putU32(task, base, i, ids.get(i));
            }
        }
        return ids.size();
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
