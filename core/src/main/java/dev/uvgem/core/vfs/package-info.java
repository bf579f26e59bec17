/**
 * The file abstractions drivers plug into, as the kernel's {@code struct file} and {@code file_operations}:
 * {@link dev.uvgem.core.vfs.FileOps} (ioctl, poll, read, lseek, mmap, release), the open file description
 * {@link dev.uvgem.core.vfs.OpenFile} with its reference count, {@link dev.uvgem.core.vfs.Device} (what a path
 * opens), {@link dev.uvgem.core.vfs.Task} (the calling process: its fds, user memory and privilege), and the
 * wait queues pollers sleep on. The syscall layer owns processes and fd tables and dispatches here; drivers
 * throw {@link dev.uvgem.uapi.ErrnoException} with the kernel's errno.
 */
package dev.uvgem.core.vfs;
