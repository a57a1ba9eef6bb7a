package dev.densify.rl;

import dev.densify.engine.ComputeDtype;

import java.util.Objects;

/**
 * The knobs of one native PPO update ({@code dfy_ppo_options}); see {@link PpoConfig} for their
 * meaning and defaults. {@code computeDtype} is the update's matrix-product type (mixed precision
 * with float32 master weights; {@link PpoConfig#trainingDtype()}).
 */
public record PpoOptions(double gamma, double lam, double clipRange, double clipRangeValue, double valueCoef,
                         double entropyCoef, double klCoef, KlEstimator klEstimator, boolean whitenAdvantages,
                         int epochs, int minibatchSize, long seed, ComputeDtype computeDtype) {

    public PpoOptions {
        Objects.requireNonNull(computeDtype, "computeDtype");
    }

    /** The options of a float32 update. */
    public PpoOptions(double gamma, double lam, double clipRange, double clipRangeValue, double valueCoef,
                      double entropyCoef, double klCoef, KlEstimator klEstimator, boolean whitenAdvantages,
                      int epochs, int minibatchSize, long seed) {
        this(gamma, lam, clipRange, clipRangeValue, valueCoef, entropyCoef, klCoef, klEstimator, whitenAdvantages,
                epochs, minibatchSize, seed, ComputeDtype.FLOAT32);
    }
}
