package dev.uvgem.core.trace;

/**
 * A fence as the trace names it: its context (timeline) and seqno, the identity the kernel's {@code dma_fence}
 * events print, with its driver and timeline names.
 *
 * <p>Thread-safety: immutable.
 *
 * @param context the fence context (timeline)
 * @param seqno the position on the timeline
 * @param driver the driver name, or null if it could not be read when the event fired (a fence still being
 *     constructed)
 * @param timeline the timeline name, or null as for {@code driver}
 */
public record FenceRef(long context, long seqno, String driver, String timeline) {
    /** Returns {@code "context:seqno"}, as the kernel's trace output and debugfs print a fence. */
    public String label() {
        return Long.toUnsignedString(context) + ":" + Long.toUnsignedString(seqno);
    }

    /** Returns whether {@code other} names the same fence (same context and seqno). */
    public boolean sameFence(FenceRef other) {
        return context == other.context && seqno == other.seqno;
    }
}
