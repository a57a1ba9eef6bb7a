package dev.densify.attribution;

import java.util.Objects;

/**
 * What an {@link Attributor} computes and how: the fields of {@code dfy_attribution_options}.
 * Immutable; validated on construction (the message names the option). Start from
 * {@link #kernelShap()}, {@link #lime()} or {@link #attention()} and change what differs.
 *
 * @param method         SHAP, LIME or ATTENTION
 * @param samples        SHAP: coalitions per sequence besides the full and the empty one, the
 *                       values being exact Shapley values when {@code 2^M - 2 <= samples} for M
 *                       response tokens (default {@value #DEFAULT_SHAP_SAMPLES}); LIME:
 *                       perturbations per sequence, the unperturbed one included (default
 *                       {@value #DEFAULT_LIME_SAMPLES}; lime's own is 5000); ignored by attention.
 *                       In {@code [2, }{@link Attributor#MAX_SAMPLES}{@code ]}
 * @param baselineToken  the id that replaces a removed token (default 0; use the tokenizer's mask
 *                       token where there is one); checked against the vocabulary by the engine.
 *                       Attention uses it only for the reported {@link Attribution#baseline()}
 * @param seed           seeds the coalitions or perturbations (default 0)
 * @param maxBatchTokens memory budget of one forward in rows x key positions, {@code >= 1}
 *                       (default {@value #DEFAULT_MAX_BATCH_TOKENS}); a smaller budget means more,
 *                       smaller forwards and the same numbers. {@link #AUTO_MAX_BATCH_TOKENS}: derived
 *                       at each call from the reward model's device's free memory and its size
 *                       ({@link dev.densify.engine.BatchBudget}). A forward that runs out of memory
 *                       is retried at half the budget ({@link dev.densify.engine.OomRetry})
 * @param kernelWidth    LIME: the kernel {@code sqrt(exp(-d^2 / width^2))} on cosine distance x
 *                       100; finite and {@code > 0} (default {@value #DEFAULT_KERNEL_WIDTH}, lime's)
 * @param ridgeAlpha     LIME: ridge penalty on the coefficients (the intercept is not penalised);
 *                       finite and {@code >= 0} (default {@value #DEFAULT_RIDGE_ALPHA}, lime's). It
 *                       shrinks every coefficient towards 0 by a relative amount of about
 *                       {@code alpha / (sum of kernel weights x Var(z_j))}, a few percent at 1000
 *                       samples; use 0 for the unpenalised weighted least-squares fit
 * @param reusePrefix    compute the prompt and prefixes shared with the full sequence once per
 *                       sequence (KV cache) rather than per evaluation; the same numbers either way
 *                       (default true). Only affects a reward model, not a {@link RewardFunction}
 * @param selection      SHAP: which tokens are estimated, the others getting exactly 0 (shap's
 *                       {@code l1_reg}; default {@link FeatureSelection#none()}, plain KernelSHAP);
 *                       none for the other methods
 */
public record AttributionOptions(AttributionMethod method, int samples, int baselineToken, long seed,
                                 long maxBatchTokens, double kernelWidth, double ridgeAlpha, boolean reusePrefix,
                                 FeatureSelection selection) {

    public static final int DEFAULT_SHAP_SAMPLES = 512;
    public static final int DEFAULT_LIME_SAMPLES = 1000;
    public static final long DEFAULT_MAX_BATCH_TOKENS = 65_536;
    /** maxBatchTokens that asks for a budget from the device's free memory at each call. */
    public static final long AUTO_MAX_BATCH_TOKENS = Long.MAX_VALUE;
    public static final double DEFAULT_KERNEL_WIDTH = 25;
    public static final double DEFAULT_RIDGE_ALPHA = 1;

    public AttributionOptions {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(selection, "selection");
        if (!method.isAttribution()) {
            throw new IllegalArgumentException("method " + method + " has no attributor (it puts the whole score on "
                    + "the last token); use shap, lime or attention");
        }
        if (samples < 2 || samples > Attributor.MAX_SAMPLES) {
            throw new IllegalArgumentException("samples must be in [2, " + Attributor.MAX_SAMPLES + "], got " + samples);
        }
        if (baselineToken < 0) {
            throw new IllegalArgumentException("baselineToken must be >= 0, got " + baselineToken);
        }
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 1, got " + maxBatchTokens);
        }
        if (!(kernelWidth > 0) || !Double.isFinite(kernelWidth)) {
            throw new IllegalArgumentException("kernelWidth must be finite and > 0, got " + kernelWidth);
        }
        if (!(ridgeAlpha >= 0) || !Double.isFinite(ridgeAlpha)) {
            throw new IllegalArgumentException("ridgeAlpha must be finite and >= 0, got " + ridgeAlpha);
        }
        if (method != AttributionMethod.SHAP && !selection.equals(FeatureSelection.none())) {
            throw new IllegalArgumentException("selection " + selection + " applies to SHAP only, not " + method);
        }
    }

    /** KernelSHAP's defaults: {@value #DEFAULT_SHAP_SAMPLES} samples, baseline 0, seed 0, reuse on, no selection. */
    public static AttributionOptions kernelShap() {
        return defaults(AttributionMethod.SHAP);
    }

    /** LIME's: {@value #DEFAULT_LIME_SAMPLES} samples, baseline 0, seed 0, width 25, alpha 1, reuse on. */
    public static AttributionOptions lime() {
        return defaults(AttributionMethod.LIME);
    }

    /** Attention credit's: baseline 0. */
    public static AttributionOptions attention() {
        return defaults(AttributionMethod.ATTENTION);
    }

    /** The defaults of a method (SHAP, LIME or ATTENTION). */
    public static AttributionOptions defaults(AttributionMethod method) {
        int samples = method == AttributionMethod.LIME ? DEFAULT_LIME_SAMPLES : DEFAULT_SHAP_SAMPLES;
        return new AttributionOptions(method, samples, 0, 0, DEFAULT_MAX_BATCH_TOKENS, DEFAULT_KERNEL_WIDTH,
                DEFAULT_RIDGE_ALPHA, true, FeatureSelection.none());
    }

    public AttributionOptions withSamples(int samples) {
        return new AttributionOptions(method, samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha,
                reusePrefix, selection);
    }

    public AttributionOptions withBaselineToken(int baselineToken) {
        return new AttributionOptions(method, samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha,
                reusePrefix, selection);
    }

    public AttributionOptions withSeed(long seed) {
        return new AttributionOptions(method, samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha,
                reusePrefix, selection);
    }

    public AttributionOptions withMaxBatchTokens(long maxBatchTokens) {
        return new AttributionOptions(method, samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha,
                reusePrefix, selection);
    }

    public AttributionOptions withKernelWidth(double kernelWidth) {
        return new AttributionOptions(method, samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha,
                reusePrefix, selection);
    }

    public AttributionOptions withRidgeAlpha(double ridgeAlpha) {
        return new AttributionOptions(method, samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha,
                reusePrefix, selection);
    }

    public AttributionOptions withReusePrefix(boolean reusePrefix) {
        return new AttributionOptions(method, samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha,
                reusePrefix, selection);
    }

    public AttributionOptions withSelection(FeatureSelection selection) {
        return new AttributionOptions(method, samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha,
                reusePrefix, selection);
    }
}
