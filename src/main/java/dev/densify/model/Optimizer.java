package dev.densify.model;

import dev.densify.engine.internal.NativeHandle;
import dev.densify.engine.internal.OptimizerCalls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Adam state over every weight of one model; it can only step that model
 * ({@link Policy#lmStep}, {@link RewardModel#classifierStep}). Creating one makes the model's
 * weights trainable; inference calls stay gradient-free.
 *
 * <p>Thread-safety: as a {@link Model}; a step holds the model's lock, then the optimizer's
 * (always in that order, so concurrent steps cannot deadlock). The two may be closed in either
 * order; stepping after either is closed throws {@link IllegalStateException}.
 */
public final class Optimizer implements AutoCloseable {

    private final NativeHandle handle;
    private final Model model;
    private final AdamOptions options;

    private Optimizer(long address, Model model, AdamOptions options) {
        this.handle = new NativeHandle("Optimizer", address, OptimizerCalls::free);
        this.model = model;
        this.options = options;
    }

    /** A new Adam optimizer over all weights of {@code model}. */
    public static Optimizer adam(Model model, AdamOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        return new Optimizer(OptimizerCalls.adam(model.handle(), options), model, options);
    }

    /** The model this optimizer steps. */
    public Model model() {
        return model;
    }

    public AdamOptions options() {
        return options;
    }

    NativeHandle handle() {
        return handle;
    }

    /**
     * The handle, for a step of {@code stepped}.
     *
     * @throws IllegalArgumentException when {@code stepped} is not this optimizer's model
     */
    NativeHandle handleFor(Model stepped) {
        if (stepped != model) {
            throw new IllegalArgumentException("this optimizer belongs to another model");
        }
        return handle;
    }

    /** Writes the optimizer state (step count, Adam moments) to {@code path} atomically. */
    public void save(Path path) {
        Objects.requireNonNull(path, "path");
        OptimizerCalls.save(handle, path);
    }

    /**
     * Restores state written by {@link #save} from an optimizer of a model with the same
     * configuration.
     *
     * @throws dev.densify.engine.FormatException when the file is not such a state
     */
    public void load(Path path) {
        Objects.requireNonNull(path, "path");
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("optimizer state " + path + " does not exist or is not a file");
        }
        OptimizerCalls.load(handle, path);
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Frees the native state; waits for a call in progress; does nothing when already closed. */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return handle.toString();
    }
}
