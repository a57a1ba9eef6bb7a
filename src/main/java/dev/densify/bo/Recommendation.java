package dev.densify.bo;

/**
 * The observed point the model believes best: highest GP posterior mean among the observed
 * points (BoTorch/Ax's "best in-sample point"), robust to lucky noise.
 *
 * @param index         its index in the observations
 * @param point         the point (copied)
 * @param posteriorMean the GP's posterior mean there (outcome units)
 * @param posteriorStd  the GP's posterior standard deviation of f there (the expected objective,
 *                      noise not included)
 * @param observedValue the value observed there
 * @param noiseVariance the noise of an observation there as the model has it: the learned noise
 *                      plus the observation's known noise
 */
public record Recommendation(int index, double[] point, double posteriorMean, double posteriorStd,
                             double observedValue, double noiseVariance) {

    /**
     * The standard deviation of a new observation there (the posterior of f and the noise): what a
     * rerun of the recommended trial is expected to scatter by.
     */
    public double predictiveStd() {
        return Math.sqrt(posteriorStd * posteriorStd + noiseVariance);
    }

    public Recommendation {
        point = point.clone();
    }

    @Override
    public double[] point() {
        return point.clone();
    }
}
