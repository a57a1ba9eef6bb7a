package dev.densify.attribution;

import dev.densify.engine.BatchBudget;
import dev.densify.engine.NativeOutOfMemoryException;
import dev.densify.engine.OomRetry;
import dev.densify.engine.internal.AttributionCalls;
import dev.densify.model.ModelConfig;
import dev.densify.model.RewardModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an attribution runs on and with, checked, handed to the native calls
 * ({@link AttributionCalls}). Stateless; thread-safe.
 */
final class NativeAttribution {

    private NativeAttribution() {
    }

    /** What produces the scores: a reward model (native forwards) or a Java function. */
    sealed interface Target permits ModelTarget, FunctionTarget {
    }

    record ModelTarget(RewardModel model) implements Target {
        ModelTarget {
            Objects.requireNonNull(model, "model");
        }
    }

    record FunctionTarget(RewardFunction function, int vocabSize) implements Target {
        FunctionTarget {
            Objects.requireNonNull(function, "function");
            if (vocabSize < 1) {
                throw new IllegalArgumentException("vocabSize must be >= 1, got " + vocabSize);
            }
        }
    }

    /**
     * The fields of {@code dfy_attribution_options} as the engine receives them, unchecked here
     * (tests hand the engine's own validation bad values through it).
     */
    record Struct(AttributionMethod method, long samples, long baselineToken, long seed, long maxBatchTokens,
                  double kernelWidth, double ridgeAlpha, boolean reusePrefix, FeatureSelection selection) {

        static Struct of(AttributionOptions o) {
            return new Struct(o.method(), o.samples(), o.baselineToken(), o.seed(), o.maxBatchTokens(), o.kernelWidth(),
                    o.ridgeAlpha(), o.reusePrefix(), o.selection());
        }

        Struct withMaxBatchTokens(long tokens) {
            return new Struct(method, samples, baselineToken, seed, tokens, kernelWidth, ridgeAlpha, reusePrefix, selection);
        }

        AttributionCalls.Options forEngine() {
            return new AttributionCalls.Options(method, method.code(), samples, baselineToken, seed, maxBatchTokens, kernelWidth,
                    ridgeAlpha, reusePrefix, selection.code(), selection.maxFeatures());
        }
    }

    /** Test hook: budgets above it fail as out of memory before the native call. */
    static volatile long failAboveTokensForTest = Long.MAX_VALUE;

    /** Tokens per forward that the reward model's device has memory for now (float32, KV cache kept). */
    static long budget(RewardModel model, long keys) {
        if (model.isTorchScript()) {  // a module's size is unknown
            return AttributionOptions.DEFAULT_MAX_BATCH_TOKENS;
        }
        ModelConfig c = model.config();
        return BatchBudget.forDevice(model.device(), c.nLayer(), c.nEmbd(), c.nHead(), c.vocabSize(), keys, 4,
                BatchBudget.Use.INFERENCE);
    }

    /** Attention reads the reward model's attention: a black-box function has none. */
    static void requireModelFor(AttributionMethod method, Target target) {
        if (method == AttributionMethod.ATTENTION && target instanceof FunctionTarget) {
            throw new IllegalArgumentException("attention attribution needs a reward model, not a RewardFunction");
        }
    }

    static List<Attribution> run(Target target, AttributionOptions options, List<ScoredSequence> sequences) {
        return run(target, Struct.of(options), sequences);
    }

    static List<Attribution> run(Target target, Struct attribution, List<ScoredSequence> sequences) {
        Objects.requireNonNull(sequences, "sequences");
        List<ScoredSequence> batch = new ArrayList<>(sequences.size());
        for (int i = 0; i < sequences.size(); i++) {
            batch.add(Objects.requireNonNull(sequences.get(i), () -> "sequences[" + batch.size() + "] is null"));
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        return switch (target) {
            case ModelTarget m -> {
                long keys = 1;
                for (ScoredSequence q : batch) {
                    keys = Math.max(keys, q.promptLength() + q.responseLength());
                }
                long start = attribution.maxBatchTokens() == AttributionOptions.AUTO_MAX_BATCH_TOKENS
                        ? budget(m.model(), keys) : attribution.maxBatchTokens();
                if (start < 1) {  // unchecked here (see Struct): the engine's own validation refuses it
                    yield AttributionCalls.attribute(m.model(), attribution.forEngine(), batch);
                }
                yield OomRetry.run("dfy_attribute", start, Math.min(start, keys), tokens -> {
                    if (tokens > failAboveTokensForTest) {
                        throw new NativeOutOfMemoryException("dfy_attribute", "injected by a test at " + tokens + " tokens");
                    }
                    return AttributionCalls.attribute(m.model(), attribution.withMaxBatchTokens(tokens).forEngine(), batch);
                }).value();
            }
            case FunctionTarget f -> {
                requireModelFor(attribution.method(), f);
                yield AttributionCalls.attribute(f.function(), f.vocabSize(), attribution.forEngine(), batch);
            }
        };
    }
}
