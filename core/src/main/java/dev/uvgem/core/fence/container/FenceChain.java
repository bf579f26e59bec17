package dev.uvgem.core.fence.container;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceCallback;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.fence.FenceOps;
import dev.uvgem.core.time.Clock;
import dev.uvgem.uapi.Errno;
import dev.uvgem.uapi.ErrnoException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;

/**
 * One point of a timeline built from fences, the Java form of {@code struct dma_fence_chain}: a node holds a
 * contained fence and a link to the previous point (another node, or a plain fence), and signals once its own
 * contained fence and those of every earlier point have signalled. DRM timeline syncobjs are built from these.
 *
 * <p>Nodes carry 64-bit seqnos (compared unsigned, never wrapping). A node whose seqno is later than its
 * predecessor node's continues that node's timeline (same context); otherwise it starts a new one. The contained
 * fence may be a {@link FenceArray} but not another chain: chains are linked only through {@code prev}.
 *
 * <p>Walking a chain ({@link #walk}) collects garbage as it goes: predecessors whose contained fence has
 * signalled are unlinked, so long-finished history becomes unreachable. Every walk is a loop, never recursion:
 * chains of any length are safe.
 *
 * <p>Signalling is lazy: enabling arms one callback on the first unsignalled contained fence found walking back
 * from this node; when it fires, the node walks on and re-arms on the next one, and signals when none is left.
 * Re-arming happens on the signalling thread; re-arms it sets off in turn (walking back may find earlier fences
 * complete and signal them) are queued on that thread and run in a loop, never nested.
 * Member errors are not copied onto the node (as in the kernel).
 *
 * <p>Thread-safety: safe for concurrent use; the {@code prev} link changes only by compare-and-set. Locking:
 * enabling runs under the node's fence lock and takes contained fences' locks (node before contained fence);
 * re-arming after a contained fence fired takes no lock.
 */
public final class FenceChain extends Fence {
    private static final Ops OPS = new Ops();
    private static final VarHandle PREV;

