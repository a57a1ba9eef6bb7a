package dev.densify.task;

import java.io.PrintStream;
import java.util.Objects;

/**
 * How to prepare a built-in task. Immutable; derive variants with the {@code with*} methods.
 *
 * @param seed    fixes every random choice (data, initialisation, batches, samples)
 * @param size    {@link TaskSize#SMALL} or {@link TaskSize#DEFAULT}
 * @param threads parallelism: at least 2 trains the task's models concurrently, 1 one after the
 *                other; 0 = decide from the engine's current thread count. Native operations
 *                run single-threaded either way (see {@link NativeThreads}), so outputs do not
 *                depend on it.
 * @param device  where to train and evaluate: "cpu", "cuda" or "cuda:N"
 * @param force   rebuild even when the directory holds a complete task (with the same or with
 *                other parameters)
 * @param log     where progress bars and messages go (usually stderr); null = silent
 */
public record PrepareOptions(long seed, TaskSize size, int threads, String device, boolean force, PrintStream log) {

    public PrepareOptions {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(device, "device");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = keep the current setting), got " + threads);
        }
    }

    /** Seed 0, default size, current threads, cpu, no force, silent. */
    public static PrepareOptions defaults() {
        return new PrepareOptions(0, TaskSize.DEFAULT, 0, "cpu", false, null);
    }

    public PrepareOptions withSeed(long seed) {
        return new PrepareOptions(seed, size, threads, device, force, log);
    }

    public PrepareOptions withSize(TaskSize size) {
        return new PrepareOptions(seed, size, threads, device, force, log);
    }

    public PrepareOptions withThreads(int threads) {
        return new PrepareOptions(seed, size, threads, device, force, log);
    }

    public PrepareOptions withDevice(String device) {
        return new PrepareOptions(seed, size, threads, device, force, log);
    }

    public PrepareOptions withForce(boolean force) {
        return new PrepareOptions(seed, size, threads, device, force, log);
    }

    public PrepareOptions withLog(PrintStream log) {
        return new PrepareOptions(seed, size, threads, device, force, log);
    }
}
