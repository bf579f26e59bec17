/**
 * The syscall layer: a uvgem kernel instance, its processes with their fd tables, the path table of device nodes and debugfs files, and the system calls (open, close, dup, ioctl, poll, read, lseek, mmap, fd passing) that return -errno.
 */
package dev.uvgem.sys;
