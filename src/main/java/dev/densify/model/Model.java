package dev.densify.model;

import dev.densify.engine.NativeHandle;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * A GPT-2 model held by the native engine: a {@link Policy} or a {@link RewardModel}.
 *
 * <p>Thread-safety: safe to use from many threads; calls on one model are serialised (each waits
 * for the one in progress), different models run concurrently. Close it when done (it holds
 * native, possibly device, memory); use after close throws {@link IllegalStateException}.
 */
public abstract sealed class Model extends NativeHandle permits Policy, RewardModel {

    private final ModelKind kind;
    private final ModelConfig config;
    private final String device;
    private final long parameterCount;

    Model(ModelKind kind, ModelNative.Described described, String device) {
        super(kind == ModelKind.POLICY ? "Policy" : "RewardModel", described.address(), ModelNative::free);
        this.kind = kind;
        this.config = described.config();
        this.device = Objects.requireNonNull(device, "device");
        this.parameterCount = described.parameterCount();
    }

    /** Policy or reward model. */
    public final ModelKind kind() {
        return kind;
    }

    /** The configuration, as the native engine reports it. */
    public final ModelConfig config() {
        return config;
    }

    /** The device the weights live on, in canonical form ("cpu", "cuda:0", ...). */
    public final String device() {
        return device;
    }

    /** Number of trainable parameters (tied weights counted once). */
    public final long parameterCount() {
        return parameterCount;
    }

    /**
     * Internal: runs {@code body} with the native model pointer (as a {@code long}) while holding
     * this model's lock, for the engine's own packages ({@link Optimizer},
     * {@code dev.densify.attribution}). The pointer must not be used outside {@code body}. Not part
     * of the supported API.
     *
     * @throws IllegalStateException if the model is closed
     */
    public final <T> T withAddress(LongFunction<T> body) {
        return call(body);
    }

    /**
     * Writes a checkpoint (float32 safetensors with densify metadata) atomically: the file appears
     * complete or not at all.
     *
     * @see Checkpoint
     */
    public final void save(Path path) {
        Objects.requireNonNull(path, "path");
        call(address -> {
            Checkpoint.save(address, kind, config, path);
            return null;
        });
    }
}
