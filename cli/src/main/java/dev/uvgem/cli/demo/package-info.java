/**
 * {@code uvgem demo}: the seed's deferred renderer, end to end: multi-threaded software rendering into a ring of
 * vgem buffers with write fences attached and page flips queued before drawing, a display presenting strictly in
 * order at vblank, hang recovery by fence expiry, and the outputs (summary table and JSON, Chrome trace, PNGs).
 */
package dev.uvgem.cli.demo;
