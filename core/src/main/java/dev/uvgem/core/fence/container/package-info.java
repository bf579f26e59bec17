/**
 * Fence containers, as the kernel's dma-fence-array, dma-fence-chain and dma-fence-unwrap: all-of/any-of arrays, timeline chains, and the unwrap and merge helpers.
 */
package dev.uvgem.core.fence.container;
