package dev.densify.reward;

import dev.densify.attribution.AttributionMethod;
import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.RewardFunction;
import dev.densify.model.RewardModel;
import dev.densify.model.TokenBatch;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where a training run's sequence rewards come from: a reward model the engine runs (its
 * forwards natively, in packed batches), or any {@link RewardFunction} (a Java class, an HTTP
 * endpoint) that SHAP and LIME call back. Attention credit needs a model's attention, so only a
 * model offers it.
 */
public sealed interface RewardSource {

    /** One score per token sequence (prompt + response). */
    float[] score(int[][] sequences);

    /** The attributor of these options over this source. */
    Attributor attributor(AttributionOptions options);

    /** Whether {@code method} can be computed over this source. */
    boolean supports(AttributionMethod method);

    static RewardSource of(RewardModel model) {
        return new Model(model);
    }

    static RewardSource of(RewardFunction function, int vocabSize) {
        return new Function(function, vocabSize);
    }

    /** A reward model with a tokenizer of its own, reached through text ({@link Retokenization}). */
    static RewardSource of(RewardModel model, Retokenization retokenization) {
        return new Retokenized(new Model(model), retokenization);
    }

    /** A densify reward model. */
    record Model(RewardModel model) implements RewardSource {
        public Model {
            Objects.requireNonNull(model, "model");
        }

        @Override
        public float[] score(int[][] sequences) {
            return model.score(sequences);
        }

        @Override
        public Attributor attributor(AttributionOptions options) {
            return Attributor.of(model, options);
        }

        @Override
        public boolean supports(AttributionMethod method) {
            return true;
        }
    }

    /** A source over another tokenizer's ids, taking and answering in the policy's. */
    record Retokenized(RewardSource inner, Retokenization retokenization) implements RewardSource {
        public Retokenized {
            Objects.requireNonNull(inner, "inner");
            Objects.requireNonNull(retokenization, "retokenization");
        }

        @Override
        public float[] score(int[][] sequences) {
            int[][] converted = new int[sequences.length][];
            for (int i = 0; i < sequences.length; i++) {
                converted[i] = retokenization.toReward(sequences[i]);
                if (converted[i].length == 0) {
                    throw new IllegalArgumentException("sequence " + i + " decodes to no text for the reward model");
                }
            }
            return inner.score(converted);
        }

        /** The options' baseline token becomes the reward tokenizer's removed token. */
        @Override
        public Attributor attributor(AttributionOptions options) {
            return retokenization.attributor(
                    inner.attributor(options.withBaselineToken(retokenization.rewardRemoved())));
        }

        @Override
        public boolean supports(AttributionMethod method) {
            return inner.supports(method);
        }
    }

    /** A function of token ids over a vocabulary of {@code vocabSize} ids. */
    record Function(RewardFunction function, int vocabSize) implements RewardSource {
        public Function {
            Objects.requireNonNull(function, "function");
            if (vocabSize < 1) {
                throw new IllegalArgumentException("vocabSize must be >= 1, got " + vocabSize);
            }
        }

        /** Right-padded with id 0 and mask 0, as attributions hand it rows. */
        @Override
        public float[] score(int[][] sequences) {
            TokenBatch batch = TokenBatch.rightPadded(sequences, 0);
            float[] scores = function.score(batch.ids(), batch.mask());
            if (scores == null || scores.length != sequences.length) {
                throw new IllegalStateException("the reward function returned "
                        + (scores == null ? "null" : scores.length + " scores") + " for " + sequences.length + " sequences");
            }
            for (int i = 0; i < scores.length; i++) {
                if (!Float.isFinite(scores[i])) {
                    throw new IllegalStateException("the reward function returned a non-finite score (" + scores[i]
                            + ") for sequence " + i + ": " + Arrays.toString(sequences[i]));
                }
            }
            return scores;
        }

        @Override
        public Attributor attributor(AttributionOptions options) {
            return Attributor.of(function, vocabSize, options);
        }

        @Override
        public boolean supports(AttributionMethod method) {
            return method != AttributionMethod.ATTENTION;
        }
    }
}
