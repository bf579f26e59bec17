/**
 * DMA fences: the one-shot completion events every other part of uvgem synchronises on, as the kernel's
 * {@code dma-fence.c}.
 *
 * <h2>Overview</h2>
 *
 * <p>A {@link dev.uvgem.core.fence.Fence} stands for an operation that completes later: a GPU job, a flip, a
 * software render. It belongs to a context (a timeline) and carries a seqno ordered within it. Producers signal
 * it exactly once, optionally after setting an error; consumers register callbacks, wait, or poll. Drivers
 * extend {@code Fence} and describe themselves with a {@link dev.uvgem.core.fence.FenceOps} table, the extension
 * point.
 *
 * <h2>The cross-driver contract</h2>
 *
 * <ul>
 *   <li><b>Every fence signals in finite time.</b> Work that could run forever is backed by a timeout and a
 *       recovery that force-signals its fences (vgem fences expire; sw_sync points are signalled with -ENOENT
 *       when their timeline is closed; a closed file signals what it still owns).
 *   <li><b>Signalling never waits.</b> Callbacks run on the signalling thread after the fence lock is dropped;
 *       they must not block, wait on fences, or take locks a waiter might hold while waiting.
 *   <li><b>Waiting may happen under reservation locks</b>, so code on a signalling path never takes one.
 * </ul>
 *
 * <h2>Time</h2>
 *
 * <p>Timestamps and timed waits use the fence's {@link dev.uvgem.core.time.Clock}, so a virtual clock drives
 * every timeout in tests.
 */
package dev.uvgem.core.fence;
