package dev.uvgem.core.cgroup;

import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resources charged to one process, with their limits: the model of a leaf cgroup whose memory controller
 * counts buffer bytes ({@code memory.max}) and whose misc controller counts buffers and outstanding fences. One
 * exists per process; drivers charge the group of the process that opened the DRM file an object is created
 * through, and uncharge that same group when the object goes, however long it outlives the process (a dma-buf
 * passed to another process stays charged where it was created, as memcg charges pages to the cgroup that
 * allocated them).
 *
 * <p>A charge is all or nothing and exact: the one that would pass a limit fails and changes nothing. Failures
 * use the kernel's errno: {@link Errno#ENOMEM} for bytes (a memcg charge failure), {@link Errno#ENOSPC} for the
 * counted resources (an id space that is full, as {@code idr_alloc} reports it).
 *
 * <p>Thread-safety: safe for concurrent use. Locking: none; each counter is a lock-free atomic.
 */
public final class Cgroup {
    /** No limit. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** The root group: no limits; what a task outside any process (a test, a kernel thread) is charged to. */
    public static final Cgroup ROOT = new Cgroup("root", UNLIMITED, UNLIMITED, UNLIMITED);

    private final String name;
    private final long maxBuffers;
    private final long maxBufferBytes;
    private final long maxFences;
    private final AtomicLong buffers = new AtomicLong();
    private final AtomicLong bufferBytes = new AtomicLong();
    private final AtomicLong fences = new AtomicLong();

    /**
     * Creates a group.
     *
     * @param name who it accounts for, as listings show it (e.g. {@code "renderer[12]"}, as kernel logs name a task)
     * @param maxBuffers how many GEM objects may be charged at once
     * @param maxBufferBytes how many bytes of buffer memory may be charged at once
     * @param maxFences how many fences may be outstanding (unsignalled) at once
     */
    public Cgroup(String name, long maxBuffers, long maxBufferBytes, long maxFences) {
        this.name = Objects.requireNonNull(name, "name");
        if (maxBuffers < 0 || maxBufferBytes < 0 || maxFences < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        this.maxBuffers = maxBuffers;
        this.maxBufferBytes = maxBufferBytes;
        this.maxFences = maxFences;
    }

    /** Returns who the group accounts for. */
    public String name() {
        return name;
    }

    /**
     * Charges one buffer of {@code bytes} bytes of memory (0 for a buffer that shares memory charged elsewhere).
     *
     * <p>Context: any thread, never blocks. Locking: none.
     *
     * @throws ErrnoException ENOMEM if the bytes would pass the limit (checked first, as the memory is allocated
     *     before the handle); ENOSPC if the buffer count would
     */
    public void chargeBuffer(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative charge " + bytes);
        }
        if (!tryCharge(bufferBytes, bytes, maxBufferBytes)) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        if (!tryCharge(buffers, 1, maxBuffers)) {
            uncharge(bufferBytes, bytes);
            throw new ErrnoException(Errno.ENOSPC);
        }
    }

    /**
     * Uncharges a buffer charged with {@link #chargeBuffer}{@code (bytes)}.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public void unchargeBuffer(long bytes) {
        uncharge(buffers, 1);
        uncharge(bufferBytes, bytes);
    }

    /**
     * Charges one outstanding fence.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     *
     * @throws ErrnoException ENOSPC if the count would pass the limit
     */
    public void chargeFence() {
        if (!tryCharge(fences, 1, maxFences)) {
            throw new ErrnoException(Errno.ENOSPC);
        }
    }

    /**
     * Uncharges a fence charged with {@link #chargeFence} (when it signals).
     *
     * <p>Context: any thread, including a fence callback. Locking: none.
     */
    public void unchargeFence() {
        uncharge(fences, 1);
    }

    /** Returns the number of buffers charged. */
    public long buffers() {
        return buffers.get();
    }

    /** Returns the bytes of buffer memory charged. */
    public long bufferBytes() {
        return bufferBytes.get();
    }

    /** Returns the number of outstanding fences charged. */
    public long fences() {
        return fences.get();
    }

    /** Returns the buffer limit. */
    public long maxBuffers() {
        return maxBuffers;
    }

    /** Returns the buffer-memory limit in bytes. */
    public long maxBufferBytes() {
        return maxBufferBytes;
    }

    /** Returns the outstanding-fence limit. */
    public long maxFences() {
        return maxFences;
    }

    private static boolean tryCharge(AtomicLong counter, long n, long max) {
        long cur;
        do {
            cur = counter.get();
            if (n > max - cur) {
                return false;
            }
        } while (!counter.compareAndSet(cur, cur + n));
        return true;
    }

    private void uncharge(AtomicLong counter, long n) {
        if (counter.addAndGet(-n) < 0) {
            throw new IllegalStateException("uncharge below zero in " + this);
        }
    }

    @Override
    public String toString() {
        return "cgroup[" + name + ": " + buffers.get() + "/" + maxBuffers + " buffers, " + bufferBytes.get() + "/"
                + maxBufferBytes + " bytes, " + fences.get() + "/" + maxFences + " fences]";
    }
}
