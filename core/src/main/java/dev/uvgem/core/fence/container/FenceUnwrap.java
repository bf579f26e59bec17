package dev.uvgem.core.fence.container;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.time.Clock;
import dev.uvgem.core.time.SystemClock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Looking through fence containers, as the kernel's {@code dma-fence-unwrap}: iterating the plain fences
 * ("leaves") behind a fence that may be a {@link FenceChain} and/or a {@link FenceArray}, and merging several
 * fences into one, the way {@code SYNC_IOC_MERGE} does.
 *
 * <p>Leaf order is depth-first: for a chain, each node from the head backwards (collecting signalled nodes as
 * {@link FenceChain#walk} does), and for each node its contained fence, which if it is an array yields its
 * members in order; a plain fence yields itself. Signalled leaves are included (except those whose chain links
 * the walk collected).
 *
 * <p>Thread-safety: stateless; iterators are single-threaded but may run concurrently with signalling and with
 * other walkers of the same chain.
 */
public final class FenceUnwrap {
    private FenceUnwrap() {}

    /** The clock for containers none of whose members has one (stubs only); created on first use. */
    private static final class Fallback {
        static final Clock CLOCK = new SystemClock();
    }

    static Clock fallbackClock() {
        return Fallback.CLOCK;
    }

    /**
     * Returns whether {@code fence} is a container (an array or a chain node), as {@code dma_fence_is_container}.
     *
     * <p>Context: any thread. Locking: none.
     */
    public static boolean isContainer(Fence fence) {
        return fence instanceof FenceArray || fence instanceof FenceChain;
    }

    /**
     * Returns a lazy view of the leaves behind {@code head}, as {@code dma_fence_unwrap_for_each}. Each iterator
     * walks afresh, collecting signalled chain nodes as it goes.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     *
     * @param head a fence, array or chain node; null yields nothing
     */
    public static Iterable<Fence> unwrap(Fence head) {
        return () -> new Cursor(head);
    }

    /**
     * Returns the leaves behind {@code head} in iteration order, as a new list; see {@link #unwrap}.
     *
     * <p>Context: any thread, never blocks. Locking: none.
     */
    public static List<Fence> leaves(Fence head) {
        List<Fence> out = new ArrayList<>();
        for (Cursor c = new Cursor(head); c.hasNext(); ) {
            out.add(c.next());
        }
        return out;
    }

    /**
     * Merges fences into one that signals when all of them have, as {@code dma_fence_unwrap_merge} (the heart of
     * {@code SYNC_IOC_MERGE}). The clock of a new array is the first clock found among the inputs' leaves.
     *
     * <p>Context: any thread, never blocks. Locking: none held; takes each leaf's lock briefly.
     *
     * @see #merge(Clock, Fence...)
     */
    public static Fence merge(Fence... fences) {
        return merge(null, fences);
    }

    /**
     * Merges fences into one that signals when all of them have, as {@code dma_fence_unwrap_merge}.
     *
     * <p>The inputs are flattened into their leaves; leaves already signalled are dropped; of several leaves on
     * one timeline only the latest ({@link Fence#isLater}) is kept; the rest are ordered by ascending context.
     * The result is then:
     *
     * <ul>
     *   <li>nothing pending: a new signalled stub ({@link Fence#privateStub}) stamped with the latest signal
     *       time among the inputs' leaves (0 if there were none);
     *   <li>one fence: that fence itself;
     *   <li>several: a new {@link FenceArray} on a fresh context, seqno 1, signalling when all have.
     * </ul>
     *
     * <p>Context: any thread, never blocks. Locking: none held; takes each leaf's lock briefly.
     *
     * @param clock the clock of a new array (and the time of a stub for leaves that signalled while merging),
     *     or null for the first clock among the inputs' leaves
     * @param fences the fences to merge; null entries are skipped
     */
    public static Fence merge(Clock clock, Fence... fences) {
        int n = fences == null ? 0 : fences.length;
        int pending = 0;
        long latest = 0;
        for (int i = 0; i < n; i++) {
            for (Cursor c = new Cursor(fences[i]); c.hasNext(); ) {
                Fence leaf = c.next();
                if (clock == null) {
                    clock = leaf.clock();
                }
                if (!leaf.isSignaled()) {
                    pending++;
                } else if (leaf.timestamp() > latest) {
                    latest = leaf.timestamp();
                }
            }
        }
        if (pending == 0) {
            return Fence.privateStub(latest);
        }

        // A k-way merge over the inputs' leaves: each round takes the unsignalled head leaf with the smallest
        // context (of two heads on one timeline the earlier is skipped) and inserts it into the output, which
        // stays sorted by context and holds the latest leaf per context.
        Cursor[] cursors = new Cursor[n];
        Fence[] heads = new Fence[n];
        for (int i = 0; i < n; i++) {
            cursors[i] = new Cursor(fences[i]);
            heads[i] = cursors[i].nextOrNull();
        }
        List<Fence> out = new ArrayList<>(pending);
        rounds:
        while (true) {
            Fence pick = null;
            int sel = -1;
            for (int i = 0; i < n; i++) {
                while (heads[i] != null && heads[i].isSignaled()) {
                    heads[i] = cursors[i].nextOrNull();
                }
                Fence candidate = heads[i];
                if (candidate == null) {
                    continue;
                }
                int order = pick == null ? 1 : Long.compareUnsigned(pick.context(), candidate.context());
                if (order > 0) {
                    pick = candidate;
                    sel = i;
                } else if (order == 0) {
                    // Same timeline: drop the earlier of the two (on a tie, the one picked first) and start over.
                    if (Fence.isLater(pick, candidate)) {
                        heads[i] = cursors[i].nextOrNull();
                    } else {
                        heads[sel] = cursors[sel].nextOrNull();
                    }
                    continue rounds;
                }
            }
            if (pick == null) {
                break;
            }
            heads[sel] = cursors[sel].nextOrNull();
            // Usually inputs are sorted already, so the place is found at the end.
            int at = out.size();
            while (at > 0) {
                Fence prior = out.get(at - 1);
                int order = Long.compareUnsigned(prior.context(), pick.context());
                if (order < 0) {
                    break;
                }
                if (order == 0) {
                    if (Fence.isLater(pick, prior)) {
                        out.set(at - 1, pick);
                    }
                    continue rounds;
                }
                at--;
            }
            out.add(at, pick);
        }

        return switch (out.size()) {
            case 0 -> Fence.privateStub(clock != null ? clock.nanoTime() : latest);
            case 1 -> out.getFirst();
            default -> FenceArray.create(clock, out.toArray(new Fence[0]), FenceContext.allocate(), 1, false);
        };
    }

    /**
     * The unwrap cursor: the current chain position, the fence it stands for (an array or a leaf), and the
     * index within that array. It steps (and so walks the chain) only when the next leaf is asked for.
     */
    private static final class Cursor implements Iterator<Fence> {
        private Fence chain;
        private Fence container;
        private int index;
        private Fence current;
        private boolean stepDue;

        Cursor(Fence head) {
            chain = head;
            enter();
        }

        /** Starts on the fence the current chain position stands for. */
        private void enter() {
            if (chain == null) {
                container = null;
                current = null;
                return;
            }
            container = FenceChain.contained(chain);
            index = 0;
            FenceArray array = FenceArray.asArray(container);
            current = array != null ? array.member(0) : container;
        }

        private void step() {
            stepDue = false;
            FenceArray array = FenceArray.asArray(container);
            if (array != null && ++index < array.size()) {
                current = array.member(index);
                return;
            }
            chain = FenceChain.walk(chain);
            enter();
        }

        /** Returns the next leaf, or null at the end. */
        Fence nextOrNull() {
            if (stepDue) {
                step();
            }
            if (current != null) {
                stepDue = true;
            }
            return current;
        }

        @Override
        public boolean hasNext() {
            if (stepDue) {
                step();
            }
            return current != null;
        }

        @Override
        public Fence next() {
            Fence f = nextOrNull();
            if (f == null) {
                throw new NoSuchElementException();
            }
            return f;
        }
    }
}
