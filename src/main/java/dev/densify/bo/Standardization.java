package dev.densify.bo;

/**
 * The outcome transform of the GP, as BoTorch's {@code Standardize}: y ↦ (y − mean)/std with
 * the sample mean and the unbiased sample standard deviation (n − 1 denominator). With one
 * observation, or when all outcomes are equal (std below 1e-12·max(1, |mean|)), std is 1.
 *
 * @param mean subtracted from outcomes
 * @param std  outcomes are divided by it; finite and {@code > 0}
 */
public record Standardization(double mean, double std) {

    public Standardization {
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("mean must be finite, got " + mean);
        }
        if (!(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("std must be finite and > 0, got " + std);
        }
    }

    /** The standardisation of outcomes {@code y} (non-empty, finite). */
    public static Standardization of(double[] y) {
        if (y.length == 0) {
            throw new IllegalArgumentException("no outcomes to standardise");
        }
        double mean = 0;
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException("outcome " + i + " is " + y[i]);
            }
            mean += y[i];
        }
        mean /= y.length;
        double ss = 0;
        for (double v : y) {
            ss += (v - mean) * (v - mean);
        }
        double std = y.length > 1 ? Math.sqrt(ss / (y.length - 1)) : 1;
        if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) {
            std = 1;
        }
        return new Standardization(mean, std);
    }

    public double forward(double y) {
        return (y - mean) / std;
    }

    public double[] forward(double[] y) {
        double[] z = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            z[i] = forward(y[i]);
        }
        return z;
    }

    /** Undoes {@link #forward(double)} for a value (a mean). */
    public double inverse(double z) {
        return z * std + mean;
    }

    /** Undoes the transform for a variance or covariance: multiplies by std². */
    public double inverseVariance(double v) {
        return v * std * std;
    }
}
