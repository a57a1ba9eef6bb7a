package dev.densify.bo;

import java.util.HashSet;
import java.util.List;

/**
 * The probability simplex of d ≥ 2 weights: w_i ≥ 0, Σ w_i = 1 (the blend weights of the
 * dense-reward components).
 *
 * <p><b>Parametrisation.</b> d − 1 unit coordinates map to the simplex by stick breaking with
 * Beta quantiles: with remaining mass r (initially 1), coordinate i takes
 * w_i = r·(1 − (1 − u_i)^{1/(d−1−i)}) and leaves r·(1 − u_i)^{1/(d−1−i)}; the last weight is
 * what remains, w_{d−1} = 1 − Σ_{i<d−1} w_i (clamped at 0). Each u_i is the Beta(1, d−1−i) CDF of
 * the fraction broken off, so uniform unit points (a Sobol design) give uniform points on the
 * simplex; the map is smooth and one-to-one in the interior, every vertex and face is reached
 * (u_i = 1 takes all that remains), and every image satisfies w ≥ 0, |Σw − 1| ≤ 1e-15·d.
 *
 * <p><b>Features.</b> The GP models the objective on the simplex coordinates (the d weights).
 *
 * <p>A point is accepted by {@link #checkPoint} when every w_i ≥ −1e-9 and |Σw − 1| ≤ 1e-6.
 */
public final class SimplexSpace implements SearchSpace {

    /** Tolerance of {@link #checkPoint} on Σw − 1. */
    public static final double SUM_TOLERANCE = 1e-6;
    /** Tolerance of {@link #checkPoint} on negative weights. */
    public static final double NEGATIVE_TOLERANCE = 1e-9;

    private final List<String> names;

    /** A simplex with one weight per name (at least two, distinct, non-blank). */
    public SimplexSpace(List<String> names) {
        if (names == null || names.size() < 2) {
            throw new IllegalArgumentException("a simplex needs at least 2 weights, got "
                    + (names == null ? 0 : names.size()));
        }
        HashSet<String> seen = new HashSet<>();
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw new IllegalArgumentException("weight names must be non-blank");
            }
            if (!seen.add(n)) {
                throw new IllegalArgumentException("duplicate weight name '" + n + "'");
            }
        }
        this.names = List.copyOf(names);
    }

    /** A simplex of {@code d} weights named w0, w1, … */
    public static SimplexSpace of(int d) {
        if (d < 2) {
            throw new IllegalArgumentException("a simplex needs at least 2 weights, got " + d);
        }
        String[] n = new String[d];
        for (int i = 0; i < d; i++) {
            n[i] = "w" + i;
        }
        return new SimplexSpace(List.of(n));
    }

    @Override
    public int dimension() {
        return names.size() - 1;
    }

    @Override
    public int pointDimension() {
        return names.size();
    }

    @Override
    public int featureDimension() {
        return names.size();
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public double[] fromUnit(double[] u) {
        SearchSpace.checkUnit(u, dimension());
        int d = names.size();
        double[] w = new double[d];
        double r = 1;
        double sum = 0;
        for (int i = 0; i < d - 1; i++) {
            double keep = r * Math.pow(1 - u[i], 1.0 / (d - 1 - i));
            w[i] = r - keep;
            sum += w[i];
            r = keep;
        }
        w[d - 1] = Math.max(0, 1 - sum);
        return w;
    }

    @Override
    public double[] toUnit(double[] point) {
        checkPoint(point);
        int d = names.size();
        double[] u = new double[d - 1];
        double r = 1;
        for (int i = 0; i < d - 1; i++) {
            double wi = Math.max(0, point[i]);
            if (r <= 1e-300) {
                u[i] = 0;
                continue;
            }
            double ratio = Math.min(1, Math.max(0, (r - wi) / r));
            u[i] = Math.min(1, Math.max(0, 1 - Math.pow(ratio, d - 1 - i)));
            r = Math.max(0, r - wi);
        }
        return u;
    }

    @Override
    public double[] features(double[] point) {
        checkPoint(point);
        return point.clone();
    }

    @Override
    public void checkPoint(double[] point) {
        int d = names.size();
        if (point == null || point.length != d) {
            throw new IllegalArgumentException("simplex point has " + (point == null ? 0 : point.length)
                    + " coordinates, expected " + d + " " + names);
        }
        double sum = 0;
        for (int i = 0; i < d; i++) {
            double w = point[i];
            if (!Double.isFinite(w)) {
                throw new IllegalArgumentException("weight '" + names.get(i) + "' is " + w);
            }
            if (w < -NEGATIVE_TOLERANCE) {
                throw new IllegalArgumentException("weight '" + names.get(i) + "' is negative: " + w);
            }
            sum += w;
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new IllegalArgumentException("weights must sum to 1 (within " + SUM_TOLERANCE + "), got " + sum);
        }
    }

    @Override
    public String toString() {
        return "SimplexSpace" + names;
    }
}
