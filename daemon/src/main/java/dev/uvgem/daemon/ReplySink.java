package dev.uvgem.daemon;

import java.nio.ByteBuffer;

/**
 * Where a {@link Session} sends its replies: the connection's single writer.
 *
 * <p>Thread-safety: implementations are safe for concurrent use; frames are written whole and in the order the
 * calls to {@link #send} took effect, never interleaved.
 */
interface ReplySink {
    /**
     * Queues a whole reply frame. Dropped silently once the connection is gone.
     *
     * <p>Context: any thread, never blocks. The calling thread must not be interrupted (an interrupt during a
     * channel write would close the channel).
     */
    void send(ByteBuffer frame);

    /** Ends the connection once the replies already sent are written; no further request is read. */
    void closeAfterFlush();
}
