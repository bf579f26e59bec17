package dev.uvgem.core.syncfile;

import dev.uvgem.core.fence.Fence;
import java.util.List;

/** Placeholder until fence.container.FenceUnwrap lands: treats every fence as a single leaf. */
final class Unwrap {
    private Unwrap() {}

    static List<Fence> leaves(Fence f) {
        return List.of(f);
    }

    static Fence merge(Fence a, Fence b) {
        throw new UnsupportedOperationException("merge needs FenceUnwrap");
    }
}
