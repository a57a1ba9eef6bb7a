package dev.densify.attribution;

import java.util.Objects;

/**
 * Options of {@link KernelShap}. Immutable; validated on construction (the message names the
 * option).
 *
 * @param samples        coalitions per sequence besides the full and the empty one, in
 *                       {@code [2, }{@link Attributor#MAX_SAMPLES}{@code ]}; the values are exact
 *                       Shapley values when {@code 2^M - 2 <= samples} for M response tokens
 *                       (default {@value #DEFAULT_SAMPLES})
 * @param baselineToken  the id that replaces a removed token (default 0; use the tokenizer's mask
 *                       token where there is one); checked against the vocabulary by the engine
 * @param seed           seeds the coalition sampling (default 0)
 * @param maxBatchTokens memory budget of one forward in rows x key positions, {@code >= 1}
 *                       (default {@value #DEFAULT_MAX_BATCH_TOKENS}); a smaller budget means more,
 *                       smaller forwards and the same numbers
 * @param reusePrefix    compute the prompt and prefixes shared with the full sequence once per
 *                       sequence (KV cache) rather than per coalition; the same numbers either way
 *                       (default true). Only affects a reward model, not a {@link RewardFunction}
 * @param selection      which tokens are estimated, the others getting exactly 0 (shap's
 *                       {@code l1_reg}; default {@link FeatureSelection#none()}, plain KernelSHAP)
 */
public record ShapOptions(int samples, int baselineToken, long seed, long maxBatchTokens, boolean reusePrefix,
                          FeatureSelection selection) {

    public static final int DEFAULT_SAMPLES = 512;
    public static final long DEFAULT_MAX_BATCH_TOKENS = 65_536;

    public ShapOptions {
        Validation.samples(samples);
        Validation.baselineToken(baselineToken);
        Validation.maxBatchTokens(maxBatchTokens);
        Objects.requireNonNull(selection, "selection");
    }

    /** The defaults: {@value #DEFAULT_SAMPLES} samples, baseline token 0, seed 0, reuse on, no selection. */
    public static ShapOptions defaults() {
        return new ShapOptions(DEFAULT_SAMPLES, 0, 0, DEFAULT_MAX_BATCH_TOKENS, true, FeatureSelection.none());
    }

    public ShapOptions withSamples(int samples) {
        return new ShapOptions(samples, baselineToken, seed, maxBatchTokens, reusePrefix, selection);
    }

    public ShapOptions withBaselineToken(int baselineToken) {
        return new ShapOptions(samples, baselineToken, seed, maxBatchTokens, reusePrefix, selection);
    }

    public ShapOptions withSeed(long seed) {
        return new ShapOptions(samples, baselineToken, seed, maxBatchTokens, reusePrefix, selection);
    }

    public ShapOptions withMaxBatchTokens(long maxBatchTokens) {
        return new ShapOptions(samples, baselineToken, seed, maxBatchTokens, reusePrefix, selection);
    }

    public ShapOptions withReusePrefix(boolean reusePrefix) {
        return new ShapOptions(samples, baselineToken, seed, maxBatchTokens, reusePrefix, selection);
    }

    public ShapOptions withSelection(FeatureSelection selection) {
        return new ShapOptions(samples, baselineToken, seed, maxBatchTokens, reusePrefix, selection);
    }
}
