package dev.uvgem.drivers.display;

import dev.uvgem.drivers.drm.GemObject;
import dev.uvgem.uapi.DrmMode;
import java.lang.foreign.MemorySegment;

/**
 * A framebuffer, as {@code struct drm_framebuffer} made by {@code drm_gem_fb_create}: a single-plane 32-bit
 * pixel layout (width, height, fourcc, pitch, offset) over one GEM object, listed under the file that added it.
 *
 * <p>Lifetime: counted users, as the framebuffer's kref: the id registry (from ADDFB2 until RMFB or its file's
 * close), the plane's current state and every queued commit that scans it out. The framebuffer holds a reference
 * to its GEM object until the last user is gone ({@link #release}).
 *
 * <p>Thread-safety: the layout is immutable; the reference bookkeeping is guarded by the monitor.
 */
public final class Framebuffer extends ModeObject {
    private final GemObject object;
    private final int width;
    private final int height;
    private final int format;
    private final int pitch;
    private final int offset;
    private final long modifier;
    private int users = 1;

    Framebuffer(int id, GemObject object, int width, int height, int format, int pitch, int offset, long modifier) {
        super(id, DrmMode.OBJECT_FB);
        this.object = object;
        this.width = width;
        this.height = height;
        this.format = format;
        this.pitch = pitch;
        this.offset = offset;
        this.modifier = modifier;
    }

    /** Returns the width in pixels. */
    public int width() {
        return width;
    }

    /** Returns the height in lines. */
    public int height() {
        return height;
    }

    /** Returns the fourcc pixel format. */
    public int format() {
        return format;
    }

    /** Returns the bytes per line. */
    public int pitch() {
        return pitch;
    }

    /** Returns the offset of the first pixel in the GEM object. */
    public int offset() {
        return offset;
    }

    /** Returns the format modifier. */
    public long modifier() {
        return modifier;
    }

    /** Returns the GEM object behind it. */
    public GemObject object() {
        return object;
    }

    /**
     * Returns the memory of the pixels (the object's pages, shared with the dma-buf it was imported from).
     *
     * <p>Context: any thread. Locking: none.
     */
    MemorySegment pixels() {
        return object.memory().segment();
    }

    /** Takes a user reference (a commit or plane state). Locking: takes the monitor. */
    synchronized Framebuffer get() {
        users++;
        return this;
    }

    /**
     * Drops a user reference; the last one drops the GEM object reference, as the final {@code
     * drm_framebuffer_put}.
     *
     * <p>Context: any thread. Locking: takes the monitor; the object's release runs after it is dropped.
     */
    void release() {
        synchronized (this) {
            if (--users != 0) {
                return;
            }
        }
        object.put();
    }
}
