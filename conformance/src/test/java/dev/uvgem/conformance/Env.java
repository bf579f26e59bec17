package dev.uvgem.conformance;

import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.SystemClock;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.Kernel;

/**
 * One conformance environment: a booted uvgem kernel on the real clock (as the public suites run on a real
 * machine), with processes on it, reached through one {@link Backend}. Each test boots its own, so nothing leaks
 * between tests; {@link #close()} ends every process and shuts the kernel down.
 *
 * <p>The suites talk to processes only through {@link Uvgem} and its {@link Syscalls}, so the same tests run on
 * every backend: the embedded kernel's processes ({@link EmbeddedEnv}), or connections to a daemon through the
 * remote client ({@link DaemonEnv}). Only the leak checks look below the system calls, at {@link #devices()}: the
 * daemon runs in the test's JVM, so its kernel can be looked at too.
 */
interface Env extends AutoCloseable {
    /** One real clock for every environment: one timer thread for the whole suite. */
    Clock CLOCK = new SystemClock();

    /** Returns the backend this environment runs on. */
    Backend backend();

    /** Returns the privileged process the suites run as (root, as IGT does). */
    Uvgem root();

    /** Returns the root process's system calls. */
    default Syscalls sys() {
        return root().syscalls();
    }

    /** Starts another process (a forked child, a peer). */
    Uvgem process(String comm, boolean admin);

    /** Returns the kernel's devices, for leak checks. */
    Boot.Devices devices();

    /** Returns the kernel itself, for looking at its processes (their limits and charges). */
    Kernel kernel();

    /**
     * Returns whether a live mapping holds its buffer (and dma-buf) in the kernel, as a Linux vma does. True when
     * embedded. False through a daemon: it cannot see a client's munmap, so it drops its own mapping once MMAP has
     * named the backing file, and the client's shared mapping of that file is what keeps the memory (tmpfs pages
     * live while any mapping does). The leak checks that count kernel objects under a mapping depend on it; the
     * memory itself stays usable on both.
     */
    boolean mappingsPinBuffers();

    /** Ends every process, then the kernel. */
    @Override
    void close();
}
