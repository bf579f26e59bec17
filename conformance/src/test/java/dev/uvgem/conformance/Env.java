package dev.uvgem.conformance;

import dev.uvgem.api.Syscalls;
import dev.uvgem.api.Uvgem;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.SystemClock;
import dev.uvgem.sys.Boot;
import dev.uvgem.sys.KernelConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One conformance environment: a booted uvgem kernel on the real clock (as the public suites run on a real
 * machine), with processes on it. Each test boots its own, so nothing leaks between tests; {@link #close()}
 * ends every process and shuts the kernel down.
 *
 * <p>The suites talk to processes only through {@link Uvgem} and its {@link Syscalls}, so the same tests can run
 * against other backends.
 */
final class Env implements AutoCloseable {
    /** One real clock for every environment: one timer thread for the whole suite. */
    static final Clock CLOCK = new SystemClock();

    private final Boot.Booted booted;
    private final List<Uvgem> processes = new ArrayList<>();
    private Uvgem root;

    private Env(KernelConfig config) {
        this.booted = Boot.kernelWithDevices(config);
    }

    /** Boots a kernel with the defaults: real clock, 10 s vgem fence expiry, debugfs on. */
    static Env boot() {
        return new Env(KernelConfig.defaults(CLOCK).withDebugfs(true));
    }

    /** Boots a kernel whose vgem fences expire after {@code timeout} (to exercise expiry without waiting 10 s). */
    static Env boot(Duration vgemFenceTimeout) {
        return new Env(KernelConfig.defaults(CLOCK).withDebugfs(true).withVgemFenceTimeout(vgemFenceTimeout));
    }

    /** Returns the privileged process the suites run as (root, as IGT does). */
    synchronized Uvgem root() {
        if (root == null) {
            root = process("igt", true);
        }
        return root;
    }

    /** Returns the root process's system calls. */
    Syscalls sys() {
        return root().syscalls();
    }

    /** Starts another process (a forked child, a peer). */
    synchronized Uvgem process(String comm, boolean admin) {
        Uvgem p = Uvgem.process(booted.kernel(), comm, admin);
        processes.add(p);
        return p;
    }

    /** Returns the kernel's devices, for leak checks. */
    Boot.Devices devices() {
        return booted.devices();
    }

    @Override
    public synchronized void close() {
        for (Uvgem p : processes) {
            p.close();
        }
        booted.kernel().close();
    }
}
