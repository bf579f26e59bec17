/**
 * sync_file: a file carrying one fence (possibly a container); merge, info, deadline and poll.
 */
package dev.uvgem.core.syncfile;
