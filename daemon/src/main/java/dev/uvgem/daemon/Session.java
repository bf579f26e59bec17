package dev.uvgem.daemon;

import dev.uvgem.core.vfs.Mapping;
import dev.uvgem.core.vfs.OpenFile;
import dev.uvgem.sys.AsyncPoll;
import dev.uvgem.sys.Kernel;
import dev.uvgem.sys.PollFd;
import dev.uvgem.sys.Process;
import dev.uvgem.sys.UserWindow;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The protocol state of one connection: before HELLO, nothing but HELLO; after it, one {@link Process} of the
 * kernel whose system calls the requests are. Each request is decoded completely on the event loop thread, in the
 * order received; a request that cannot sleep runs there and replies at once, one that may sleep (POLL with a
 * timeout, READ of a blocking file, a {@linkplain WaitingIoctls waiting ioctl}) becomes a {@link ParkedCall} and
 * replies when it completes, so it does not hold up the requests after it. A parked POLL has no thread: it is an
 * {@link AsyncPoll} whose re-polls run where its wake-ups come from (on the event loop that ran the signalling
 * request, before that request's own reply is written), so the reply is written on the signalling path.
 *
 * <p>Replies carry a body only when the result is {@code >= 0}, except IOCTL, whose {@code arg} and {@code user}
 * come back whatever the result (the kernel copies a struct back on failure too, and a request that failed before
 * reaching the ioctl returns them unchanged). Frame-level errors (-EINVAL for a short body, -ENOSYS, -EPROTO,
 * -EMSGSIZE) never carry a body.
 *
 * <p>Thread-safety: {@link #onEvent} runs on the connection's event loop only; {@link #end()} and parked calls may
 * run on any thread. The parked-call table is guarded by its own lock.
 */
final class Session implements ParkedCall.Owner {
    private static final System.Logger LOG = System.getLogger(Session.class.getName());
    /** The most bytes one READ returns: a longer count reads this much, as a short read(2) may. */
    static final int READ_MAX = 1 << 20;
    /**
     * The most bytes one parked (blocking) READ returns: its buffer is held while it sleeps, so that a client
     * parking many reads cannot hold much memory. Blocking reads are DRM events, eventfd counters and debugfs
     * text, all far smaller or readable in pieces.
     */
    static final int PARKED_READ_MAX = 64 << 10;
    /** mmap lengths beyond the x86-64 user address space (47 bits). */
    private static final long TASK_SIZE = 1L << 47;

    private final Kernel kernel;
    private final boolean admin;
    private final ReplySink out;
    private final byte[] daemonVersion;
    private final int maxParked;
    private final Wakeups wakeups;
    private volatile Process process;

    private final Object parkedLock = new Object();
    private final Map<Integer, List<ParkedCall>> parked = new HashMap<>(); // guarded by parkedLock
    private int parkedCount; // guarded by parkedLock
    private boolean ended; // guarded by parkedLock

    /**
     * Creates the session of a new connection.
     *
     * @param admin whether the connection came through the admin socket
     * @param maxParked how many requests may be parked at once; more are answered -EAGAIN
     * @param wakeups runs the re-polls of parked POLLs that a wake-up hands over (never on the waking thread
     *     inside {@code execute}, see {@link Process#pollAsync})
     */
    Session(Kernel kernel, boolean admin, ReplySink out, String daemonVersion, int maxParked, Wakeups wakeups) {
        this.kernel = kernel;
        this.admin = admin;
        this.out = out;
        this.daemonVersion = ReplyWriter.utf8(daemonVersion);
        this.maxParked = maxParked;
        this.wakeups = wakeups;
    }

    /** Returns the connection's process, or null before HELLO. */
    Process process() {
        return process;
    }

    /** Returns the number of parked requests. */
    int parkedCount() {
        synchronized (parkedLock) {
            return parkedCount;
        }
    }

    /**
     * Handles the next event of the byte stream.
     *
     * <p>Context: the connection's event loop thread. The event's body is only valid during this call.
     */
    void onEvent(FrameReader.Event event) {
        switch (event) {
            case FrameReader.Request r -> onRequest(r.tag(), r.op(), new BodyReader(r.body()));
            case FrameReader.Oversized o -> {
                out.send(ReplyWriter.of(o.tag(), Errno.EMSGSIZE.negative()));
                out.closeAfterFlush();
            }
            case FrameReader.Truncated t -> out.send(ReplyWriter.of(t.tag(), Errno.EINVAL.negative()));
            case FrameReader.Malformed m -> out.closeAfterFlush();
        }
    }

    /**
     * Ends the session, as the connection ends (for any reason): every parked call is cancelled, then the process
     * exits, releasing everything it holds. Idempotent.
     *
     * <p>Context: any thread; runs the process's file releases on it.
     */
    void end() {
        List<ParkedCall> calls = new ArrayList<>();
        synchronized (parkedLock) {
            if (ended) {
                return;
            }
            ended = true;
            parked.values().forEach(calls::addAll);
        }
        for (ParkedCall c : calls) {
            c.cancel();
        }
        Process p = process;
        if (p != null) {
            p.exit();
        }
    }

    private void onRequest(int tag, int code, BodyReader body) {
        Op op = Op.of(code);
        if (process == null && op != Op.HELLO) {
            out.send(ReplyWriter.of(tag, Errno.EPROTO.negative()));
            out.closeAfterFlush();
            return;
        }
        if (op == null) {
            out.send(ReplyWriter.of(tag, Errno.ENOSYS.negative()));
            return;
        }
        try {
            switch (op) {
                case HELLO -> hello(tag, body);
                case OPEN -> open(tag, body);
                case CLOSE -> reply(tag, process.close(body.i32()));
                case DUP -> reply(tag, process.dup(body.i32()));
                case IOCTL -> ioctl(tag, body);
                case POLL -> poll(tag, body);
                case READ -> read(tag, body);
                case LSEEK -> lseek(tag, body);
                case MMAP -> mmap(tag, body);
                case CANCEL -> reply(tag, cancel((int) body.u32()) ? 0 : Errno.ENOENT.negative());
                case FD_SEND -> fdSend(tag, body);
                case FD_RECV -> reply(tag, process.fdRecv(body.bytes(Wire.TOKEN_BYTES)));
                case EVENTFD -> eventfd(tag, body);
            }
        } catch (BodyReader.ShortBody e) {
            reply(tag, Errno.EINVAL.negative());
        }
    }

    // ---- the ops ----

    private void hello(int tag, BodyReader body) {
        long version = body.u32();
        String clientName = body.str();
        if (process != null || version != Wire.VERSION) {
            reply(tag, Errno.EPROTO.negative());
            return;
        }
        Process p;
        try {
            p = kernel.spawn(clientName, admin);
        } catch (IllegalStateException e) { // the daemon is shutting down
            reply(tag, Errno.EIO.negative());
            out.closeAfterFlush();
            return;
        }
        process = p;
        out.send(new ReplyWriter(tag, 0, 8 + ReplyWriter.strBytes(daemonVersion))
                .u32(Wire.VERSION)
                .u32(admin ? Wire.FLAG_ADMIN : 0)
                .str(daemonVersion)
                .finish());
    }

    private void open(int tag, BodyReader body) {
        int flags = body.i32();
        String path = body.str();
        reply(tag, process.open(path, flags));
    }

    private void ioctl(int tag, BodyReader body) {
        int fd = body.i32();
        int request = body.i32();
        byte[] arg = body.u32Bytes();
        byte[] user = body.u32Bytes();
        UserWindow window = new UserWindow(user);
        Process p = process;
        ParkedCall.Body call = new ParkedCall.Body() {
            @Override
            public long call() {
                return p.ioctl(fd, request, arg, window);
            }

            @Override
            public ByteBuffer reply(long result) {
                return new ReplyWriter(tag, result, 8 + arg.length + user.length)
                        .u32Bytes(arg)
                        .u32Bytes(user)
                        .finish();
            }
        };
        if (WaitingIoctls.mayWait(request, arg)) {
            park(tag, call);
        } else {
            long result = call.call();
            wakeups.runPending(); // the POLLs this ioctl woke (a fence signal) are answered before it is
            out.send(call.reply(result));
        }
    }

    private void poll(int tag, BodyReader body) {
        long nfds = body.u32();
        if (nfds > body.remaining() / 8) {
            throw new BodyReader.ShortBody();
        }
        PollFd[] fds = new PollFd[(int) nfds];
        for (int i = 0; i < fds.length; i++) {
            int fd = body.i32();
            int events = body.u16();
            body.i16(); // revents on the way in: ignored, as poll(2) does
            fds[i] = new PollFd(fd, events);
        }
        int timeoutMs = body.i32();
        Process p = process;
        ParkedCall.Body call = new ParkedCall.Body() {
            @Override
            public long call() {
                return p.poll(fds, timeoutMs);
            }

            @Override
            public ByteBuffer reply(long result) {
                if (result < 0) {
                    return ReplyWriter.of(tag, result);
                }
                ReplyWriter w = new ReplyWriter(tag, result, 2 * fds.length);
                for (PollFd f : fds) {
                    w.i16(f.revents());
                }
                return w.finish();
            }
        };
        long ready = p.poll(fds, 0); // what is ready now is answered now, without parking
        if (ready != 0 || timeoutMs == 0) {
            out.send(call.reply(ready));
        } else {
            park(tag, call, done -> {
                AsyncPoll poll = p.pollAsync(fds, timeoutMs, wakeups, done);
                return poll::cancel;
            });
        }
    }

    private void read(int tag, BodyReader body) {
        int fd = body.i32();
        long requested = body.u32();
        Process p = process;
        boolean parks = mayBlock(p, fd);
        int count = (int) Math.min(requested, parks ? PARKED_READ_MAX : READ_MAX);
        byte[] buffer = new byte[count];
        ParkedCall.Body call = new ParkedCall.Body() {
            @Override
            public long call() {
                return p.read(fd, buffer, 0, count);
            }

            @Override
            public ByteBuffer reply(long result) {
                if (result < 0) {
                    return ReplyWriter.of(tag, result);
                }
                return new ReplyWriter(tag, result, (int) result)
                        .bytes(buffer, 0, (int) result)
                        .finish();
            }
        };
        if (parks) {
            park(tag, call);
        } else {
            out.send(call.reply(call.call()));
        }
    }

    /** Returns whether a read of {@code fd} may sleep: the fd is open and not O_NONBLOCK. */
    private static boolean mayBlock(Process p, int fd) {
        try {
            OpenFile file = p.file(fd);
            return file != null && !file.isNonBlocking();
        } catch (ErrnoException e) {
            return false; // not open: the read fails at once
        }
    }

    private void lseek(int tag, BodyReader body) {
        int fd = body.i32();
        long offset = body.i64();
        int whence = body.i32();
        reply(tag, process.lseek(fd, offset, whence));
    }

    /**
     * MMAP: the process maps the buffer (which checks access and range and creates the backing file on first use),
     * the reply names the backing file and offset, and the daemon's own mapping is dropped at once. The client's
     * MAP_SHARED mapping of the file is what keeps the memory alive on the client's side from then on: the buffer
     * lives in the kernel as long as a handle, an fd or a daemon-side mapping refers to it, and its file is
     * removed when it is freed, which leaves mappings made earlier intact (tmpfs pages live until the last
     * mapping goes). The daemon cannot see a client's munmap, so holding a mapping per MMAP would keep every
     * buffer ever mapped until the connection ends.
     */
    private void mmap(int tag, BodyReader body) {
        int fd = body.i32();
        long offset = body.i64();
        long length = body.i64();
        int prot = body.i32();
        Process p = process;
        long address = p.mmap(fd, offset, length, prot);
        if (address == Errno.ENOMEM.negative() && (length < 0 || length > TASK_SIZE)) {
            address = Errno.EINVAL.negative(); // the contract: an out-of-range length is EINVAL
        }
        if (address < 0) {
            reply(tag, address);
            return;
        }
        Mapping mapping = p.mapping(address);
        Path file = mapping == null ? null : mapping.backingFile();
        long fileOffset = mapping == null ? 0 : mapping.backingOffset();
        p.munmap(address);
        if (mapping == null) {
            reply(tag, Errno.EBADF.negative()); // the process exited meanwhile
            return;
        }
        if (file == null) {
            reply(tag, Errno.ENODEV.negative()); // memory no other process can map
            return;
        }
        byte[] path = ReplyWriter.utf8(file.toAbsolutePath().toString());
        out.send(new ReplyWriter(tag, 0, ReplyWriter.strBytes(path) + 8)
                .str(path)
                .i64(fileOffset)
                .finish());
    }

    private void fdSend(int tag, BodyReader body) {
        byte[] token = new byte[Wire.TOKEN_BYTES];
        long result = process.fdSend(body.i32(), token);
        if (result < 0) {
            reply(tag, result);
            return;
        }
        out.send(new ReplyWriter(tag, result, token.length).bytes(token).finish());
    }

    private void eventfd(int tag, BodyReader body) {
        int initval = body.i32();
        int flags = body.i32();
        reply(tag, process.eventfd(initval, flags));
    }

    private void reply(int tag, long result) {
        out.send(ReplyWriter.of(tag, result));
    }

    // ---- parked calls ----

    private void park(int tag, ParkedCall.Body body) {
        park(tag, body, null);
    }

    /** Parks a call: through {@code callback} if not null, else on a thread of its own. */
    private void park(int tag, ParkedCall.Body body, ParkedCall.Callback callback) {
        synchronized (parkedLock) {
            if (ended) {
                return;
            }
            if (parkedCount >= maxParked) {
                out.send(ReplyWriter.of(tag, Errno.EAGAIN.negative()));
                return;
            }
            ParkedCall call = new ParkedCall(tag, body, callback, this);
            parked.computeIfAbsent(tag, t -> new ArrayList<>(1)).add(call);
            parkedCount++;
            try {
                call.start();
            } catch (OutOfMemoryError e) { // no thread: as clone(2) failing
                forget(call);
                LOG.log(Level.WARNING, "cannot start a thread for a parked call", e);
                out.send(ReplyWriter.of(tag, Errno.EAGAIN.negative()));
            }
        }
    }

    /** Cancels every parked request with {@code tag}; returns whether there was one to cancel. */
    private boolean cancel(int tag) {
        List<ParkedCall> calls;
        synchronized (parkedLock) {
            List<ParkedCall> l = parked.get(tag);
            calls = l == null ? List.of() : List.copyOf(l);
        }
        boolean any = false;
        for (ParkedCall c : calls) {
            any |= c.cancel();
        }
        return any;
    }

    @Override
    public void parkedCallDone(ParkedCall call, ByteBuffer reply) {
        synchronized (parkedLock) {
            forget(call);
        }
        out.send(reply);
    }

    private void forget(ParkedCall call) {
        List<ParkedCall> l = parked.get(call.tag());
        if (l != null && l.remove(call)) {
            parkedCount--;
            if (l.isEmpty()) {
                parked.remove(call.tag());
            }
        }
    }
}
