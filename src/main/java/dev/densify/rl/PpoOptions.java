package dev.densify.rl;

/**
 * The knobs of one native PPO update ({@code dfy_ppo_options}); see {@link PpoConfig} for their
 * meaning and defaults.
 */
public record PpoOptions(double gamma, double lam, double clipRange, double clipRangeValue, double valueCoef,
                         double entropyCoef, double klCoef, KlEstimator klEstimator, boolean whitenAdvantages,
                         int epochs, int minibatchSize, long seed) {
}
