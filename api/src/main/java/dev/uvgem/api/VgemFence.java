package dev.uvgem.api;

import dev.uvgem.uapi.ErrnoException;

/**
 * A vgem fence attached to a buffer, named by its id in the device file that attached it.
 *
 * <p>Thread-safety: immutable; {@link #signal()} may be called from any thread.
 *
 * @param device the device file the id belongs to
 * @param id the fence id (ids are never reused while the device file is open)
 */
public record VgemFence(VgemDevice device, int id) {
    /**
     * Signals the fence, consuming its id.
     *
     * @throws ErrnoException ETIMEDOUT if it had already expired; ENOENT if already signalled through this id
     */
    public void signal() {
        device.signalFence(id);
    }
}
