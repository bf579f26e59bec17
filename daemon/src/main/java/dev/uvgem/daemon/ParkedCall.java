package dev.uvgem.daemon;

import dev.uvgem.uapi.Errno;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request that may sleep, run on a virtual thread of its own so that the connection's later requests go on:
 * a POLL that waits, a blocking READ, an ioctl that waits. It replies when the system call returns, or with
 * -EINTR if it was {@linkplain #cancel() cancelled} (CANCEL, or the connection ending), which interrupts the
 * thread so that the system call returns.
 *
 * <p>Cancellation is a race with completion, settled by one compare-and-set: if the call completed first it
 * replies with its result and {@link #cancel()} returns false; if the cancel came first the reply is -EINTR,
 * even if the system call managed to finish (as the contract says the cancelled call completes with -EINTR).
 * The thread writes its reply only once it can no longer be interrupted, because an interrupt during a channel
 * write would close the connection.
 *
 * <p>Thread-safety: {@link #cancel()} may be called from any thread, any number of times.
 */
final class ParkedCall implements Runnable {
    private static final System.Logger LOG = System.getLogger(ParkedCall.class.getName());
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int CANCELLING = 2;
    private static final int CANCELLED = 3;

    /** The system call and how its reply is encoded. */
    interface Body {
        /** Runs the system call on the parked thread: its result or -errno. Never throws. */
        long call();

        /** Encodes the reply frame for {@code result} (the call's, or -EINTR if cancelled). */
        ByteBuffer reply(long result);
    }

    /** Receives the reply when the call ends. */
    interface Owner {
        void parkedCallDone(ParkedCall call, ByteBuffer reply);
    }

    private final int tag;
    private final Body body;
    private final Owner owner;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private volatile Thread thread;

    ParkedCall(int tag, Body body, Owner owner) {
        this.tag = tag;
        this.body = body;
        this.owner = owner;
    }

    /** Returns the tag of the request. */
    int tag() {
        return tag;
    }

    /** Starts the call on a new virtual thread. */
    void start() {
        Thread t = Thread.ofVirtual()
                .name("uvgem-parked-" + Integer.toUnsignedString(tag))
                .unstarted(this);
        thread = t;
        t.start();
    }

    /**
     * Cancels the call if it is still running: its thread is interrupted and its reply will be -EINTR.
     *
     * @return true if this call cancelled it; false if it had completed or was cancelled already
     */
    boolean cancel() {
        if (!state.compareAndSet(RUNNING, CANCELLING)) {
            return false;
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        state.set(CANCELLED);
        return true;
    }

    @Override
    public void run() {
        long result;
        try {
            result = body.call();
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "bug: a parked call threw", e);
            result = Errno.EIO.negative();
        }
        if (!state.compareAndSet(RUNNING, DONE)) {
            while (state.get() != CANCELLED) { // the canceller is between its two steps: wait for its interrupt
                Thread.onSpinWait();
            }
            result = Errno.EINTR.negative();
        }
        Thread.interrupted(); // clear it: the reply is written to an interruptible channel
        ByteBuffer reply;
        try {
            reply = body.reply(result);
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "bug: a parked call's reply could not be encoded", e);
            reply = ReplyWriter.of(tag, Errno.EIO.negative());
        }
        owner.parkedCallDone(this, reply);
    }
}
