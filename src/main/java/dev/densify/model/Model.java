package dev.densify.model;

import dev.densify.engine.Densify;
import dev.densify.engine.internal.Handles;
import dev.densify.engine.internal.ModelCalls;
import dev.densify.engine.internal.NativeHandle;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A GPT-2 model held by the native engine: a {@link Policy} or a {@link RewardModel}.
 *
 * <p>Closing frees it; {@link #close()} is idempotent, and a model that becomes unreachable
 * without being closed is freed by a {@link java.lang.ref.Cleaner} (a safety net: close models
 * explicitly, since native memory is invisible to the GC).
 *
 * <p>Thread-safety: safe to use from many threads; calls on one model are serialised (each waits
 * for the one in progress), different models run concurrently. Closing waits for a call in
 * progress; use after close throws {@link IllegalStateException}.
 */
public abstract sealed class Model implements AutoCloseable permits Policy, RewardModel {

    static {
        Handles.register(new Handles.Access() {
            @Override
            public NativeHandle of(Model model) {
                return model.handle;
            }

            @Override
            public NativeHandle of(Optimizer optimizer) {
                return optimizer.handle();
            }
        });
    }

    private final NativeHandle handle;
    private final ModelKind kind;
    private final ModelConfig config;
    private final String device;
    private final long parameterCount;

    Model(ModelKind kind, ModelCalls.Described described, String device) {
        this.handle = new NativeHandle(kind == ModelKind.POLICY ? "Policy" : "RewardModel", described.address(),
                ModelCalls::free);
        this.kind = kind;
        this.config = described.config();
        this.device = Objects.requireNonNull(device, "device");
        this.parameterCount = described.parameterCount();
    }

    /** Builds a model of this package from a native model on its canonical device. */
    @FunctionalInterface
    interface Maker<M extends Model> {
        M make(ModelCalls.Described described, String device);
    }

    /** A new model with GPT-2's initialisation, on a checked device. */
    static <M extends Model> M created(ModelKind kind, ModelConfig config, String device, long seed, Maker<M> maker) {
        Objects.requireNonNull(config, "config");
        String canonical = Densify.checkDevice(device);
        return maker.make(ModelCalls.create(kind, config, canonical, seed), canonical);
    }

    /** A checkpoint of {@code kind} loaded onto a checked device. */
    static <M extends Model> M loaded(ModelKind kind, Path path, ModelConfig config, String device, int scoreLabel,
                                      Maker<M> maker) {
        Objects.requireNonNull(path, "path");
        Checkpoint.Info resolved = Checkpoint.resolve(path, kind, config);
        String canonical = Densify.checkDevice(device);
        return maker.make(Checkpoint.load(resolved, canonical, scoreLabel), canonical);
    }

    final NativeHandle handle() {
        return handle;
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
     * Writes a checkpoint (float32 safetensors with densify metadata) atomically: the file appears
     * complete or not at all.
     *
     * @see Checkpoint
     */
    public final void save(Path path) {
        Objects.requireNonNull(path, "path");
        ModelCalls.save(handle, Checkpoint.metadataJson(kind, config), path);
    }

    /** Whether {@link #close()} has been called. */
    public final boolean isClosed() {
        return handle.isClosed();
    }

    /** Frees the native model; waits for a call in progress; does nothing when already closed. */
    @Override
    public final void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return handle.toString();
    }
}
