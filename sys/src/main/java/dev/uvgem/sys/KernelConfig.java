package dev.uvgem.sys;

import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.SystemClock;
import java.time.Duration;
import java.util.Objects;

/**
 * How one uvgem {@link Kernel} is set up: its clock, the vgem fence expiry, whether debugfs is mounted, and the
 * limits every process gets (the model of the kernel command line, module parameters and rlimits).
 *
 * <p>Thread-safety: immutable.
 *
 * @param clock the kernel clock every timeout, timer and expiry runs on
 * @param vgemFenceTimeout how long a vgem fence lives before it signals itself (Linux: 10 s)
 * @param debugfs whether the debugfs paths may be opened (by admin processes), as the daemon's {@code --debugfs}
 * @param limits the per-process limits
 */
public record KernelConfig(Clock clock, Duration vgemFenceTimeout, boolean debugfs, ProcessLimits limits) {
    /** The vgem fence expiry of Linux ({@code VGEM_FENCE_TIMEOUT}). */
    public static final Duration DEFAULT_VGEM_FENCE_TIMEOUT = Duration.ofSeconds(10);

    /** Validates the configuration. */
    public KernelConfig {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(vgemFenceTimeout, "vgemFenceTimeout");
        Objects.requireNonNull(limits, "limits");
        if (vgemFenceTimeout.isNegative() || vgemFenceTimeout.isZero()) {
            throw new IllegalArgumentException("vgem fence timeout must be positive: " + vgemFenceTimeout);
        }
    }

    /** Returns the defaults on {@code clock}: 10 s vgem fences, no debugfs, default limits. */
    public static KernelConfig defaults(Clock clock) {
        return new KernelConfig(clock, DEFAULT_VGEM_FENCE_TIMEOUT, false, ProcessLimits.DEFAULT);
    }

    /** Returns the defaults on a new {@link SystemClock}. */
    public static KernelConfig defaults() {
        return defaults(new SystemClock());
    }

    /** Returns a copy with {@code clock}. */
    public KernelConfig withClock(Clock clock) {
        return new KernelConfig(clock, vgemFenceTimeout, debugfs, limits);
    }

    /** Returns a copy with the vgem fence expiry {@code timeout}. */
    public KernelConfig withVgemFenceTimeout(Duration timeout) {
        return new KernelConfig(clock, timeout, debugfs, limits);
    }

    /** Returns a copy with debugfs enabled or not. */
    public KernelConfig withDebugfs(boolean enabled) {
        return new KernelConfig(clock, vgemFenceTimeout, enabled, limits);
    }

    /** Returns a copy with {@code limits}. */
    public KernelConfig withLimits(ProcessLimits limits) {
        return new KernelConfig(clock, vgemFenceTimeout, debugfs, limits);
    }

    /**
     * The resource limits of each process, as its rlimits. New limits are added here as components.
     *
     * <p>Thread-safety: immutable.
     *
     * @param maxOpenFds {@code RLIMIT_NOFILE}: every fd number is below it, so with fds 0 to 2 never handed out
     *     (they are a real process's stdio) a process holds at most {@code maxOpenFds - 3} open files
     */
    public record ProcessLimits(int maxOpenFds) {
        /** The Linux default soft limit: 1024 fds. */
        public static final ProcessLimits DEFAULT = new ProcessLimits(1024);

        /** Validates the limits. */
        public ProcessLimits {
            if (maxOpenFds < 0) {
                throw new IllegalArgumentException("maxOpenFds must not be negative: " + maxOpenFds);
            }
        }

        /** Returns a copy with {@code maxOpenFds}. */
        public ProcessLimits withMaxOpenFds(int maxOpenFds) {
            return new ProcessLimits(maxOpenFds);
        }
    }
}
