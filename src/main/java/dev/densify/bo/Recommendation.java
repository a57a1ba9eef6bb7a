package dev.densify.bo;

/**
 * The observed point the model believes best: highest GP posterior mean among the observed
 * points (BoTorch/Ax's "best in-sample point"), robust to lucky noise.
 *
 * @param index         its index in the observations
 * @param point         the point (copied)
 * @param posteriorMean the GP's posterior mean there (outcome units)
 * @param posteriorStd  the GP's posterior standard deviation there
 * @param observedValue the value observed there
 */
public record Recommendation(int index, double[] point, double posteriorMean, double posteriorStd,
                             double observedValue) {

    public Recommendation {
        point = point.clone();
    }

    @Override
    public double[] point() {
        return point.clone();
    }
}
