package dev.densify.engine.internal;

import dev.densify.bindings.densify_h;
import dev.densify.bindings.densify_h.dfy_generate_options;
import dev.densify.bindings.densify_h.dfy_model_config;
import dev.densify.engine.DensifyException;
import dev.densify.engine.MemoryBudget;
import dev.densify.model.Generation;
import dev.densify.model.GenerationOptions;
import dev.densify.model.ModelConfig;
import dev.densify.model.ModelKind;
import dev.densify.model.PolicyOutput;
import dev.densify.model.TrainStep;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * The downcalls on models ({@code dfy_model_*}, {@code dfy_policy_*}, {@code dfy_reward_*}): the
 * public classes validate, these marshal. Every call on an existing model holds its handle's lock
 * (and, for a training step, then the optimizer's). Stateless; thread-safe.
 */
public final class ModelCalls {

    private ModelCalls() {
    }

    /**
     * A native model this thread just obtained, and what it reports about itself.
     *
     * @param config null for a TorchScript reward model (it has no GPT-2 configuration)
     */
    public record Described(long address, ModelConfig config, long parameterCount, int vocabularySize,
                            int contextLength) {
    }

    /** A model's float32 weights must fit the machine, as its configuration says (a config.json of 10^9 ids…). */
    private static void requireModelMemory(String function, ModelConfig config) {
        long params = config.parameterCount();
        MemoryBudget.require(function, String.format(java.util.Locale.ROOT,
                "a model of %,d ids x %,d positions x %,d embeddings x %,d layers", config.vocabSize(),
                config.nPositions(), config.nEmbd(), config.nLayer()), params < 0 ? -1 : MemoryBudget.product(params, 4));
    }

    /** A new model with GPT-2's initialisation on an already checked device. */
    public static Described create(ModelKind kind, ModelConfig config, String device, long seed) {
        requireModelMemory("dfy_model_create", config);
        Native.load();
        long address;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check("dfy_model_create", densify_h.dfy_model_create(kind.code(), config(arena, config),
                    arena.allocateFrom(device), seed, out));
            address = Native.address(out);
        }
        return describe(address, kind);
    }

    /**
     * Loads the safetensors file {@code weights} (memory-mapped, never copied) onto a checked device.
     *
     * @param scoreLabel a reward model's head row ({@code DFY_SCORE_*} or a label); 0 for a policy
     */
    public static Described load(ModelKind kind, ModelConfig config, String device, Path weights, int scoreLabel) {
        requireModelMemory("dfy_model_load", config);
        Native.load();
        long address = MappedFiles.read(weights, "checkpoint", data -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                MemorySegment c = config(arena, config);
                dfy_model_config.score_label(c, scoreLabel);
                int status = densify_h.dfy_model_load(kind.code(), c, arena.allocateFrom(device),
                        data, data.byteSize(), out);
                try {
                    Native.check("dfy_model_load", status);
                } catch (DensifyException e) {
                    throw DensifyException.of(e.function(), e.status(), weights + ": " + e.detail(), e);
                }
                return Native.address(out);
            }
        });
        return describe(address, kind);
    }

    /**
     * Loads a TorchScript reward model ({@code dfy_reward_load_script}) onto a checked device.
     *
     * @param scoreLabel {@code DFY_SCORE_*} or a label of the module's logits
     */
    public static Described loadScript(Path file, String device, int vocabularySize, int contextLength, int scoreLabel) {
        Native.load();
        long address;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            int status = densify_h.dfy_reward_load_script(arena.allocateFrom(file.toAbsolutePath().toString()),
                    arena.allocateFrom(device), vocabularySize, contextLength, scoreLabel, out);
            try {
                Native.check("dfy_reward_load_script", status);
            } catch (DensifyException e) {
                throw DensifyException.of(e.function(), e.status(), file + ": " + e.detail(), e);
            }
            address = Native.address(out);
        }
        return describe(address, ModelKind.REWARD);
    }

    /** A copy of the model's weights on an already checked device. */
    public static Described copy(NativeHandle model, ModelKind kind, String device) {
        long address = model.call(pointer -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                Native.check("dfy_model_clone", densify_h.dfy_model_clone(Native.pointer(pointer),
                        arena.allocateFrom(device), out));
                return Native.address(out);
            }
        });
        return describe(address, kind);
    }

    public static void free(long address) {
        densify_h.dfy_model_free(Native.pointer(address));
    }

    /** Reads config and parameter count of a model this thread just obtained; frees it on failure. */
    private static Described describe(long address, ModelKind expected) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment model = Native.pointer(address);
            MemorySegment kind = arena.allocate(ValueLayout.JAVA_INT);
            Native.check("dfy_model_kind", densify_h.dfy_model_kind(model, kind));
            if (kind.get(ValueLayout.JAVA_INT, 0) != expected.code()) {
                throw new IllegalStateException("native model has kind " + kind.get(ValueLayout.JAVA_INT, 0)
                        + ", expected " + expected.code());
            }
            MemorySegment c = dfy_model_config.allocate(arena);
            Native.check("dfy_model_get_config", densify_h.dfy_model_get_config(model, c));
            MemorySegment count = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check("dfy_model_parameter_count", densify_h.dfy_model_parameter_count(model, count));
            int vocab = Math.toIntExact(dfy_model_config.vocab_size(c));
            int context = (int) Math.min(Integer.MAX_VALUE, dfy_model_config.n_positions(c));
            // A TorchScript module reports only its vocabulary and context (n_layer 0).
            ModelConfig config = dfy_model_config.n_layer(c) == 0 ? null : new ModelConfig(vocab, context,
                    Math.toIntExact(dfy_model_config.n_embd(c)),
                    Math.toIntExact(dfy_model_config.n_layer(c)),
                    Math.toIntExact(dfy_model_config.n_head(c)),
                    dfy_model_config.layer_norm_epsilon(c));
            return new Described(address, config, count.get(ValueLayout.JAVA_LONG, 0), vocab, context);
        } catch (RuntimeException e) {
            free(address);
            throw e;
        }
    }

    private static MemorySegment config(Arena arena, ModelConfig config) {
        MemorySegment s = dfy_model_config.allocate(arena);
        dfy_model_config.vocab_size(s, config.vocabSize());
        dfy_model_config.n_positions(s, config.nPositions());
        dfy_model_config.n_embd(s, config.nEmbd());
        dfy_model_config.n_layer(s, config.nLayer());
        dfy_model_config.n_head(s, config.nHead());
        dfy_model_config.layer_norm_epsilon(s, config.layerNormEpsilon());
        return s;
    }

    /**
     * Writes the model as safetensors with {@code metadataJson} as its {@code __metadata__} to
     * {@code target} atomically.
     */
    public static void save(NativeHandle model, String metadataJson, Path target) {
        model.call(address -> {
            MemorySegment self = Native.pointer(address);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment metadata = arena.allocateFrom(metadataJson);
                MemorySegment sizeOut = arena.allocate(ValueLayout.JAVA_LONG);
                Native.check("dfy_model_save_size", densify_h.dfy_model_save_size(self, metadata, sizeOut));
                long size = sizeOut.get(ValueLayout.JAVA_LONG, 0);
                MappedFiles.writeAtomically(target, "checkpoint", size, (buffer, capacity) -> {
                    MemorySegment written = arena.allocate(ValueLayout.JAVA_LONG);
                    Native.check("dfy_model_save", densify_h.dfy_model_save(self, metadata, buffer, capacity, written));
                    long count = written.get(ValueLayout.JAVA_LONG, 0);
                    if (count != capacity) {
                        throw new DensifyException("dfy_model_save", densify_h.DFY_ERR_INTERNAL(),
                                "wrote " + count + " bytes, dfy_model_save_size promised " + capacity);
                    }
                });
            }
            return null;
        });
    }

    /** {@code dfy_policy_forward} over a [b, t] batch; the outputs not asked for are null. */
    public static PolicyOutput forward(NativeHandle policy, int[][] ids, int[][] mask, int vocabSize,
                                       boolean logits, boolean values, boolean tokenLogprobs) {
        int b = ids.length;
        int t = ids[0].length;
        if (logits) {  // a native buffer and the Java array it is copied into
            MemoryBudget.require("dfy_policy_forward", "logits of " + b + " x " + t + " x " + vocabSize,
                    MemoryBudget.product(b, t, vocabSize, 8));
        }
        int logitCount = logits ? Native.arrayLength("logits", (long) b * t * vocabSize) : 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment idsSegment = Native.int64(arena, ids);
            MemorySegment maskSegment = Native.int64(arena, mask);
            MemorySegment outLogits = logits ? arena.allocate(ValueLayout.JAVA_FLOAT, logitCount) : MemorySegment.NULL;
            MemorySegment outValues = values ? arena.allocate(ValueLayout.JAVA_FLOAT, (long) b * t) : MemorySegment.NULL;
            MemorySegment outLogprobs = tokenLogprobs
                    ? arena.allocate(ValueLayout.JAVA_FLOAT, (long) b * (t - 1)) : MemorySegment.NULL;
            policy.call(address -> {
                Native.check("dfy_policy_forward", densify_h.dfy_policy_forward(Native.pointer(address),
                        idsSegment, maskSegment, b, t, outLogits, outValues, outLogprobs));
                return null;
            });
            return new PolicyOutput(b, t, vocabSize,
                    logits ? outLogits.toArray(ValueLayout.JAVA_FLOAT) : null,
                    values ? Native.rows(outValues, b, t) : null,
                    tokenLogprobs ? Native.rows(outLogprobs, b, t - 1) : null);
        }
    }

    /** {@code dfy_policy_generate} for checked, non-empty prompts. */
    public static Generation generate(NativeHandle policy, int[][] prompts, GenerationOptions options) {
        long total = 0;
        for (int[] prompt : prompts) {
            total += prompt.length;
        }
        int batch = prompts.length;
        int width = options.maxNewTokens();
        // ids (int64) and log-probabilities (float32) natively, then as Java arrays
        MemoryBudget.require("dfy_policy_generate", batch + " x " + width + " generated tokens",
                MemoryBudget.product(batch, width, 20));
        Native.arrayLength("generated tokens", (long) batch * width);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, Math.max(total, 1));
            MemorySegment lengths = arena.allocate(ValueLayout.JAVA_LONG, batch);
            long k = 0;
            for (int i = 0; i < batch; i++) {
                lengths.setAtIndex(ValueLayout.JAVA_LONG, i, prompts[i].length);
                for (int id : prompts[i]) {
                    ids.setAtIndex(ValueLayout.JAVA_LONG, k++, id);
                }
            }
            MemorySegment opts = generateOptions(arena, options);
            MemorySegment outIds = arena.allocate(ValueLayout.JAVA_LONG, (long) batch * width);
            MemorySegment outLogprobs = arena.allocate(ValueLayout.JAVA_FLOAT, (long) batch * width);
            MemorySegment outLengths = arena.allocate(ValueLayout.JAVA_LONG, batch);
            long totalTokens = total;
            policy.call(address -> {
                Native.check("dfy_policy_generate", densify_h.dfy_policy_generate(Native.pointer(address),
                        ids, totalTokens, lengths, batch, opts, outIds, outLogprobs, outLengths));
                return null;
            });
            int[][] tokens = new int[batch][];
            int[] counts = new int[batch];
            for (int i = 0; i < batch; i++) {
                long n = outLengths.getAtIndex(ValueLayout.JAVA_LONG, i);
                if (n < 0 || n > width) {
                    throw new IllegalStateException("dfy_policy_generate reported length " + n + " for prompt " + i
                            + ", outside [0, " + width + "]");
                }
                counts[i] = (int) n;
                tokens[i] = new int[counts[i]];
                for (int j = 0; j < counts[i]; j++) {
                    tokens[i][j] = Math.toIntExact(outIds.getAtIndex(ValueLayout.JAVA_LONG, (long) i * width + j));
                }
            }
            return new Generation(tokens, Native.rows(outLogprobs, width, counts), counts);
        }
    }

    private static MemorySegment generateOptions(Arena arena, GenerationOptions o) {
        MemorySegment s = dfy_generate_options.allocate(arena);
        dfy_generate_options.max_new_tokens(s, o.maxNewTokens());
        dfy_generate_options.temperature(s, o.temperature());
        dfy_generate_options.top_k(s, o.topK());
        dfy_generate_options.top_p(s, o.topP());
        dfy_generate_options.stop_token(s, o.stopToken());
        dfy_generate_options.pad_token(s, o.padToken());
        dfy_generate_options.seed(s, o.seed());
        dfy_generate_options.use_cache(s, o.useCache() ? 1 : 0);
        return s;
    }

    /** {@code dfy_reward_score}: one score per row of a [b, t] batch. */
    public static float[] score(NativeHandle rewardModel, int[][] ids, int[][] mask) {
        int b = ids.length;
        int t = ids[0].length;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment idsSegment = Native.int64(arena, ids);
            MemorySegment maskSegment = Native.int64(arena, mask);
            MemorySegment scores = arena.allocate(ValueLayout.JAVA_FLOAT, b);
            rewardModel.call(address -> {
                Native.check("dfy_reward_score",
                        densify_h.dfy_reward_score(Native.pointer(address), idsSegment, maskSegment, b, t, scores));
                return null;
            });
            return scores.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /** {@code dfy_policy_lm_step}; holds the policy's lock, then the optimizer's. */
    public static TrainStep lmStep(NativeHandle policy, NativeHandle optimizer, int[][] ids, int[][] mask) {
        return step("dfy_policy_lm_step", policy, optimizer, ids, mask, null);
    }

    /** {@code dfy_reward_classifier_step}; holds the reward model's lock, then the optimizer's. */
    public static TrainStep classifierStep(NativeHandle rewardModel, NativeHandle optimizer, int[][] ids, int[][] mask,
                                           float[] labels) {
        return step("dfy_reward_classifier_step", rewardModel, optimizer, ids, mask, labels);
    }

    private static TrainStep step(String function, NativeHandle model, NativeHandle optimizer, int[][] ids,
                                  int[][] mask, float[] labels) {
        int b = ids.length;
        int t = ids[0].length;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment idsSegment = Native.int64(arena, ids);
            MemorySegment maskSegment = Native.int64(arena, mask);
            MemorySegment y = labels == null ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_FLOAT, labels);
            MemorySegment loss = arena.allocate(ValueLayout.JAVA_FLOAT);
            MemorySegment norm = arena.allocate(ValueLayout.JAVA_FLOAT);
            model.call(m -> optimizer.call(o -> {
                MemorySegment self = Native.pointer(m);
                MemorySegment opt = Native.pointer(o);
                Native.check(function, labels == null
                        ? densify_h.dfy_policy_lm_step(self, opt, idsSegment, maskSegment, b, t, loss, norm)
                        : densify_h.dfy_reward_classifier_step(self, opt, idsSegment, maskSegment, y, b, t, loss, norm));
                return null;
            }));
            return new TrainStep(loss.get(ValueLayout.JAVA_FLOAT, 0), norm.get(ValueLayout.JAVA_FLOAT, 0));
        }
    }
}
