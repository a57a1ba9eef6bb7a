package dev.densify.model;

/**
 * The outcome of one optimiser step.
 *
 * @param loss     the loss before the update
 * @param gradNorm the global gradient norm before clipping
 */
public record TrainStep(float loss, float gradNorm) {
}
