package dev.densify.bo;

import java.util.Arrays;

/**
 * One evaluated point and its (possibly noisy) objective value; larger is better.
 *
 * @param point         a point of the search space (copied)
 * @param value         finite
 * @param noiseVariance the variance of {@code value}'s noise when it is known (say, the squared
 *                      standard error of a mean of replicates), finite and ≥ 0; 0: unknown, the
 *                      model learns a common noise level
 */
public record Observation(double[] point, double value, double noiseVariance) {

    public Observation {
        if (point == null) {
            throw new IllegalArgumentException("observation point must not be null");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("observation value must be finite, got " + value);
        }
        if (!Double.isFinite(noiseVariance) || noiseVariance < 0) {
            throw new IllegalArgumentException("observation noise variance must be finite and >= 0, got "
                    + noiseVariance);
        }
        point = point.clone();
    }

    /** An observation whose noise is unknown. */
    public Observation(double[] point, double value) {
        this(point, value, 0);
    }

    @Override
    public double[] point() {
        return point.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Observation other && Arrays.equals(point, other.point)
                && Double.compare(value, other.value) == 0 && Double.compare(noiseVariance, other.noiseVariance) == 0;
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(point) * 31 + Double.hashCode(value)) * 31 + Double.hashCode(noiseVariance);
    }

    @Override
    public String toString() {
        return "Observation[point=" + Arrays.toString(point) + ", value=" + value
                + (noiseVariance > 0 ? ", noiseVariance=" + noiseVariance : "") + "]";
    }
}
