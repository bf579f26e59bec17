package dev.uvgem.sys;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs a blocking call on its own thread (never the common pool, which may have one worker). */
final class Async {
    private Async() {}

    static <T> CompletableFuture<T> supply(Supplier<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(body.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }
}
