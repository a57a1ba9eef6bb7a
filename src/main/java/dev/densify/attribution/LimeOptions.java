package dev.densify.attribution;

/**
 * Options of {@link Lime}. Immutable; validated on construction (the message names the option).
 * The defaults follow the lime package's text explainer, except the sample count (lime: 5000).
 *
 * @param samples        perturbations per sequence, the unperturbed one included, in
 *                       {@code [2, }{@link Attributor#MAX_SAMPLES}{@code ]} (default
 *                       {@value #DEFAULT_SAMPLES})
 * @param baselineToken  the id that replaces a removed token (default 0)
 * @param seed           seeds the perturbations (default 0)
 * @param maxBatchTokens memory budget of one forward in rows x key positions, {@code >= 1}
 *                       (default {@value ShapOptions#DEFAULT_MAX_BATCH_TOKENS})
 * @param kernelWidth    the kernel {@code sqrt(exp(-d^2 / width^2))} on cosine distance x 100;
 *                       finite and {@code > 0} (default {@value #DEFAULT_KERNEL_WIDTH})
 * @param ridgeAlpha     ridge penalty on the coefficients (the intercept is not penalised); finite
 *                       and {@code >= 0} (default {@value #DEFAULT_RIDGE_ALPHA}). The penalty shrinks
 *                       every coefficient towards 0 by a relative amount of about
 *                       {@code alpha / (sum of kernel weights x Var(z_j))}, a few percent at 1000
 *                       samples; use 0 for the unpenalised weighted least-squares fit
 * @param reusePrefix    as {@link ShapOptions#reusePrefix()} (default true)
 */
public record LimeOptions(int samples, int baselineToken, long seed, long maxBatchTokens, double kernelWidth,
                          double ridgeAlpha, boolean reusePrefix) {

    public static final int DEFAULT_SAMPLES = 1000;
    public static final double DEFAULT_KERNEL_WIDTH = 25;
    public static final double DEFAULT_RIDGE_ALPHA = 1;

    public LimeOptions {
        Validation.samples(samples);
        Validation.baselineToken(baselineToken);
        Validation.maxBatchTokens(maxBatchTokens);
        if (!(kernelWidth > 0) || !Double.isFinite(kernelWidth)) {
            throw new IllegalArgumentException("kernelWidth must be finite and > 0, got " + kernelWidth);
        }
        if (!(ridgeAlpha >= 0) || !Double.isFinite(ridgeAlpha)) {
            throw new IllegalArgumentException("ridgeAlpha must be finite and >= 0, got " + ridgeAlpha);
        }
    }

    /** The defaults: {@value #DEFAULT_SAMPLES} samples, baseline 0, seed 0, width 25, alpha 1, reuse on. */
    public static LimeOptions defaults() {
        return new LimeOptions(DEFAULT_SAMPLES, 0, 0, ShapOptions.DEFAULT_MAX_BATCH_TOKENS, DEFAULT_KERNEL_WIDTH,
                DEFAULT_RIDGE_ALPHA, true);
    }

    public LimeOptions withSamples(int samples) {
        return new LimeOptions(samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha, reusePrefix);
    }

    public LimeOptions withBaselineToken(int baselineToken) {
        return new LimeOptions(samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha, reusePrefix);
    }

    public LimeOptions withSeed(long seed) {
        return new LimeOptions(samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha, reusePrefix);
    }

    public LimeOptions withMaxBatchTokens(long maxBatchTokens) {
        return new LimeOptions(samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha, reusePrefix);
    }

    public LimeOptions withKernelWidth(double kernelWidth) {
        return new LimeOptions(samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha, reusePrefix);
    }

    public LimeOptions withRidgeAlpha(double ridgeAlpha) {
        return new LimeOptions(samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha, reusePrefix);
    }

    public LimeOptions withReusePrefix(boolean reusePrefix) {
        return new LimeOptions(samples, baselineToken, seed, maxBatchTokens, kernelWidth, ridgeAlpha, reusePrefix);
    }
}
