package dev.densify.bo;

/**
 * Cholesky factor A = L·Lᵀ of a symmetric positive-definite matrix, with jitter escalation as
 * in GPyTorch's {@code psd_safe_cholesky}: when the plain factorisation meets a non-positive
 * pivot, {@code jitter·I} is added with jitter = mean(diag A)·10⁻¹⁰, then ×10 per try, up to
 * mean(diag A)·10⁻³ (8 tries in all). The jitter used is reported. Immutable.
 *
 * <p>Plain arrays rather than Commons Math matrices: the sizes here are small (tens to a few
 * hundred) and the factor is built thousands of times per suggestion.
 */
public final class Cholesky {

    private static final double FIRST_RELATIVE_JITTER = 1e-10;
    private static final double LAST_RELATIVE_JITTER = 1e-3;

    private final double[][] l;
    private final double jitter;

    private Cholesky(double[][] l, double jitter) {
        this.l = l;
        this.jitter = jitter;
    }

    /**
     * Factors {@code a} (only its lower triangle is read), escalating jitter as needed.
     *
     * @throws IllegalArgumentException if {@code a} is not square or has a non-finite entry
     * @throws IllegalStateException    if it is not positive definite even with the largest jitter
     */
    public static Cholesky decompose(double[][] a) {
        Cholesky c = tryDecompose(a);
        if (c == null) {
            throw new IllegalStateException("matrix of size " + a.length
                    + " is not positive definite even with jitter " + LAST_RELATIVE_JITTER + " x mean diagonal");
        }
        return c;
    }

    /** As {@link #decompose}, but returns null where that throws IllegalStateException. */
    public static Cholesky tryDecompose(double[][] a) {
        int n = a.length;
        double meanDiag = 0;
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("matrix is not square: row " + i + " has " + a[i].length
                        + " columns, expected " + n);
            }
            meanDiag += a[i][i];
        }
        meanDiag = n == 0 ? 1 : Math.abs(meanDiag / n);
        if (!Double.isFinite(meanDiag)) {
            throw new IllegalArgumentException("matrix has a non-finite diagonal entry");
        }
        if (meanDiag == 0) {
            meanDiag = 1;
        }
        double[][] l = new double[n][n];
        if (factor(a, 0, l)) {
            return new Cholesky(l, 0);
        }
        for (double rel = FIRST_RELATIVE_JITTER; rel <= LAST_RELATIVE_JITTER * 1.0001; rel *= 10) {
            double jitter = rel * meanDiag;
            if (factor(a, jitter, l)) {
                return new Cholesky(l, jitter);
            }
        }
        return null;
    }

    private static boolean factor(double[][] a, double jitter, double[][] l) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            double[] li = l[i];
            double[] ai = a[i];
            for (int j = 0; j < i; j++) {
                double[] lj = l[j];
                double s = ai[j];
                for (int k = 0; k < j; k++) {
                    s -= li[k] * lj[k];
                }
                li[j] = s / lj[j];
            }
            double d = ai[i] + jitter;
            for (int k = 0; k < i; k++) {
                d -= li[k] * li[k];
            }
            if (!(d > 0) || !Double.isFinite(d)) {
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException("matrix has a non-finite entry in row " + i);
                }
                return false;
            }
            li[i] = Math.sqrt(d);
        }
        return true;
    }

    public int size() {
        return l.length;
    }

    /** The jitter added to the diagonal (0 when none was needed). */
    public double jitter() {
        return jitter;
    }

    /** A copy of L (lower triangular). */
    public double[][] lower() {
        double[][] copy = new double[l.length][];
        for (int i = 0; i < l.length; i++) {
            copy[i] = l[i].clone();
        }
        return copy;
    }

    /** L[i][j], for hot loops in this package. */
    double at(int i, int j) {
        return l[i][j];
    }

    /** Row i of L, not copied: for hot loops in this package only. */
    double[] row(int i) {
        return l[i];
    }

    /** L⁻¹·b (forward substitution). */
    public double[] solveLower(double[] b) {
        int n = l.length;
        checkLength(b);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double[] li = l[i];
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= li[k] * x[k];
            }
            x[i] = s / li[i];
        }
        return x;
    }

    /** L⁻ᵀ·b (back substitution). */
    public double[] solveUpper(double[] b) {
        int n = l.length;
        checkLength(b);
        double[] x = b.clone();
        for (int i = n - 1; i >= 0; i--) {
            double xi = x[i] / l[i][i];
            x[i] = xi;
            double[] li = l[i];
            for (int k = 0; k < i; k++) {
                x[k] -= li[k] * xi;
            }
        }
        return x;
    }

    /** A⁻¹·b. */
    public double[] solve(double[] b) {
        return solveUpper(solveLower(b));
    }

    /** L·z. */
    public double[] multiplyLower(double[] z) {
        int n = l.length;
        checkLength(z);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double[] li = l[i];
            double s = 0;
            for (int k = 0; k <= i; k++) {
                s += li[k] * z[k];
            }
            x[i] = s;
        }
        return x;
    }

    /** A⁻¹ (symmetric), from L⁻¹: A⁻¹ = L⁻ᵀL⁻¹. */
    public double[][] inverse() {
        int n = l.length;
        // Rows of M = L⁻¹ (lower triangular).
        double[][] m = new double[n][n];
        for (int j = 0; j < n; j++) {
            m[j][j] = 1 / l[j][j];
            for (int i = j + 1; i < n; i++) {
                double[] li = l[i];
                double s = 0;
                for (int k = j; k < i; k++) {
                    s -= li[k] * m[k][j];
                }
                m[i][j] = s / li[i];
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = i; k < n; k++) {
                    s += m[k][i] * m[k][j];
                }
                inv[i][j] = s;
                inv[j][i] = s;
            }
        }
        return inv;
    }

    /** log det A (of the jittered matrix). */
    public double logDeterminant() {
        double s = 0;
        for (int i = 0; i < l.length; i++) {
            s += Math.log(l[i][i]);
        }
        return 2 * s;
    }

    private void checkLength(double[] b) {
        if (b.length != l.length) {
            throw new IllegalArgumentException("vector has length " + b.length + ", expected " + l.length);
        }
    }
}
