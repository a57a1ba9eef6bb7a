package dev.densify.model;

import dev.densify.bindings.densify_h;
import dev.densify.engine.Densify;
import dev.densify.engine.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A GPT-2 language model with a scalar value head, in native memory: forward passes (logits,
 * values, token log-probabilities) and sampling.
 *
 * <p>Thread-safety: as {@link Model}: calls on one policy are serialised, different policies run
 * concurrently.
 */
public final class Policy extends Model {

    private static final StructLayout OPTIONS = densify_h.dfy_generate_options;

    private Policy(ModelNative.Described described, String device) {
        super(ModelKind.POLICY, described, device);
    }

    /**
     * A new policy with GPT-2's initialisation.
     *
     * @param device "cpu", "cuda" or "cuda:N"
     * @param seed   seeds the initialisation
     */
    public static Policy create(ModelConfig config, String device, long seed) {
        Objects.requireNonNull(config, "config");
        String canonical = Densify.checkDevice(device);
        return new Policy(ModelNative.create(ModelKind.POLICY, config, canonical, seed), canonical);
    }

    /** Loads a checkpoint (a file, or a Hugging Face directory) whose configuration it records. */
    public static Policy load(Path path, String device) {
        return load(path, null, device);
    }

    /**
     * Loads a checkpoint with an explicit configuration (overriding the recorded one; may be null).
     *
     * @see Checkpoint for the errors
     */
    public static Policy load(Path path, ModelConfig config, String device) {
        Objects.requireNonNull(path, "path");
        Checkpoint.Info resolved = Checkpoint.resolve(path, ModelKind.POLICY, config);
        String canonical = Densify.checkDevice(device);
        return new Policy(Checkpoint.load(resolved, canonical), canonical);
    }

