package dev.densify.rl;

/**
 * Statistics of one PPO update ({@code dfy_ppo_stats}): means over its minibatch updates, except
 * {@code klReference} and {@code reward} (means over sequences of per-sequence sums) and the
 * whole-batch losses before and after the update.
 */
public record PpoStats(double policyLoss, double valueLoss, double entropy, double approxKl, double clipFraction,
                       double valueClipFraction, double explainedVariance, double gradNorm, double klReference,
                       double reward, double lossBefore, double lossAfter) {
}
