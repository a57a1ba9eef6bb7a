package dev.densify.attribution;

import dev.densify.bindings.densify_h;
import dev.densify.model.RewardModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Attributes the score of prompt + response sequences over their response tokens.
 *
 * <p>Made by {@link #of(RewardModel, AttributionOptions)} or
 * {@link #of(RewardFunction, int, AttributionOptions)} for the method the options name; immutable.
 * Thread-safety: an attributor backed by a {@link dev.densify.model.RewardModel}
 * holds that model's lock for the whole call, so concurrent calls (and other calls on the
 * model) wait for each other; one backed by a {@link RewardFunction} runs concurrent calls
 * concurrently, calling the function from each calling thread.
 *
 * <p>Errors: invalid ids (outside the vocabulary), a sequence longer than the model's context,
 * or invalid options throw {@link dev.densify.engine.InvalidArgumentException} (or
 * {@link IllegalArgumentException} when detected in Java) naming the problem; a failing
 * {@link RewardFunction} throws {@link dev.densify.engine.CallbackException}. The process and
 * the attributor stay usable after any of them.
 */
public interface Attributor {

    /** The most samples (coalitions or perturbations) per sequence: {@code DFY_MAX_SAMPLES}. */
    int MAX_SAMPLES = densify_h.DFY_MAX_SAMPLES();

    /**
     * An attributor of a reward model's score (packed native forwards that compute the prompt and
     * shared prefixes once per sequence). The model is not owned: close it yourself, after the
     * last call.
     */
    static Attributor of(RewardModel model, AttributionOptions options) {
        return new NativeAttributor(new NativeAttribution.ModelTarget(model), options);
    }

    /**
     * An attributor of a Java scoring function (SHAP and LIME), called back in batches of at most
     * {@link AttributionOptions#maxBatchTokens()} tokens ({@link AttributionOptions#reusePrefix()}
     * does not apply).
     *
     * @param vocabSize token ids, the baseline included, must lie in {@code [0, vocabSize)}
     * @throws IllegalArgumentException for attention, which needs a reward model
     */
    static Attributor of(RewardFunction function, int vocabSize, AttributionOptions options) {
        return new NativeAttributor(new NativeAttribution.FunctionTarget(function, vocabSize), options);
    }

    /** What this attributor computes. */
    AttributionOptions options();

    /** The method this attributor implements. */
    default AttributionMethod method() {
        return options().method();
    }

    /**
     * Attributes every sequence; the sequences are evaluated together in packed batches. A
     * sequence's result does not depend on the other sequences of the batch.
     *
     * @return one attribution per sequence, in order (empty for an empty list)
     */
    List<Attribution> attribute(List<ScoredSequence> sequences);

    /** Attributes one sequence. */
    default Attribution attribute(ScoredSequence sequence) {
        Objects.requireNonNull(sequence, "sequence");
        return attribute(List.of(sequence)).getFirst();
    }

    /** Attributes one sequence given as prompt and response ids. */
    default Attribution attribute(int[] prompt, int[] response) {
        return attribute(new ScoredSequence(prompt, response));
    }

    /** Attributes a batch given as parallel arrays of prompts and responses. */
    default List<Attribution> attribute(int[][] prompts, int[][] responses) {
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(responses, "responses");
        if (prompts.length != responses.length) {
            throw new IllegalArgumentException(prompts.length + " prompts but " + responses.length + " responses");
        }
        List<ScoredSequence> sequences = new ArrayList<>(prompts.length);
        for (int i = 0; i < prompts.length; i++) {
            try {
                sequences.add(new ScoredSequence(prompts[i], responses[i]));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("sequence " + i + ": " + e.getMessage(), e);
            }
        }
        return attribute(sequences);
    }
}
