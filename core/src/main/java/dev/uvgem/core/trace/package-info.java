/**
 * Tracepoints, the model of the kernel's {@code dma_fence} trace events and {@code trace_printk}-style driver
 * events: the fence lifecycle (init, enable-signal, signalled, wait start and end), instants and slices that other
 * drivers emit (vblanks, page flips, GPU jobs), a recorder, and a writer of the Chrome trace-event JSON that the
 * Perfetto UI and {@code chrome://tracing} open.
 *
 * <p>The package sits at the bottom of core, next to {@code time}: it knows nothing of fences (a fence is named by
 * a {@link dev.uvgem.core.trace.FenceRef}), so every other package may emit into it. Tracing costs one volatile
 * read per tracepoint while off, and allocates nothing then.
 */
package dev.uvgem.core.trace;
