/**
 * The kernel clock and its timers: CLOCK_MONOTONIC nanoseconds and one hashed timer wheel per clock.
 *
 * <p>{@link dev.uvgem.core.time.SystemClock} runs in real time with one timer thread that sleeps until the
 * earliest deadline; {@link dev.uvgem.core.time.VirtualClock} moves only when a test advances it and fires due
 * timers on the advancing thread, so ten-second expiries run in microseconds and deterministically. A pending
 * {@link dev.uvgem.core.time.Timer} costs a small object in a bucket, never a thread.
 */
package dev.uvgem.core.time;
