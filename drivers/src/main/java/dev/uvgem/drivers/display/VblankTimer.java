package dev.uvgem.drivers.display;

import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.Timer;

/**
 * The vblank generator of a CRTC, as vkms's hrtimer: vblank {@code n} happens at {@code epoch + n * period} on the
 * kernel clock (the period is the mode's frame duration), and the timer is armed for the next one only while
 * someone needs vblanks: a programmed flip, a queued vblank event or a WAIT_VBLANK caller (as {@code
 * drm_vblank_get} enables the interrupt). The counter follows the clock whether the timer runs or not, so a
 * re-enabled timer resumes with the count the kernel would reconstruct from timestamps.
 *
 * <p>The timestamp of vblank {@code n} is its scheduled time, not the time the timer ran (vkms reports the
 * timer's expiry time); a late timer counts the vblanks it missed.
 *
 * <p>Thread-safety: the counter is a pure function of the clock; {@link #armLocked}/{@link #disarmLocked} and the
 * armed flag are guarded by the CRTC's lock.
 */
final class VblankTimer extends Timer {
    private final Clock clock;
    private final Crtc crtc;
    private final long epoch;
    private final long period;
    private boolean armed;

    VblankTimer(Clock clock, Crtc crtc, long periodNanos) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("vblank period must be positive: " + periodNanos);
        }
        this.clock = clock;
        this.crtc = crtc;
        this.period = periodNanos;
        this.epoch = clock.nanoTime();
    }

    /** Returns the vblank period in nanoseconds. */
    long period() {
        return period;
    }

    /** Returns the number of vblanks that have happened by {@code now}, as {@code drm_vblank_count}. */
    long count(long now) {
        return now <= epoch ? 0 : (now - epoch) / period;
    }

    /** Returns the number of vblanks that have happened by now. */
    long count() {
        return count(clock.nanoTime());
    }

    /** Returns the CLOCK_MONOTONIC time of vblank {@code n}. */
    long time(long n) {
        return epoch + n * period;
    }

    /** Arms the timer for the next vblank unless it is armed. Locking: caller holds the CRTC's lock. */
    void armLocked() {
        if (!armed) {
            armed = true;
            clock.arm(this, time(count() + 1));
        }
    }

    /** Re-arms the timer for vblank {@code n + 1} from its handler. Locking: caller holds the CRTC's lock. */
    void forwardLocked(long n) {
        armed = true;
        clock.arm(this, time(n + 1));
    }

    /** Lets the timer stop after this expiry. Locking: caller holds the CRTC's lock. */
    void disarmLocked() {
        armed = false;
    }

    /** Returns whether the timer is running (for tests). Locking: caller holds the CRTC's lock. */
    boolean isArmedLocked() {
        return armed;
    }

    /** Context: the clock's timer thread. Locking: none held; the handler takes the CRTC's lock. */
    @Override
    protected void expire() {
        crtc.handleVblank();
    }
}
