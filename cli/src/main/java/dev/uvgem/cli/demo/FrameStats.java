package dev.uvgem.cli.demo;

/**
 * What happened to one frame, in kernel-clock nanoseconds from the start of the run.
 *
 * <p>Thread-safety: immutable.
 *
 * @param frame the frame number (submission order)
 * @param queuedAt when its flip was queued (before it was drawn)
 * @param renderedAt when the renderer signalled its fence, or -1 if it never did
 * @param presentedAt when the display latched it (a vblank)
 * @param vblank the vblank sequence number it was latched at
 * @param worker the renderer thread that drew it
 * @param fence how its write fence ended: {@code signalled}, {@code expired} (never signalled: the vgem expiry
 *     released it), or {@code error} (a hung GPU job: the fence carries its error)
 * @param fenceError the fence's error when latched (0, or a negative errno)
 */
public record FrameStats(
        int frame,
        long queuedAt,
        long renderedAt,
        long presentedAt,
        long vblank,
        String worker,
        String fence,
        int fenceError) {
    /** Returns the time from queueing the flip to presentation. */
    public long latency() {
        return presentedAt - queuedAt;
    }
}
