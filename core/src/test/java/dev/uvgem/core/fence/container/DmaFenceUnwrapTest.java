package dev.uvgem.core.fence.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uvgem.core.fence.Fence;
import dev.uvgem.core.fence.FenceContext;
import dev.uvgem.core.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel's st-dma-fence-unwrap selftest (KUnit "dma-buf-fence-unwrap"), re-expressed: one method per kernel
 * case, named after it, plus the merge results sync_file relies on (stub, single fence, new array).
 */
class DmaFenceUnwrapTest {
    private final VirtualClock clock = new VirtualClock();

    /** The selftest's mock: a fresh context, seqno 1. */
    private Fence mockFence() {
        return mockFence(FenceContext.allocate(), 1);
    }

    private Fence mockFence(long context, long seqno) {
        return Fence.create(clock, "mock", "mock", context, seqno);
    }

    /** An all-of array on a fresh context, seqno 1, as the selftest builds them. */
    private static FenceArray mockArray(Fence... fences) {
        return FenceArray.create(fences, FenceContext.allocate(), 1, false);
    }

    /** A chain link with seqno 1, as the selftest builds them. */
    private static FenceChain mockChain(Fence prev, Fence fence) {
        return FenceChain.create(prev, fence, 1);
    }

    private static List<Fence> iterate(Fence head) {
        List<Fence> seen = new ArrayList<>();
        for (Fence f : FenceUnwrap.unwrap(head)) {
            seen.add(f);
        }
        assertThat(FenceUnwrap.leaves(head)).as("leaves() agrees with unwrap()").isEqualTo(seen);
        return seen;
    }

    @Test
    void sanitycheck() {
        Fence f = mockFence();
        FenceArray array = mockArray(f);
        FenceChain chain = mockChain(null, array);
        assertThat(iterate(chain)).containsExactly(f);
        f.signal();
        assertThat(chain.isSignaled()).isTrue();
    }

    @Test
    void unwrapArray() {
        Fence f1 = mockFence();
        Fence f2 = mockFence();
        assertThat(iterate(mockArray(f1, f2))).containsExactly(f1, f2);
    }

    @Test
    void unwrapChain() {
        Fence f1 = mockFence();
        Fence f2 = mockFence();
        assertThat(iterate(mockChain(f1, f2))).as("head's fence, then back").containsExactly(f2, f1);
    }

    @Test
    void unwrapChainArray() {
        Fence f1 = mockFence();
        Fence f2 = mockFence();
        assertThat(iterate(mockChain(null, mockArray(f1, f2)))).containsExactly(f1, f2);
    }

    @Test
    void unwrapMerge() {
        Fence f1 = mockFence();
        Fence f2 = mockFence();
        Fence merged = FenceUnwrap.merge(f1, f2);
        assertThat(iterate(merged)).containsExactly(f1, f2);
    }

    @Test
    void unwrapMergeDuplicate() {
        Fence f1 = mockFence();
        assertThat(FenceUnwrap.merge(f1, f1))
                .as("one fence left: returned as is")
                .isSameAs(f1);
        assertThat(iterate(FenceUnwrap.merge(f1, f1))).containsExactly(f1);
    }

    @Test
    void unwrapMergeSeqno() {
        long ctx0 = FenceContext.allocate();
        long ctx1 = FenceContext.allocate();
        Fence f1 = mockFence(ctx1, 1);
        Fence f2 = mockFence(ctx1, 2);
        Fence f3 = mockFence(ctx0, 1);
        assertThat(iterate(FenceUnwrap.merge(f1, f2, f3))).containsExactly(f3, f2);
    }

    @Test
    void unwrapMergeOrder() {
        Fence f1 = mockFence();
        Fence f2 = mockFence();
        FenceArray a1 = mockArray(f1, f2);
        FenceChain c2 = mockChain(mockChain(null, f1), f2);
        assertThat(iterate(c2)).containsExactly(f2, f1);
        assertThat(iterate(FenceUnwrap.merge(a1, c2))).containsExactly(f1, f2);
    }

    @Test
    void unwrapMergeComplex() {
        Fence f1 = mockFence();
        Fence f2 = mockFence();
        Fence f3 = FenceUnwrap.merge(f1, f2);
        FenceArray f4 = mockArray(f2, f1);
        Fence merged = FenceUnwrap.merge(f3, f4, Fence.stub());
        assertThat(iterate(merged)).containsExactlyInAnyOrder(f1, f2).doesNotHaveDuplicates();
    }

