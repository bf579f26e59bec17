/**
 * Reservation objects, as the kernel's dma-resv: the fences of a buffer by usage (KERNEL, WRITE, READ, BOOKKEEP) and the wound/wait mutexes that lock several buffers without deadlock.
 */
package dev.uvgem.core.resv;
