package dev.densify.bo;

import java.util.Arrays;

/**
 * Hyperparameters of a {@link GaussianProcess}, on the scale of standardised outcomes.
 *
 * @param lengthScales  ℓ_i of the Matérn-5/2 kernel, one per GP input, finite and {@code > 0}
 * @param outputScale   the kernel's variance s, finite and {@code > 0}
 * @param noiseVariance the Gaussian observation-noise variance σ², finite and {@code > 0}
 * @param mean          the constant prior mean c, finite
 */
public record GpHyperparameters(double[] lengthScales, double outputScale, double noiseVariance, double mean) {

    public GpHyperparameters {
        if (lengthScales == null || lengthScales.length == 0) {
            throw new IllegalArgumentException("lengthScales must have at least one entry");
        }
        lengthScales = lengthScales.clone();
        for (int i = 0; i < lengthScales.length; i++) {
            positive("lengthScales[" + i + "]", lengthScales[i]);
        }
        positive("outputScale", outputScale);
        positive("noiseVariance", noiseVariance);
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("mean must be finite, got " + mean);
        }
    }

    @Override
    public double[] lengthScales() {
        return lengthScales.clone();
    }

    public int dimension() {
        return lengthScales.length;
    }

    /** The number of entries of the optimiser's parameter vector: D length scales, s, σ², c. */
    static int parameterCount(int dimension) {
        return dimension + 3;
    }

    /**
     * The point of the optimiser's parameter space: [log ℓ_1..D, log s, log(σ² − floor), c].
     * A noise at or below the floor maps to log(1e-300 ... ) i.e. the floor itself.
     */
    double[] toParameters(double noiseFloor) {
        int d = lengthScales.length;
        double[] theta = new double[parameterCount(d)];
        for (int i = 0; i < d; i++) {
            theta[i] = Math.log(lengthScales[i]);
        }
        theta[d] = Math.log(outputScale);
        theta[d + 1] = Math.log(Math.max(noiseVariance - noiseFloor, 1e-300));
        theta[d + 2] = mean;
        return theta;
    }

    /** The inverse of {@link #toParameters}. */
    static GpHyperparameters fromParameters(double[] theta, int dimension, double noiseFloor) {
        double[] ls = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            ls[i] = Math.exp(theta[i]);
        }
        return new GpHyperparameters(ls, Math.exp(theta[dimension]), noiseFloor + Math.exp(theta[dimension + 1]),
                theta[dimension + 2]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GpHyperparameters h && Arrays.equals(lengthScales, h.lengthScales)
                && Double.compare(outputScale, h.outputScale) == 0
                && Double.compare(noiseVariance, h.noiseVariance) == 0 && Double.compare(mean, h.mean) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(lengthScales) * 31 + Double.hashCode(outputScale) * 17
                + Double.hashCode(noiseVariance) * 7 + Double.hashCode(mean);
    }

    @Override
    public String toString() {
        return "GpHyperparameters[lengthScales=" + Arrays.toString(lengthScales) + ", outputScale=" + outputScale
                + ", noiseVariance=" + noiseVariance + ", mean=" + mean + "]";
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
    }
}