    @Test
    void unwrapMergeComplexSeqno() {
        long ctx0 = FenceContext.allocate();
        long ctx1 = FenceContext.allocate();
        Fence f1 = mockFence(ctx0, 2);
        Fence f2 = mockFence(ctx1, 1);
        Fence f3 = mockFence(ctx0, 1);
        Fence f4 = mockFence(ctx1, 2);
        FenceArray f5 = mockArray(f1, f2);
        FenceArray f6 = mockArray(f3, f4);
        assertThat(iterate(FenceUnwrap.merge(f5, f6))).containsExactly(f1, f4);
    }

    // ---- Beyond the selftest: what sync_file merge returns ------------------------------------------------

    @Test
    void mergeOfSeveralPendingIsANewAllOfArray() {
        Fence f1 = mockFence();
        Fence f2 = mockFence();
        long before = FenceContext.allocate();
        Fence merged = FenceUnwrap.merge(f2, f1);
        FenceArray array = FenceArray.asArray(merged);
        assertThat(array).isNotNull();
        assertThat(array.context()).as("fresh context").isGreaterThan(before);
        assertThat(array.seqno()).isEqualTo(1);
        assertThat(array.signalOnAny()).isFalse();
        assertThat(array.members()).as("sorted by context").containsExactly(f1, f2);
        assertThat(array.clock()).isSameAs(clock);
        f1.signal();
        assertThat(merged.isSignaled()).isFalse();
        f2.signal();
        assertThat(merged.isSignaled()).isTrue();
    }

    @Test
    void mergeDropsSignalledLeaves() {
        Fence f1 = mockFence();
        Fence f2 = mockFence();
        f1.signal();
        assertThat(FenceUnwrap.merge(f1, f2)).isSameAs(f2);
        assertThat(FenceUnwrap.merge(mockArray(f1, f2))).isSameAs(f2);
    }

    @Test
    void mergeOfNothingPendingIsAStubWithTheLatestTimestamp() {
        Fence f1 = mockFence();
        Fence f2 = mockFence();
        f1.signalTimestamp(500);
        f2.signalTimestamp(300);
        Fence merged = FenceUnwrap.merge(f1, f2, Fence.stub());
        assertThat(merged).isNotSameAs(Fence.stub());
        assertThat(merged.isSignaled()).isTrue();
        assertThat(merged.context()).isZero();
        assertThat(merged.seqno()).isZero();
        assertThat(merged.ops().driverName(merged)).isEqualTo("stub");
        assertThat(merged.timestamp()).isEqualTo(Math.max(500, Fence.stub().timestamp()));

        Fence empty = FenceUnwrap.merge();
        assertThat(empty.isSignaled()).isTrue();
        assertThat(empty.timestamp()).isZero();
        assertThat(FenceUnwrap.merge((Fence) null).timestamp()).isZero();
    }

    @Test
    void mergeKeepsTheLaterSeqnoWithThe32BitWrapRule() {
        long ctx = FenceContext.allocate();
        Fence old = mockFence(ctx, 0xFFFF_FFFEL);
        Fence wrapped = mockFence(ctx, 1);
        assertThat(FenceUnwrap.merge(old, wrapped)).isSameAs(wrapped);
        assertThat(FenceUnwrap.merge(wrapped, old)).isSameAs(wrapped);
    }

    @Test
    void mergeWithAnExplicitClock() {
        VirtualClock other = new VirtualClock(5_000_000_000L);
        Fence merged = FenceUnwrap.merge(other, mockFence(), mockFence());
        assertThat(merged.clock()).isSameAs(other);
    }

    @Test
    void unwrapOfNullAndPlainFences() {
        assertThat(iterate(null)).isEmpty();
        Fence f = mockFence();
        assertThat(iterate(f)).containsExactly(f);
        assertThat(FenceUnwrap.isContainer(f)).isFalse();
        assertThat(FenceUnwrap.isContainer(mockArray(f))).isTrue();
        assertThat(FenceUnwrap.isContainer(mockChain(null, f))).isTrue();
    }

    @Test
    void unwrapIncludesSignalledLeavesExceptCollectedLinks() {
        Fence f1 = mockFence();
        Fence f2 = mockFence();
        Fence f3 = mockFence();
        FenceChain c1 = mockChain(null, f1);
        FenceChain c2 = FenceChain.create(c1, f2, 2);
        FenceChain c3 = FenceChain.create(c2, f3, 3);
        f3.signal();
        assertThat(iterate(c3))
                .as("the head's own signalled fence is still yielded")
                .containsExactly(f3, f2, f1);
        f1.signal();
        assertThat(iterate(c3)).as("the signalled first link is collected").containsExactly(f3, f2);
    }
}
