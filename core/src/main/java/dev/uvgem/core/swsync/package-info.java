/**
 * sw_sync: debugfs-only software timelines whose points userspace signals by incrementing, and the sync/info debug text.
 */
package dev.uvgem.core.swsync;
