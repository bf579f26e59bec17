/**
 * The uvgem Java API over a daemon connection. {@link dev.uvgem.client.UvgemClient#connect(java.nio.file.Path)}
 * is the one line that chooses a daemon instead of an embedded kernel; {@link dev.uvgem.client.RemoteSyscalls}
 * is the {@link dev.uvgem.api.Syscalls} it runs on, one wire connection (one process of the daemon) shared by all
 * the threads of the client.
 */
package dev.uvgem.client;
