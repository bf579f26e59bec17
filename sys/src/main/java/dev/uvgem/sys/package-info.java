/**
 * The syscall layer of uvgem: what the kernel's syscall entry points, {@code struct files_struct} and debugfs are
 * to the drivers. A {@link dev.uvgem.sys.Kernel} holds the path table (paths to {@link dev.uvgem.core.vfs.Device}s)
 * and the live {@link dev.uvgem.sys.Process}es; a process is one daemon connection, with its own
 * {@link dev.uvgem.sys.FdTable}, and its methods are the wire contract's operations with Linux semantics.
 *
 * <p>Conventions every call follows:
 *
 * <ul>
 *   <li>Results are {@code long}: {@code >= 0} is the value, {@code < 0} is minus a Linux errno; nothing throws.
 *       Calls whose Linux form fills a buffer take it as a parameter ({@code read}, {@code fdSend}); {@code mmap}
 *       returns an address that {@code mapping(address)} resolves, as {@code mmap(2)} returns one.
 *   <li>Fds are numbered from 3, lowest free first; the fd is reserved before the file is made, so EMFILE comes
 *       before the path or token is looked at, as Linux orders it.
 *   <li>Blocking calls park on the kernel {@link dev.uvgem.core.time.Clock}, sleeping on the files' wait queues;
 *       an interrupt of the calling thread ends them with -EINTR and leaves the thread interrupted.
 *   <li>An exited process has no fd table: every later call returns -EBADF.
 * </ul>
 */
package dev.uvgem.sys;
