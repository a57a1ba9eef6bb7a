package dev.densify.bo;

import java.util.Arrays;

/**
 * The Matérn-5/2 kernel with automatic relevance determination (one length scale per input
 * coordinate) and an output scale:
 * <pre>
 *   r² = Σ_i ((a_i − b_i)/ℓ_i)²,   k(a, b) = s · (1 + √5·r + 5/3·r²) · exp(−√5·r)
 * </pre>
 * Derivatives used by the GP (no division by r, so they are exact at r = 0):
 * <pre>
 *   ∂k/∂log ℓ_i = s · 5/3 · (1 + √5·r) · exp(−√5·r) · ((a_i − b_i)/ℓ_i)²
 *   ∂k/∂a_i     = −s · 5/3 · (1 + √5·r) · exp(−√5·r) · (a_i − b_i)/ℓ_i²
 *   ∂k/∂log s   = k
 * </pre>
 * Immutable and thread-safe.
 */
public final class Matern52Kernel {

    static final double SQRT5 = Math.sqrt(5);

    private final double[] lengthScales;
    private final double[] inverseSquared;
    private final double outputScale;

    /**
     * @param lengthScales ℓ_i, finite and {@code > 0}, one per input coordinate
     * @param outputScale  s (the prior variance k(a, a)), finite and {@code > 0}
     */
    public Matern52Kernel(double[] lengthScales, double outputScale) {
        if (lengthScales.length == 0) {
            throw new IllegalArgumentException("the kernel needs at least one length scale");
        }
        this.lengthScales = lengthScales.clone();
        this.inverseSquared = new double[lengthScales.length];
        for (int i = 0; i < lengthScales.length; i++) {
            double l = lengthScales[i];
            if (!(l > 0) || !Double.isFinite(l)) {
                throw new IllegalArgumentException("length scale " + i + " must be finite and > 0, got " + l);
            }
            inverseSquared[i] = 1 / (l * l);
        }
        if (!(outputScale > 0) || !Double.isFinite(outputScale)) {
            throw new IllegalArgumentException("output scale must be finite and > 0, got " + outputScale);
        }
        this.outputScale = outputScale;
    }

    public int dimension() {
        return lengthScales.length;
    }

    public double[] lengthScales() {
        return lengthScales.clone();
    }

    public double outputScale() {
        return outputScale;
    }

    /** r² between a and b. */
    double scaledSquaredDistance(double[] a, double[] b) {
        double r2 = 0;
        for (int i = 0; i < inverseSquared.length; i++) {
            double d = a[i] - b[i];
            r2 += d * d * inverseSquared[i];
        }
        return r2;
    }

    /** k as a function of r² (and the output scale). */
    double valueOfSquaredDistance(double r2) {
        double r = Math.sqrt(r2);
        return outputScale * (1 + SQRT5 * r + 5.0 / 3.0 * r2) * Math.exp(-SQRT5 * r);
    }

    /** s · 5/3 · (1 + √5 r) · exp(−√5 r): the common factor of the derivatives above. */
    double derivativeFactor(double r2) {
        double r = Math.sqrt(r2);
        return outputScale * 5.0 / 3.0 * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
    }

    public double value(double[] a, double[] b) {
        check(a);
        check(b);
        return valueOfSquaredDistance(scaledSquaredDistance(a, b));
    }

    /** K(x, x) (symmetric). */
    public double[][] matrix(double[][] x) {
        int n = x.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            check(x[i]);
            k[i][i] = outputScale;
            for (int j = 0; j < i; j++) {
                double v = valueOfSquaredDistance(scaledSquaredDistance(x[i], x[j]));
                k[i][j] = v;
                k[j][i] = v;
            }
        }
        return k;
    }

    /** K(a, b), a.length × b.length. */
    public double[][] cross(double[][] a, double[][] b) {
        double[][] k = new double[a.length][b.length];
        for (double[] bj : b) {
            check(bj);
        }
        for (int i = 0; i < a.length; i++) {
            check(a[i]);
            for (int j = 0; j < b.length; j++) {
                k[i][j] = valueOfSquaredDistance(scaledSquaredDistance(a[i], b[j]));
            }
        }
        return k;
    }

    /** ∂k(a, b)/∂a, written into {@code out} (length = dimension). */
    public void gradientWrtFirst(double[] a, double[] b, double[] out) {
        double f = derivativeFactor(scaledSquaredDistance(a, b));
        for (int i = 0; i < inverseSquared.length; i++) {
            out[i] = -f * (a[i] - b[i]) * inverseSquared[i];
        }
    }

    private void check(double[] a) {
        if (a.length != lengthScales.length) {
            throw new IllegalArgumentException("point has " + a.length + " coordinates, the kernel has "
                    + lengthScales.length);
        }
    }

    @Override
    public String toString() {
        return "Matern52Kernel[lengthScales=" + Arrays.toString(lengthScales) + ", outputScale=" + outputScale + "]";
    }
}