    /**
     * A copy of this policy's weights on {@code device}, e.g. the frozen reference of PPO or the
     * trainable start from an SFT policy.
     */
    public Policy copy(String device) {
        String canonical = Densify.checkDevice(device);
        long address = withAddress(pointer -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                Native.check("dfy_model_clone", densify_h.dfy_model_clone(ModelNative.pointer(pointer),
                        arena.allocateFrom(canonical), out));
                return out.get(ValueLayout.ADDRESS, 0).address();
            }
        });
        return new Policy(ModelNative.describe(address, ModelKind.POLICY), canonical);
    }

    /**
     * Runs the model over a batch.
     *
     * @param what which outputs to compute; the others are null in the result
     */
    public PolicyOutput forward(TokenBatch batch, ForwardOutputs what) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(what, "what");
        int b = batch.batchSize();
        int t = batch.seqLen();
        int v = config().vocabSize();
        int logitCount = what.logits() ? ModelNative.arrayLength("logits", (long) b * t * v) : 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ids = batch.idsSegment(arena);
            MemorySegment mask = batch.maskSegment(arena);
            MemorySegment logits = what.logits() ? arena.allocate(ValueLayout.JAVA_FLOAT, logitCount) : MemorySegment.NULL;
            MemorySegment values = what.values() ? arena.allocate(ValueLayout.JAVA_FLOAT, (long) b * t) : MemorySegment.NULL;
            MemorySegment logprobs = what.tokenLogprobs()
                    ? arena.allocate(ValueLayout.JAVA_FLOAT, (long) b * (t - 1)) : MemorySegment.NULL;
            call(address -> {
                Native.check("dfy_policy_forward", densify_h.dfy_policy_forward(ModelNative.pointer(address),
                        ids, mask, b, t, logits, values, logprobs));
                return null;
            });
            return new PolicyOutput(b, t, v,
                    what.logits() ? logits.toArray(ValueLayout.JAVA_FLOAT) : null,
                    what.values() ? ModelNative.rows(values, b, t) : null,
                    what.tokenLogprobs() ? ModelNative.rows(logprobs, b, t - 1) : null);
        }
    }

    /**
     * Samples continuations of each prompt.
     *
     * @param prompts token ids, one non-empty row per prompt (rows may differ in length)
     */
    public Generation generate(int[][] prompts, GenerationOptions options) {
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(options, "options");
        if (prompts.length == 0) {
            throw new IllegalArgumentException("prompts must not be empty");
        }
        long total = 0;
        for (int i = 0; i < prompts.length; i++) {
            if (prompts[i] == null) {
                throw new IllegalArgumentException("prompts[" + i + "] is null");
            }
            total += prompts[i].length;
        }
        int batch = prompts.length;
        int width = options.maxNewTokens();
        ModelNative.arrayLength("generated tokens", (long) batch * width);
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
            MemorySegment opts = options(arena, options);
            MemorySegment outIds = arena.allocate(ValueLayout.JAVA_LONG, (long) batch * width);
            MemorySegment outLogprobs = arena.allocate(ValueLayout.JAVA_FLOAT, (long) batch * width);
            MemorySegment outLengths = arena.allocate(ValueLayout.JAVA_LONG, batch);
            long totalTokens = total;
            call(address -> {
                Native.check("dfy_policy_generate", densify_h.dfy_policy_generate(ModelNative.pointer(address),
                        ids, totalTokens, lengths, batch, opts, outIds, outLogprobs, outLengths));
                return null;
            });
            int[][] tokens = new int[batch][];
            float[][] logprobs = new float[batch][];
            int[] counts = new int[batch];
            for (int i = 0; i < batch; i++) {
                long n = outLengths.getAtIndex(ValueLayout.JAVA_LONG, i);
                if (n < 0 || n > width) {
                    throw new IllegalStateException("dfy_policy_generate reported length " + n + " for prompt " + i
                            + ", outside [0, " + width + "]");
                }
                counts[i] = (int) n;
                tokens[i] = new int[counts[i]];
                logprobs[i] = new float[counts[i]];
                for (int j = 0; j < counts[i]; j++) {
                    tokens[i][j] = Math.toIntExact(outIds.getAtIndex(ValueLayout.JAVA_LONG, (long) i * width + j));
                }
                MemorySegment.copy(outLogprobs, ValueLayout.JAVA_FLOAT, (long) i * width * Float.BYTES,
                        logprobs[i], 0, counts[i]);
            }
            return new Generation(tokens, logprobs, counts);
        }
    }

    /**
     * One supervised step: mean next-token cross-entropy over positions t where mask[t] and
     * mask[t+1] are both 1 (rows need at least 2 tokens).
     *
     * @param optimizer an optimizer created for this policy
     */
    public TrainStep lmStep(Optimizer optimizer, TokenBatch batch) {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(batch, "batch");
        int b = batch.batchSize();
        int t = batch.seqLen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ids = batch.idsSegment(arena);
            MemorySegment mask = batch.maskSegment(arena);
            MemorySegment loss = arena.allocate(ValueLayout.JAVA_FLOAT);
            MemorySegment norm = arena.allocate(ValueLayout.JAVA_FLOAT);
            call(address -> optimizer.use(this, opt -> {
                Native.check("dfy_policy_lm_step", densify_h.dfy_policy_lm_step(ModelNative.pointer(address),
                        ModelNative.pointer(opt), ids, mask, b, t, loss, norm));
                return null;
            }));
            return new TrainStep(loss.get(ValueLayout.JAVA_FLOAT, 0), norm.get(ValueLayout.JAVA_FLOAT, 0));
        }
    }

    private static MemorySegment options(Arena arena, GenerationOptions o) {
        MemorySegment s = arena.allocate(OPTIONS);
        s.set(ValueLayout.JAVA_LONG, ModelNative.offset(OPTIONS, "max_new_tokens"), o.maxNewTokens());
        s.set(ValueLayout.JAVA_DOUBLE, ModelNative.offset(OPTIONS, "temperature"), o.temperature());
        s.set(ValueLayout.JAVA_LONG, ModelNative.offset(OPTIONS, "top_k"), o.topK());
        s.set(ValueLayout.JAVA_DOUBLE, ModelNative.offset(OPTIONS, "top_p"), o.topP());
        s.set(ValueLayout.JAVA_LONG, ModelNative.offset(OPTIONS, "stop_token"), o.stopToken());
        s.set(ValueLayout.JAVA_LONG, ModelNative.offset(OPTIONS, "pad_token"), o.padToken());
        s.set(ValueLayout.JAVA_LONG, ModelNative.offset(OPTIONS, "seed"), o.seed());
        s.set(ValueLayout.JAVA_INT, ModelNative.offset(OPTIONS, "use_cache"), o.useCache() ? 1 : 0);
        return s;
    }
}
