package dev.densify.bo;

import java.util.Arrays;

/**
 * One evaluated point and its (possibly noisy) objective value; larger is better.
 *
 * @param point a point of the search space (copied)
 * @param value finite
 */
public record Observation(double[] point, double value) {

    public Observation {
        if (point == null) {
            throw new IllegalArgumentException("observation point must not be null");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("observation value must be finite, got " + value);
        }
        point = point.clone();
    }

    @Override
    public double[] point() {
        return point.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Observation other && Arrays.equals(point, other.point)
                && Double.compare(value, other.value) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(point) * 31 + Double.hashCode(value);
    }

    @Override
    public String toString() {
        return "Observation[point=" + Arrays.toString(point) + ", value=" + value + "]";
    }
}
