package dev.uvgem.core.vfs;

import dev.uvgem.core.cgroup.Cgroup;
import dev.uvgem.uapi.ErrnoException;

/**
 * The calling process as a file operation sees it (the kernel's {@code current}): its fd table, its user memory
 * and its privileges. The syscall layer implements it; drivers use it for ioctls that take or return fds.
 *
 * <p>Thread-safety: implementations are safe for concurrent use by the process's threads.
 */
public interface Task {
    /**
     * Returns the open file behind {@code fd} without taking a reference; valid for the duration of the call.
     *
     * @throws ErrnoException EBADF if {@code fd} is not open
     */
    OpenFile file(int fd);

    /**
     * Installs {@code file} at the lowest free fd, taking over the caller's reference, as {@code fd_install}.
     *
     * @param fdFlags O_CLOEXEC or 0
     * @throws ErrnoException EMFILE if the fd table is full (the reference is then dropped)
     */
    int install(OpenFile file, int fdFlags);

    /** Returns the process's user memory, for pointer fields of ioctl structs. */
    UserMemory user();

    /** Returns whether the process is privileged (root / CAP_SYS_ADMIN; an admin connection). */
    boolean isAdmin();

    /** Returns the process's command name, at most 15 characters, as {@code current->comm}. */
    String comm();

    /** Returns the process id, as {@code current->pid}: for debug output that names who did something. */
    int pid();

    /**
     * Returns the group the process's buffers and fences are charged to (its per-process limits). A task outside
     * any process (a test harness, a kernel thread) is in {@link Cgroup#ROOT}, which has no limits.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    default Cgroup cgroup() {
        return Cgroup.ROOT;
    }
}
