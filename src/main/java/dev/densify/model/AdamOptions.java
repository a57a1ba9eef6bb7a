package dev.densify.model;

/**
 * Adam with decoupled weight decay (AdamW when {@code weightDecay > 0}) and optional global-norm
 * gradient clipping. Immutable; validated on construction (messages name the option).
 *
 * @param learningRate finite, &gt;= 0
 * @param beta1        in [0, 1)
 * @param beta2        in [0, 1)
 * @param eps          &gt; 0
 * @param weightDecay  &gt;= 0
 * @param maxGradNorm  clip the global gradient norm to this; 0 = off
 */
public record AdamOptions(double learningRate, double beta1, double beta2, double eps, double weightDecay,
                          double maxGradNorm) {

    public AdamOptions {
        if (!Double.isFinite(learningRate) || learningRate < 0) {
            throw new IllegalArgumentException("learningRate must be finite and >= 0, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
        }
        if (!Double.isFinite(weightDecay) || weightDecay < 0) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
        if (!Double.isFinite(maxGradNorm) || maxGradNorm < 0) {
            throw new IllegalArgumentException("maxGradNorm must be finite and >= 0 (0 = off), got " + maxGradNorm);
        }
    }

    /** Learning rate 1e-4, betas 0.9/0.999, eps 1e-8, no weight decay, no clipping. */
    public static AdamOptions defaults() {
        return new AdamOptions(1e-4, 0.9, 0.999, 1e-8, 0, 0);
    }

    public AdamOptions withLearningRate(double learningRate) {
        return new AdamOptions(learningRate, beta1, beta2, eps, weightDecay, maxGradNorm);
    }

    public AdamOptions withBetas(double beta1, double beta2) {
        return new AdamOptions(learningRate, beta1, beta2, eps, weightDecay, maxGradNorm);
    }

    public AdamOptions withEps(double eps) {
        return new AdamOptions(learningRate, beta1, beta2, eps, weightDecay, maxGradNorm);
    }

    public AdamOptions withWeightDecay(double weightDecay) {
        return new AdamOptions(learningRate, beta1, beta2, eps, weightDecay, maxGradNorm);
    }

    public AdamOptions withMaxGradNorm(double maxGradNorm) {
        return new AdamOptions(learningRate, beta1, beta2, eps, weightDecay, maxGradNorm);
    }
}
