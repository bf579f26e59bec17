package dev.uvgem.daemon;

import dev.uvgem.uapi.Errno;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * A request that may sleep, parked so that the connection's later requests go on: a POLL that waits, a blocking
 * READ, an ioctl that waits. A POLL runs with no thread ({@linkplain Callback callback style}: it completes on the
 * thread whose wake-up made it ready); the others run on a virtual thread of their own. It replies when the call
 * completes, or with -EINTR if it was {@linkplain #cancel() cancelled} (CANCEL, or the connection ending), which
 * interrupts the thread (or stops the callback-style call) so that it ends.
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

    /** A call that completes through a callback instead of on a thread of its own. */
    interface Callback {
        /**
         * Starts the call; {@code done} is told its result once, possibly before this returns, unless the call
         * is stopped first.
         *
         * @return how to stop the call
         */
        Stoppable start(LongConsumer done);
    }

    /** A callback-style call in progress. */
    interface Stoppable {
        /** Stops the call: its {@code done} will not be told. Context: any thread, never blocks. */
        void stop();
    }

    /** Receives the reply when the call ends. */
    interface Owner {
        void parkedCallDone(ParkedCall call, ByteBuffer reply);
    }

    private final int tag;
    private final Body body;
    private final Callback callback; // null: the call runs on a thread
    private final Owner owner;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private volatile Thread thread;
    private volatile Stoppable stoppable;

    /** A call run on a virtual thread of its own. */
    ParkedCall(int tag, Body body, Owner owner) {
        this(tag, body, null, owner);
    }

    /**
     * A call run through {@code callback} if not null (then {@link Body#call()} is not used), else on a thread.
     */
    ParkedCall(int tag, Body body, Callback callback, Owner owner) {
        this.tag = tag;
        this.body = body;
        this.callback = callback;
        this.owner = owner;
    }

    /** Returns the tag of the request. */
    int tag() {
        return tag;
    }

    /**
     * Starts the call: through its callback (which may complete it before this returns), or on a new virtual
     * thread.
     */
    void start() {
        if (callback != null) {
            Stoppable s = callback.start(this::callbackDone);
            stoppable = s;
            if (state.get() != RUNNING) {
                s.stop(); // cancelled while starting: it could not be stopped yet
            }
            return;
        }
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
        Stoppable s = stoppable;
        if (s != null) {
            s.stop();
        }
        state.set(CANCELLED);
        if (callback != null) { // no thread to reply: the canceller does
            owner.parkedCallDone(this, encode(Errno.EINTR.negative()));
        }
        return true;
    }

    /** The callback-style call's completion: replies unless a cancel came first (which replies -EINTR itself). */
    private void callbackDone(long result) {
        if (state.compareAndSet(RUNNING, DONE)) {
            owner.parkedCallDone(this, encode(result));
        }
    }

    private ByteBuffer encode(long result) {
        try {
            return body.reply(result);
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "bug: a parked call's reply could not be encoded", e);
            return ReplyWriter.of(tag, Errno.EIO.negative());
        }
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
        owner.parkedCallDone(this, encode(result));
    }
}
