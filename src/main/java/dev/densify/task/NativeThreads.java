package dev.densify.task;

import dev.densify.engine.Densify;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Runs native math single-threaded for a while: libtorch's intra-op threads and, where libtorch
 * uses OpenBLAS, OpenBLAS's own thread pool (which {@link Densify#setThreads} does not reach).
 *
 * <p>Why: the task models are tiny, so per-operation parallelism costs more in synchronisation
 * than it gains, and on a busy machine a 2-thread OpenMP barrier per operation slows training by
 * an order of magnitude (measured: 13 ms vs 330–670 ms per SFT step). Instead the task trains
 * its two models concurrently, one Java thread each, each operation on its caller's thread; that
 * also makes every number independent of the thread count. Concurrent callers into a
 * multi-threaded OpenBLAS serialise on its pool (36 ms vs 13 ms per step), hence OpenBLAS too.
 *
 * <p>Stopgap: the OpenBLAS part belongs in {@code dfy_set_num_threads}; until the engine does
 * it, this looks up {@code openblas_set_num_threads} in the already loaded
 * {@code libopenblas.so.0} and does nothing where that library or symbol is absent. Settings are
 * process-wide and restored by {@link #close()}. Not for concurrent use with other code that
 * changes the thread count.
 */
public final class NativeThreads implements AutoCloseable {

    private static final String[] OPENBLAS = {"libopenblas.so.0", "libopenblas.so"};

    private final int previousTorch;
    private final int previousBlas;
    private boolean closed;

    private NativeThreads(int previousTorch, int previousBlas) {
        this.previousTorch = previousTorch;
        this.previousBlas = previousBlas;
    }

    /** Sets libtorch and OpenBLAS to one thread each until {@link #close()}. */
    public static NativeThreads singleThreaded() {
        int torch = Densify.threads();
        int blas = Blas.get().orElse(-1);
        Densify.setThreads(1);
        Blas.set(1);
        return new NativeThreads(torch, blas);
    }

    /** Restores the previous thread counts. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Densify.setThreads(previousTorch);
        if (previousBlas > 0) {
            Blas.set(previousBlas);
        }
    }

    /** OpenBLAS's thread count functions, when the process has them. */
    static final class Blas {
        private static final MethodHandle SET;
        private static final MethodHandle GET;

        static {
            MethodHandle set = null;
            MethodHandle get = null;
            for (String name : OPENBLAS) {
                try {
                    SymbolLookup lib = SymbolLookup.libraryLookup(name, Arena.global());
                    Linker linker = Linker.nativeLinker();
                    set = lib.find("openblas_set_num_threads").map(a -> linker.downcallHandle(a,
                            FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT))).orElse(null);
                    get = lib.find("openblas_get_num_threads").map(a -> linker.downcallHandle(a,
                            FunctionDescriptor.of(ValueLayout.JAVA_INT))).orElse(null);
                    if (set != null) {
                        break;
                    }
                } catch (IllegalArgumentException | IllegalCallerException e) {
                    // not there, or native access not enabled: nothing to do
                }
            }
            SET = set;
            GET = get;
        }

        private Blas() {
        }

        static Optional<Integer> get() {
            if (GET == null) {
                return Optional.empty();
            }
            try {
                return Optional.of((int) GET.invokeExact());
            } catch (Throwable t) {
                return Optional.empty();
            }
        }

        static void set(int threads) {
            if (SET == null) {
                return;
            }
            try {
                SET.invokeExact(threads);
            } catch (Throwable t) {
                // best effort: a failure here only costs speed
            }
        }
    }
}
