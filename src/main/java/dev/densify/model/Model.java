package dev.densify.model;

import dev.densify.engine.Densify;
import dev.densify.engine.internal.Handles;
import dev.densify.engine.internal.ModelCalls;
import dev.densify.engine.internal.NativeHandle;

import java.nio.file.Path;
import java.util.List;
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
    private final int vocabularySize;
    private final int contextLength;

    Model(ModelKind kind, ModelCalls.Described described, String device) {
        this.handle = new NativeHandle(kind == ModelKind.POLICY ? "Policy" : "RewardModel", described.address(),
                ModelCalls::free);
        this.kind = kind;
        this.config = described.config();
        this.device = Objects.requireNonNull(device, "device");
        this.parameterCount = described.parameterCount();
        this.vocabularySize = described.vocabularySize();
        this.contextLength = described.contextLength();
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

    /**
     * The GPT-2 configuration, as the native engine reports it.
     *
     * @throws UnsupportedOperationException for a TorchScript reward model, which has none: use
     *                                       {@link #vocabularySize()} and {@link #contextLength()}
     */
    public final ModelConfig config() {
        if (config == null) {
            throw new UnsupportedOperationException("a TorchScript reward model has no GPT-2 configuration");
        }
        return config;
    }

    /** Token ids the model accepts: [0, vocabularySize). */
    public final int vocabularySize() {
        return vocabularySize;
    }

    /** The longest sequence the model accepts (n_positions of a GPT-2). */
    public final int contextLength() {
        return contextLength;
    }

    /** Whether this is a TorchScript reward model (scoring and SHAP/LIME only, no prefix reuse). */
    public final boolean isTorchScript() {
        return config == null;
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
        ModelCalls.save(handle, Checkpoint.metadataJson(kind, config()), path);
    }

    /**
     * Writes the model as a Hugging Face model directory that transformers' {@code from_pretrained}
     * loads ({@code GPT2LMHeadModel} for a policy, {@code GPT2ForSequenceClassification} with one
     * label for a reward model): {@code model.safetensors} (as {@link #save}, so densify loads the
     * directory too), {@code config.json}, and the tokenizer's files copied in. The directory is
     * built beside the target and renamed into place: it appears complete or not at all.
     *
     * @param dir            must not exist
     * @param tokenizerFiles files copied in under their own names (tokenizer.json, tokenizer_config.json, ...)
     * @param tokens         special ids written to config.json (HF's classifier reads its score at the
     *                       last token that is not {@code pad_token_id}); -1 where there is none
     * @throws IllegalArgumentException when {@code dir} exists or a tokenizer file is missing
     * @throws java.io.UncheckedIOException when writing fails (nothing is left behind)
     */
    public final void saveDirectory(Path dir, List<Path> tokenizerFiles, SpecialIds tokens) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(tokenizerFiles, "tokenizerFiles");
        Objects.requireNonNull(tokens, "tokens");
        Checkpoint.writeDirectory(dir, kind, config(), tokenizerFiles, tokens, this::save);
    }

    /**
     * Token ids that a Hugging Face {@code config.json} names.
     *
     * @param bos -1 for none
     * @param eos -1 for none
     * @param pad -1 for none
     */
    public record SpecialIds(int bos, int eos, int pad) {
        public static final SpecialIds NONE = new SpecialIds(-1, -1, -1);
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
