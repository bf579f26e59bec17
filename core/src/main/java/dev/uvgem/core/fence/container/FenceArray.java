package dev.uvgem.core.fence.container;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.time.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * A fence that stands for a fixed set of member fences, the Java form of {@code struct dma_fence_array}: it
 * signals once all members have signalled, or, when created with {@code signalOnAny}, once any one has.
 *
 * <p>Members are plain fences: containers (arrays, chains) must be flattened first, see {@link FenceUnwrap}. The
 * driver name is {@code "dma_fence_array"} and the timeline name {@code "unbound"}; context and seqno are the
 * creator's choice ({@link FenceUnwrap#merge} uses a fresh context and seqno 1).
 *
 * <p>Signalling is lazy, as for every fence: until someone adds a callback, waits or enables signalling, the
 * array registers nothing on its members, and {@link #isSignaled()} answers by counting the members that have
 * signalled. Enabling registers one callback per member (nodes allocated here, at creation). A member error is
 * recorded as the array's error if it is the first one and the array has not signalled yet, so the array
 * reports the first member error that reached it. When the array is found complete by counting before anything
 * was registered, no member error is carried over: its status is then 1, as in the kernel.
 *
 * <p>Thread-safety: safe for concurrent use. Locking: the array's own fence lock guards the error recording;
 * enabling runs under it and takes each member's lock in turn (array before member, never the reverse). Member
 * callbacks run without any member lock and signal the array directly.
 */
public final class FenceArray extends Fence {
    private static final Ops OPS = new Ops();
    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(FenceArray.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Fence[] fences;
    private final List<Fence> members;
    private final boolean signalOnAny;
    private final Member[] callbacks;

    @SuppressWarnings("unused") // accessed through PENDING
    private volatile int pending;

    // Guarded by lock(): whether a member error has been recorded as ours.
    private boolean errorRecorded;

    private FenceArray(Clock clock, Fence[] fences, long context, long seqno, boolean signalOnAny) {
        super(OPS, clock, null, context, seqno, false);
        this.fences = fences;
        this.members = List.of(fences);
        this.signalOnAny = signalOnAny;
        this.callbacks = new Member[fences.length];
        for (int i = 0; i < fences.length; i++) {
            callbacks[i] = new Member(this);
        }
        PENDING.setRelease(this, signalOnAny ? 1 : fences.length);
    }

    /**
     * Creates an array of {@code fences}, as {@code dma_fence_array_create}. The array's clock (timestamps,
     * timed waits) is the first member clock found (a shared system clock if no member has one).
     *
     * <p>Context: any thread, never blocks. Locking: none. The input array is copied; the members are not
     * touched (signalling stays lazy).
     *
     * @param fences the members, at least one, none of them a container
     * @param context the array's timeline (callers usually allocate a fresh one)
     * @param seqno the array's position on that timeline (32-bit ordering)
     * @param signalOnAny signal when the first member signals rather than when the last does
     * @throws IllegalArgumentException if {@code fences} is empty or holds null or a container (the kernel WARNs)
     */
    public static FenceArray create(Fence[] fences, long context, long seqno, boolean signalOnAny) {
        return create(null, fences, context, seqno, signalOnAny);
    }

    /**
     * Creates an array of {@code fences} that stamps and waits with {@code clock}; see {@link #create(Fence[],
     * long, long, boolean)}.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     *
     * @param clock the array's clock, or null for the first member clock found
     */
    public static FenceArray create(Clock clock, Fence[] fences, long context, long seqno, boolean signalOnAny) {
        if (fences == null || fences.length == 0) {
            throw new IllegalArgumentException("a fence array needs at least one member");
        }
        Fence[] copy = fences.clone();
        Clock chosen = clock;
        for (Fence f : copy) {
            if (f == null) {
                throw new IllegalArgumentException("null member in fence array");
            }
            if (FenceUnwrap.isContainer(f)) {
                throw new IllegalArgumentException("fence containers must be flattened, not nested: " + f);
            }
            if (chosen == null) {
                chosen = f.clock();
            }
        }
        return new FenceArray(chosen == null ? FenceUnwrap.fallbackClock() : chosen, copy, context, seqno, signalOnAny);
    }

    /**
     * Returns {@code fence} as an array, or null if it is not one, as {@code to_dma_fence_array}.
     *
     * <p>Context: any thread. Locking: none.
     */
    public static FenceArray asArray(Fence fence) {
        return fence instanceof FenceArray a ? a : null;
    }

    /**
     * Returns the members in creation order, as an unmodifiable list.
     *
     * <p>Context: any thread. Locking: none (the membership never changes).
     */
    public List<Fence> members() {
        return members;
    }

    /**
     * Returns the number of members.
     *
     * <p>Context: any thread. Locking: none.
     */
    public int size() {
        return fences.length;
    }

    /**
     * Returns member {@code index}, or null past the end, as {@code dma_fence_array_next}.
     *
     * <p>Context: any thread. Locking: none.
     */
    public Fence member(int index) {
        return index >= 0 && index < fences.length ? fences[index] : null;
    }

    /**
     * Returns whether the array signals on its first member rather than its last.
     *
     * <p>Context: any thread. Locking: none.
     */
    public boolean signalOnAny() {
        return signalOnAny;
    }

    /**
     * Returns whether every member belongs to timeline {@code ctx}, as {@code dma_fence_match_context} on an
     * array.
     *
     * <p>Context: any thread. Locking: none.
     */
    public boolean matchContext(long ctx) {
        for (Fence f : fences) {
            if (f.context() != ctx) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns whether {@code fence}, or every member of it if it is an array, belongs to timeline {@code ctx}, as
     * {@code dma_fence_match_context}.
     *
     * <p>Context: any thread. Locking: none.
     */
    public static boolean matchContext(Fence fence, long ctx) {
        FenceArray array = asArray(fence);
        return array != null ? array.matchContext(ctx) : fence.context() == ctx;
    }

    /** Counts one needed member down; on the last, the array is complete. */
    private boolean countDown() {
        return (int) PENDING.getAndAdd(this, -1) == 1;
    }

    /** Records {@code error} as the array's error if it is the first and the array has not signalled. */
    private void recordError(int error) {
        if (error == 0) {
            return;
        }
        synchronized (lock()) {
            // The fence lock does not keep a signal out (signalling is lock-free): set only if still pending.
            if (!errorRecorded && setErrorIfPending(error)) {
                errorRecorded = true;
            }
        }
    }

    /** The callback node registered on one member: allocated with the array, reused by nobody else. */
    private static final class Member extends FenceCallback {
        private final FenceArray array;

        Member(FenceArray array) {
            this.array = array;
        }

        @Override
        protected void onSignal(Fence member) {
            // Error first, then the count: whoever sees the count reach zero also sees the error.
            array.recordError(member.error());
            if (array.countDown()) {
                array.signal();
            }
        }

        // No recursion into the array's own waiters: that would take its lock under the member's.
        @Override
        public String describe() {
            return "member of dma_fence_array " + array.traceRef().label();
        }
    }

    /** The operations of every array: names, lazy enabling, the poll hook, deadline forwarding. */
    private static final class Ops implements FenceOps {
        @Override
        public String driverName(Fence fence) {
            return "dma_fence_array";
        }

        @Override
        public String timelineName(Fence fence) {
            return "unbound";
        }

        @Override
        public boolean enableSignaling(Fence fence) {
            FenceArray array = (FenceArray) fence;
            Fence[] fences = array.fences;
            for (int i = 0; i < fences.length; i++) {
                if (fences[i].addCallback(array.callbacks[i]) != 0) {
                    // Already signalled: it counts now, and it may carry the first error.
                    array.recordError(fences[i].error());
                    if (array.countDown()) {
                        return false;
                    }
                }
            }
            return true;
        }

        @Override
        public boolean signaled(Fence fence) {
            FenceArray array = (FenceArray) fence;
            // Read the count before the enabled flag: enabling may be counting down concurrently.
            int left = (int) PENDING.getAcquire(array);
            if (array.isSignalingEnabled()) {
                return left <= 0;
            }
            for (Fence f : array.fences) {
                if (f.isSignaled() && --left == 0) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void setDeadline(Fence fence, long deadlineNanos) {
            for (Fence f : ((FenceArray) fence).fences) {
                f.setDeadline(deadlineNanos);
            }
        }
    }
}
