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
     * The resource limits of each process: its {@code RLIMIT_NOFILE}, and the limits of the {@link
     * dev.uvgem.core.cgroup.Cgroup} its buffers and fences are charged to. Each is answered with the kernel's
     * errno at the limit: EMFILE for fds, ENOMEM for buffer bytes, ENOSPC for buffers and outstanding fences; the fd
     * limit also bounds the files a process has in flight (ETOOMANYREFS, as SCM_RIGHTS).
     *
     * <p>Thread-safety: immutable.
     *
     * @param maxOpenFds {@code RLIMIT_NOFILE}: every fd number is below it, so with fds 0 to 2 never handed out
     *     (they are a real process's stdio) a process holds at most {@code maxOpenFds - 3} open files
     * @param maxBuffers how many GEM objects the process's DRM files may have created and not yet freed (dumb
     *     buffers, and imports of foreign dma-bufs); a buffer stays charged to its creator until freed, also after
     *     the creator exits while another process holds it
     * @param maxBufferBytes how many bytes of buffer memory those objects may hold (page-aligned sizes; an import
     *     charges none, its memory being its creator's)
     * @param maxFences how many vgem fences the process's DRM files may have outstanding (attached, not yet
     *     signalled by FENCE_SIGNAL, expiry or close)
     */
    public record ProcessLimits(int maxOpenFds, long maxBuffers, long maxBufferBytes, long maxFences) {
        /** The default fd limit: Linux's default soft {@code RLIMIT_NOFILE}, 1024. */
        public static final int DEFAULT_MAX_OPEN_FDS = 1024;
        /** The default buffer limit: 4096 GEM objects. */
        public static final long DEFAULT_MAX_BUFFERS = 4096;
        /**
         * The default buffer-memory limit: 4 GiB, room for one dumb buffer of the largest size there is (just
         * under 4 GiB: the size must fit 32 bits), as IGT's {@code vgem_basic} creates a 2 GiB one. Memory is only
         * touched when written, so this bounds what a process could make the daemon hold, not what it holds.
         */
        public static final long DEFAULT_MAX_BUFFER_BYTES = 4L << 30;
        /** The default outstanding-fence limit: 4096. */
        public static final long DEFAULT_MAX_FENCES = 4096;

        /** The defaults: 1024 fds, 4096 buffers, 4 GiB of buffer memory, 4096 outstanding fences. */
        public static final ProcessLimits DEFAULT = new ProcessLimits(
                DEFAULT_MAX_OPEN_FDS, DEFAULT_MAX_BUFFERS, DEFAULT_MAX_BUFFER_BYTES, DEFAULT_MAX_FENCES);

        /** Validates the limits. */
        public ProcessLimits {
            if (maxOpenFds < 0) {
                throw new IllegalArgumentException("maxOpenFds must not be negative: " + maxOpenFds);
            }
            if (maxBuffers < 0 || maxBufferBytes < 0 || maxFences < 0) {
                throw new IllegalArgumentException(
                        "limits must not be negative: " + maxBuffers + ", " + maxBufferBytes + ", " + maxFences);
            }
        }

        /** Limits of {@code maxOpenFds} fds, and the defaults for everything else. */
        public ProcessLimits(int maxOpenFds) {
            this(maxOpenFds, DEFAULT_MAX_BUFFERS, DEFAULT_MAX_BUFFER_BYTES, DEFAULT_MAX_FENCES);
        }

        /** Returns a copy with {@code maxOpenFds}. */
        public ProcessLimits withMaxOpenFds(int maxOpenFds) {
            return new ProcessLimits(maxOpenFds, maxBuffers, maxBufferBytes, maxFences);
        }

        /** Returns a copy with {@code maxBuffers}. */
        public ProcessLimits withMaxBuffers(long maxBuffers) {
            return new ProcessLimits(maxOpenFds, maxBuffers, maxBufferBytes, maxFences);
        }

        /** Returns a copy with {@code maxBufferBytes}. */
        public ProcessLimits withMaxBufferBytes(long maxBufferBytes) {
            return new ProcessLimits(maxOpenFds, maxBuffers, maxBufferBytes, maxFences);
        }

        /** Returns a copy with {@code maxFences}. */
        public ProcessLimits withMaxFences(long maxFences) {
            return new ProcessLimits(maxOpenFds, maxBuffers, maxBufferBytes, maxFences);
        }
    }
}
