package dev.densify.task;

import dev.densify.engine.Densify;

/**
 * Runs native math single-threaded for a while ({@link Densify#setThreads}: libtorch's
 * intra-op threads and OpenBLAS's pool).
 *
 * <p>Why: the task models are tiny, so per-operation parallelism costs more in synchronisation
 * than it gains, and on a busy machine a 2-thread OpenMP barrier per operation slows training by
 * an order of magnitude (measured: 13 ms vs 330–670 ms per SFT step). Instead the task trains
 * its two models concurrently, one Java thread each, each operation on its caller's thread; that
 * also makes every number independent of the thread count. Settings are process-wide and
 * restored by {@link #close()}. Not for concurrent use with other code that changes the thread
 * count.
 */
public final class NativeThreads implements AutoCloseable {

    private final int previousTorch;
    private boolean closed;

    private NativeThreads(int previousTorch) {
        this.previousTorch = previousTorch;
    }

    /** Sets native math to one thread until {@link #close()}. */
    public static NativeThreads singleThreaded() {
        int torch = Densify.threads();
        Densify.setThreads(1);
        return new NativeThreads(torch);
    }

    /** Restores the previous thread count. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Densify.setThreads(previousTorch);
    }
}
