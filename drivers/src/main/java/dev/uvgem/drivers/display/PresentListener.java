package dev.uvgem.drivers.display;

/**
 * Told about every frame the virtual display presents (each completed flip), in presentation order.
 *
 * <p>Context: called on the vblank handler's thread (the clock's timer thread, or the thread advancing a virtual
 * clock) after the flip's event and out-fence went out; it must not block for long (later vblanks wait behind it)
 * and must not wait for the display. Locking: no display lock is held.
 */
@FunctionalInterface
public interface PresentListener {
    /** Called with the capture of a presented frame. */
    void onPresent(FrameCapture frame);
}