    static {
        try {
            PREV = MethodHandles.lookup().findVarHandle(FenceChain.class, "prev", Fence.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Fence fence;
    private final long prevSeqno;
    private final Rearm cb = new Rearm(this);

    @SuppressWarnings("unused") // written through PREV
    private volatile Fence prev;

    private FenceChain(Clock clock, Fence prev, Fence fence, long context, long seqno, long prevSeqno) {
        super(OPS, clock, null, context, seqno, true);
        this.fence = fence;
        this.prevSeqno = prevSeqno;
        PREV.setRelease(this, prev);
    }

    /**
     * Creates a chain node holding {@code fence} after {@code prev}, as {@code dma_fence_chain_init}.
     *
     * <p>If {@code prev} is a chain node and {@code seqno} is later than its seqno, the node joins prev's
     * timeline (same context) and remembers prev's seqno as {@link #prevSeqno()}. Otherwise it gets a fresh
     * context, and, if {@code prev} is a chain node, the seqno becomes the larger of the two so that it never
     * goes backwards. The node's clock is the contained fence's, else prev's, else a shared system clock.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     *
     * @param prev the previous point (a chain node or a plain fence), or null to start a chain
     * @param fence the fence this point waits for; not null and not a chain
     * @param seqno the point's value on the timeline (unsigned 64-bit)
     * @throws IllegalArgumentException if {@code fence} is null or a chain node (the kernel WARNs)
     */
    public static FenceChain create(Fence prev, Fence fence, long seqno) {
        return create(null, prev, fence, seqno);
    }

    /**
     * Creates a chain node that stamps and waits with {@code clock}; see {@link #create(Fence, Fence, long)}.
     * Callers whose contained fences may have no clock (signalled stubs, as timeline syncobjs add for host
     * signals) pass their own, so waits on the node keep to it.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     *
     * @param clock the node's clock, or null for the contained fence's (else prev's, else a shared system clock)
     */
    public static FenceChain create(Clock clock, Fence prev, Fence fence, long seqno) {
        if (fence == null) {
            throw new IllegalArgumentException("a chain node must contain a fence");
        }
        if (fence instanceof FenceChain) {
            throw new IllegalArgumentException("chains link through prev, never contain a chain: " + fence);
        }
        FenceChain prevChain = asChain(prev);
        long context;
        long prevSeqno = 0;
        if (prevChain != null && Fence.isLater(seqno, prevChain.seqno(), prevChain.isSeqno64())) {
            context = prevChain.context();
            prevSeqno = prevChain.seqno();
        } else {
            context = FenceContext.allocate();
            if (prevChain != null && Long.compareUnsigned(prevChain.seqno(), seqno) > 0) {
                seqno = prevChain.seqno();
            }
        }
        if (clock == null) {
            clock = fence.clock();
        }
        if (clock == null && prev != null) {
            clock = prev.clock();
        }
        if (clock == null) {
            clock = FenceUnwrap.fallbackClock();
        }
        return new FenceChain(clock, prev, fence, context, seqno, prevSeqno);
    }

    /**
     * Returns {@code fence} as a chain node, or null if it is not one, as {@code to_dma_fence_chain}.
     *
     * <p>Context: any thread. Locking: none.
     */
    public static FenceChain asChain(Fence fence) {
        return fence instanceof FenceChain c ? c : null;
    }

    /**
     * Returns the fence this node waits for.
     *
     * <p>Context: any thread. Locking: none.
     */
    public Fence contained() {
        return fence;
    }

    /**
     * Returns the fence a node stands for: its contained fence for a chain node, {@code fence} itself otherwise,
     * as {@code dma_fence_chain_contained}.
     *
     * <p>Context: any thread. Locking: none.
     */
    public static Fence contained(Fence fence) {
        return fence instanceof FenceChain c ? c.fence : fence;
    }

    /**
     * Returns the current previous point without collecting anything (null at the start of the chain or once
     * everything before has been collected).
     *
     * <p>Context: any thread. Locking: none (a volatile read).
     */
    public Fence prev() {
        return (Fence) PREV.getAcquire(this);
    }

    /**
     * Returns the seqno of the node this one continued on the same timeline, or 0 if it started a timeline.
     *
     * <p>Context: any thread. Locking: none.
     */
    public long prevSeqno() {
        return prevSeqno;
    }

    /**
     * Steps from {@code fence} to the previous point, as {@code dma_fence_chain_walk}, first unlinking every
     * directly preceding point whose contained fence has signalled (a signalled plain-fence predecessor is
     * dropped, ending the chain there).
     *
     * <p>Context: any thread, never blocks; may signal contained fences whose driver reports them complete.
     * Locking: none; the links change by compare-and-set, so concurrent walkers agree.
     *
     * @return the previous unsignalled point, or null at the end of the chain or if {@code fence} is not a chain
     *     node
     */
    public static Fence walk(Fence fence) {
        FenceChain chain = asChain(fence);
        if (chain == null) {
            return null;
        }
        Fence prev;
        while ((prev = chain.prev()) != null) {
            FenceChain prevChain = asChain(prev);
            Fence replacement;
            if (prevChain != null) {
                if (!prevChain.fence.isSignaled()) {
                    break;
                }
                replacement = prevChain.prev();
            } else {
                if (!prev.isSignaled()) {
                    break;
                }
                replacement = null;
            }
            // A lost race means another walker relinked first; either way, look again.
            PREV.compareAndSet(chain, prev, replacement);
        }
        return prev;
    }

    /**
     * Finds the node responsible for timeline point {@code seqno}, as {@code dma_fence_chain_find_seqno}:
     * walks back from {@code head} while still on head's timeline and the node's predecessor already covers
     * {@code seqno}.
     *
     * <p>Context: any thread, never blocks. Locking: none (the walk collects signalled points, see {@link
     * #walk}).
     *
     * @return the node to wait on for {@code seqno}; null if the point has already signalled (the walk ran off
     *     the collected end); {@code head} itself for {@code seqno} 0
     * @throws ErrnoException {@code EINVAL} if {@code head} is not a chain node or {@code seqno} lies beyond it
     */
    public static Fence findSeqno(Fence head, long seqno) {
        if (seqno == 0) {
            return head;
        }
        FenceChain chain = asChain(head);
        if (chain == null || Long.compareUnsigned(chain.seqno(), seqno) < 0) {
            throw new ErrnoException(Errno.EINVAL, "no chain point " + Long.toUnsignedString(seqno) + " in " + head);
        }
        Fence node = chain;
        while (node != null) {
            FenceChain nodeChain = asChain(node);
            if (nodeChain == null
                    || node.context() != chain.context()
                    || Long.compareUnsigned(nodeChain.prevSeqno, seqno) < 0) {
                break;
            }
            node = walk(node);
        }
        return node;
    }

    /**
     * Arms {@link #cb} on the first unsignalled contained fence from this node backwards.
     *
     * @return false if every contained fence has signalled (the node is complete)
     */
    private boolean arm() {
        for (Fence node = this; node != null; node = walk(node)) {
            if (contained(node).addCallback(cb) == 0) {
                return true;
            }
        }
        return false;
    }

    /** The node's single callback: when the fence it waits on fires, move on to the next or signal. */
    private static final class Rearm extends FenceCallback {
        private final FenceChain chain;

        Rearm(FenceChain chain) {
            this.chain = chain;
        }

        @Override
        protected void onSignal(Fence fired) {
            // Runs on the signalling thread with no lock held. The node is the only one arming this callback,
            // and it is armed at most once at a time, so re-arming needs no lock either.
            Trampoline t = TRAMPOLINE.get();
            if (t.running) {
                // Re-arming walks back and may signal earlier fences, firing other nodes' re-arms on this very
                // thread; queue those instead of nesting, so a cascade through any number of nodes is a loop.
                t.queue.add(chain);
                return;
            }
            t.running = true;
            RuntimeException failure = null;
            try {
                FenceChain next = chain;
                do {
                    try {
                        if (!next.arm()) {
                            next.signal();
                        }
                    } catch (RuntimeException e) {
                        // A throwing callback of one node must not strand the nodes queued behind it.
                        if (failure == null) {
                            failure = e;
                        } else {
                            failure.addSuppressed(e);
                        }
                    }
                } while ((next = t.queue.poll()) != null);
            } finally {
                t.running = false;
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Per-thread re-arm queue: the role the kernel gives irq_work, without leaving the signalling thread. */
    private static final class Trampoline {
        boolean running;
        final ArrayDeque<FenceChain> queue = new ArrayDeque<>();
    }

    private static final ThreadLocal<Trampoline> TRAMPOLINE = ThreadLocal.withInitial(Trampoline::new);

    /** The operations of every chain node: names, lazy enabling, the poll hook, deadline forwarding. */
    private static final class Ops implements FenceOps {
        @Override
        public String driverName(Fence fence) {
            return "dma_fence_chain";
        }

        @Override
        public String timelineName(Fence fence) {
            return "unbound";
        }

        @Override
        public boolean enableSignaling(Fence fence) {
            return ((FenceChain) fence).arm();
        }

        @Override
        public boolean signaled(Fence fence) {
            for (Fence node = fence; node != null; node = walk(node)) {
                if (!contained(node).isSignaled()) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void setDeadline(Fence fence, long deadlineNanos) {
            for (Fence node = fence; node != null; node = walk(node)) {
                contained(node).setDeadline(deadlineNanos);
            }
        }
    }
}
