package dev.uvgem.cli.demo;

import dev.uvgem.api.DmaBufFd;
import dev.uvgem.api.KmsDisplay;

/**
 * What the deferred renderer needs from a display: flips queued at once, each latched at a vblank strictly in
 * queue order once its buffer's implicit write fence has signalled, reported through a {@link Listener}.
 *
 * <p>Thread-safety: implementations are safe for concurrent use.
 */
public interface Scanout extends AutoCloseable {
    /** Hears of presentations and of buffers the display no longer scans out. */
    interface Listener {
        /**
         * A frame was latched at a vblank.
         *
         * <p>Context: the display's vblank handler (the clock's timer thread); must not block for long.
         */
        void presented(Presented frame);

        /**
         * The buffer of {@code frame} was replaced on screen by a later frame: the renderer may draw into it again.
         *
         * <p>Context: the display's vblank handler; must not block for long.
         */
        void released(int frame);
    }

    /** Returns the display's mode: the size the renderer draws its frames at. */
    KmsDisplay.Mode mode();

    /**
     * Queues a flip to {@code buffer} (rows {@code pitch} bytes apart) for {@code frame}; returns at once. The buffer's write fences at this moment
     * are what the flip waits for (as KMS takes the plane's implicit fence at commit).
     *
     * <p>Context: any thread, never blocks on fences.
     */
    void queueFlip(int frame, DmaBufFd buffer, int pitch);

    /**
     * Waits until every queued flip has been presented, then turns the display off.
     *
     * <p>Context: process context, sleeps.
     */
    @Override
    void close() throws InterruptedException;
}
