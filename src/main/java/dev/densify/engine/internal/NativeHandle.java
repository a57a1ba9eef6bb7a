package dev.densify.engine.internal;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * Owner of one native object. Closing frees it; {@link #close()} is idempotent, and an object that
 * becomes unreachable without being closed is freed by a {@link Cleaner} (a safety net: close
 * handles explicitly, e.g. with try-with-resources, since native memory is invisible to the GC).
 *
 * <p>Thread-safety: one handle is safe to use from many threads — its calls are serialised by a
 * lock, so concurrent callers wait for each other; different handles run concurrently. Closing
 * waits for a call in progress on another thread. Any use after close throws
 * {@link IllegalStateException}.
 *
 * <p>The public handles ({@code Policy}, {@code RewardModel}, {@code Optimizer}) each hold one and
 * never show the pointer; the engine's calls reach it only through {@link #call(LongFunction)}.
 */
public final class NativeHandle implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();

    private final String kind;
    private final ReentrantLock lock = new ReentrantLock();
    private final Owner owner;
    private final Cleaner.Cleanable cleanable;
    private boolean closed; // guarded by lock

    /**
     * Takes ownership of {@code address}.
     *
     * @param kind    the name used in messages, e.g. "Policy"
     * @param address the native pointer, not 0
     * @param free    frees the pointer; must not refer to this handle (it runs after it is unreachable)
     */
    public NativeHandle(String kind, long address, LongConsumer free) {
        this.kind = Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(free, "free");
        if (address == 0) {
            throw new IllegalArgumentException(kind + ": native pointer is NULL");
        }
        this.owner = new Owner(address, free);
        this.cleanable = CLEANER.register(this, owner);
    }

    /** The cleaning action; holds no reference to the handle so that the handle can become unreachable. */
    private record Owner(long address, LongConsumer free) implements Runnable {
        @Override
        public void run() {
            free.accept(address);
        }
    }

    /**
     * Runs {@code body} with the native address while holding this handle's lock.
     *
     * @throws IllegalStateException if the handle is closed
     */
    public <T> T call(LongFunction<T> body) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(kind + " is closed");
            }
            return body.apply(owner.address);
        } finally {
            lock.unlock();
            // Without this the JIT may deem the handle unreachable during the native call and let
            // the Cleaner free the pointer under it.
            Reference.reachabilityFence(this);
        }
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Frees the native object; waits for a call in progress; does nothing when already closed. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                cleanable.clean();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return kind + (isClosed() ? " (closed)" : "");
    }
}
