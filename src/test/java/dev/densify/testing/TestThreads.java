package dev.densify.testing;

import dev.densify.engine.Densify;

import java.util.function.Supplier;

/** Runs test code at a given native thread count, restoring the previous count afterwards. */
public final class TestThreads {

    private TestThreads() {
    }

    /** {@code body} evaluated with {@link Densify#setThreads} at {@code threads}. */
    public static <T> T with(int threads, Supplier<T> body) {
        int previous = Densify.threads();
        Densify.setThreads(threads);
        try {
            return body.get();
        } finally {
            Densify.setThreads(previous);
        }
    }
}
