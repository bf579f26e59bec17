package dev.uvgem.cli.demo;

import java.util.List;

/**
 * The outcome of a demo run.
 *
 * <p>Thread-safety: immutable.
 *
 * @param presented the frames in presentation order
 * @param completionOrder the frames in the order the renderer threads were done with them: each signalled its
 *     fence, except a hung frame's, whose fence was never signalled ({@link #finishedOrder} leaves it out)
 * @param expiredFences the frames whose fence the renderer never signalled and that expired (a late FENCE_SIGNAL
 *     then said ETIMEDOUT)
 * @param gpuHangsRecovered the frames whose GPU job hung and was recovered by the scheduler's timeout
 * @param durationNanos the length of the run
 * @param fenceTimeoutNanos the vgem fence expiry the demo was given (with {@code --socket}: the daemon's own applies)
 * @param measuredExpiryNanos how long the hung frame's fence lived before the kernel expired it (its signal time,
 *     read back through a sync file, less its attach time), or -1 if no fence expired
 * @param width the display's width, the frames'
 * @param height the display's height
 */
public record DemoResult(
        List<FrameStats> presented,
        List<Integer> completionOrder,
        List<Integer> expiredFences,
        List<Integer> gpuHangsRecovered,
        long durationNanos,
        long fenceTimeoutNanos,
        long measuredExpiryNanos,
        int width,
        int height) {
    /** Copies the lists. */
    public DemoResult {
        presented = List.copyOf(presented);
        completionOrder = List.copyOf(completionOrder);
        expiredFences = List.copyOf(expiredFences);
        gpuHangsRecovered = List.copyOf(gpuHangsRecovered);
    }

    /**
     * Returns the frames whose drawing finished (the renderer signalled their fence), in the order it did: the
     * completion order without the frames that never finished.
     */
    public List<Integer> finishedOrder() {
        List<Integer> never = neverFinished();
        return completionOrder.stream().filter(f -> !never.contains(f)).toList();
    }

    /** Returns the presented frames whose fence the renderer never signalled (a hung frame), in frame order. */
    public List<Integer> neverFinished() {
        return presented.stream()
                .filter(f -> f.renderedAt() < 0)
                .map(FrameStats::frame)
                .sorted()
                .toList();
    }

    /** Returns whether the frames were presented exactly in submission order. */
    public boolean inOrder() {
        for (int i = 0; i < presented.size(); i++) {
            if (presented.get(i).frame() != i) {
                return false;
            }
        }
        return true;
    }
}
