package dev.uvgem.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A platform thread with a selector: it accepts connections and reads and answers their requests. Requests that
 * cannot sleep run on this thread; the loop never sleeps anywhere but in {@link Selector#select()}.
 *
 * <p>Why not a thread per connection: a platform thread per connection does not scale to thousands of
 * connections, and a virtual thread reading a socket measured about three times the round trip of a selector
 * loop on these machines (the read's wake-up goes through the JDK's poller and then the virtual-thread scheduler).
 * A selector loop costs one {@code epoll_wait} wake-up per burst of requests, close to a platform thread blocked
 * in {@code read}.
 *
 * <p>Thread-safety: {@link #execute} and {@link #wakeup} may be called from any thread; everything else in the
 * loop's handlers runs on its thread. The loop thread is never interrupted (an interrupt would close the channel
 * it is using).
 */
final class EventLoop {
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    /** What a selection key's attachment does when its channel is ready. */
    interface Handler {
        /** Handles readiness of {@code key}; must not throw for anything a peer can cause. */
        void ready(SelectionKey key);

        /** Called when {@link #ready} threw: a bug, after which the handler should drop its channel. */
        void failed(Throwable t);
    }

    private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>(); // loop thread only
    private volatile boolean running = true;

    /** Creates a loop; {@link #start()} starts its thread. */
    EventLoop(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    }

    /** Starts the loop's thread. */
    void start() {
        thread.start();
    }

    /** Returns the loop's selector, to register channels on from the loop's thread. */
    Selector selector() {
        return selector;
    }

    /** Returns whether the caller runs on the loop's thread. */
    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop's thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    /**
     * Returns where the work that a wake-up hands over (a parked POLL's re-poll) runs: on the calling event loop,
     * whichever it is, as soon as its current handler returns or earlier through {@link Wakeups#runPending()},
     * with no lock of that handler held and no thread woken; from any other thread (a timer, a parked call's
     * thread), on this loop. Never runs the task inside {@code execute}.
     */
    Wakeups wakeups() {
        return new Wakeups() {
            @Override
            public void execute(Runnable task) {
                EventLoop current = CURRENT.get();
                if (current != null) {
                    current.deferred.add(task);
                } else {
                    EventLoop.this.execute(task);
                }
            }

            @Override
            public void runPending() {
                EventLoop current = CURRENT.get();
                if (current != null) {
                    current.runDeferred();
                }
            }
        };
    }

    /** Makes the loop's current or next select return, so that interest changes and closes take effect. */
    void wakeup() {
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    /** Stops the loop after the tasks already queued and waits for its thread to end. */
    void shutdown() {
        execute(() -> running = false);
        if (!inLoop()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        CURRENT.set(this);
        try {
            while (running) {
                if (tasks.isEmpty()) {
                    selector.select();
                } else {
                    selector.selectNow(); // tasks queued from this thread did not wake the selector
                }
                runTasks();
                runDeferred();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Handler h = (Handler) key.attachment();
                    try {
                        h.ready(key);
                    } catch (Throwable t) {
                        LOG.log(Level.ERROR, "bug: a connection handler threw; dropping it", t);
                        failQuietly(h, t);
                    }
                    runDeferred(); // the wake-ups this request caused: replies to other connections now
                }
            }
            runTasks();
            runDeferred();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "event loop " + thread.getName() + " failed", e);
        } finally {
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing a selector failed", e);
            }
        }
    }

    private void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            runQuietly(r);
            runDeferred();
        }
    }

    private void runDeferred() {
        Runnable r;
        while ((r = deferred.poll()) != null) {
            runQuietly(r);
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "bug: an event loop task threw", t);
        }
    }

    private static void failQuietly(Handler h, Throwable t) {
        try {
            h.failed(t);
        } catch (Throwable t2) {
            LOG.log(Level.ERROR, "dropping a failed handler failed too", t2);
        }
    }
}
