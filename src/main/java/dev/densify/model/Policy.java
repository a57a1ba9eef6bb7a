package dev.densify.model;

import dev.densify.engine.Densify;
import dev.densify.engine.InvalidArgumentException;
import dev.densify.engine.internal.ModelCalls;

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

    private Policy(ModelCalls.Described described, String device) {
        super(ModelKind.POLICY, described, device);
    }

    /**
     * A new policy with GPT-2's initialisation.
     *
     * @param device "cpu", "cuda" or "cuda:N"
     * @param seed   seeds the initialisation
     */
    public static Policy create(ModelConfig config, String device, long seed) {
        return created(ModelKind.POLICY, config, device, seed, Policy::new);
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
        return loaded(ModelKind.POLICY, path, config, device, 0, Policy::new);
    }

    /**
     * A copy of this policy's weights on {@code device}, e.g. the frozen reference of PPO or the
     * trainable start from an SFT policy.
     */
    public Policy copy(String device) {
        String canonical = Densify.checkDevice(device);
        return new Policy(ModelCalls.copy(handle(), ModelKind.POLICY, canonical), canonical);
    }

    /**
     * Runs the model over a batch.
     *
     * @param what which outputs to compute; the others are null in the result
     */
    public PolicyOutput forward(TokenBatch batch, ForwardOutputs what) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(what, "what");
        return ModelCalls.forward(handle(), batch.rawIds(), batch.rawMask(), config().vocabSize(), what.logits(),
                what.values(), what.tokenLogprobs());
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
        int positions = config().nPositions();
        for (int i = 0; i < prompts.length; i++) {
            if (prompts[i] == null) {
                throw new IllegalArgumentException("prompts[" + i + "] is null");
            }
            // Before any buffer is sized by maxNewTokens: GPT-2's learned positions end at n_positions.
            if ((long) prompts[i].length + options.maxNewTokens() > positions) {
                throw new InvalidArgumentException("dfy_policy_generate", "prompt " + i + " of " + prompts[i].length
                        + " tokens plus " + options.maxNewTokens() + " new tokens is longer than the model's context of "
                        + positions + " (n_positions)");
            }
        }
        return ModelCalls.generate(handle(), prompts, options);
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
        return ModelCalls.lmStep(handle(), optimizer.handleFor(this), batch.rawIds(), batch.rawMask());
    }
}
