package dev.densify.attribution;

import java.util.function.Function;

/**
 * Plain-Java reference implementations that the native attribution is checked against:
 * exact Shapley values by enumeration, and the weighted ridge regression with intercept (LIME's
 * solve) with its weighted R².
 */
final class References {

    /** Most players {@link #exactShapley} accepts. */
    static final int MAX_PLAYERS = 12;

    private References() {
    }

    /**
     * The value of every coalition of the response tokens: bit j of the index set = token j kept;
     * removed tokens replaced by {@code baseline}. {@code scorer} gets all 2^M sequences (prompt +
     * masked response) at once and returns their scores.
     */
    static double[] coalitionValues(int[] prompt, int[] response, int baseline, Function<int[][], float[]> scorer) {
        int m = response.length;
        if (m > MAX_PLAYERS) {
            throw new IllegalArgumentException("enumeration of 2^" + m + " coalitions; at most " + MAX_PLAYERS);
        }
        int[][] rows = new int[1 << m][];
        for (int s = 0; s < rows.length; s++) {
            int[] row = new int[prompt.length + m];
            System.arraycopy(prompt, 0, row, 0, prompt.length);
            for (int j = 0; j < m; j++) {
                row[prompt.length + j] = (s >> j & 1) != 0 ? response[j] : baseline;
            }
            rows[s] = row;
        }
        float[] scores = scorer.apply(rows);
        double[] v = new double[rows.length];
        for (int s = 0; s < v.length; s++) {
            v[s] = scores[s];
        }
        return v;
    }

    /** Exact Shapley values φ_j = Σ_{S ∌ j} |S|!(M−|S|−1)!/M! (v(S ∪ j) − v(S)) from all coalition values. */
    static double[] exactShapley(double[] v, int m) {
        if (v.length != 1 << m) {
            throw new IllegalArgumentException(v.length + " values for " + m + " players");
        }
        double[] weight = new double[m];
        for (int size = 0; size < m; size++) {
            // |S|! (M - |S| - 1)! / M! = 1 / (M * C(M - 1, |S|))
            weight[size] = 1.0 / (m * binomial(m - 1, size));
        }
        double[] phi = new double[m];
        for (int s = 0; s < v.length; s++) {
            int size = Integer.bitCount(s);
            for (int j = 0; j < m; j++) {
                if ((s >> j & 1) == 0) {
                    phi[j] += weight[size] * (v[s | 1 << j] - v[s]);
                }
            }
        }
        return phi;
    }

    static double binomial(int n, int k) {
        double r = 1;
        for (int j = 1; j <= k; j++) {
            r = r * (n - k + j) / j;
        }
        return r;
    }

    /** Coefficients, intercept and weighted R² of a ridge fit. */
    record Ridge(double[] coefficients, double intercept, double r2) {
    }

    /**
     * Weighted ridge regression with an unpenalised intercept, as scikit-learn's
     * {@code Ridge(alpha, fit_intercept=True).fit(X, y, sample_weight=w)}: minimises
     * Σ_k w_k (y_k − b − x_k·β)² + α‖β‖². Solved through the weighted-centred normal equations
     * (X_cᵀWX_c + αI)β = X_cᵀW y_c by Gaussian elimination with partial pivoting; b = ȳ_w − x̄_w·β.
     * R² = 1 − Σ w (y − fit)² / Σ w (y − ȳ_w)², as {@code Ridge.score(X, y, sample_weight=w)}.
     */
    static Ridge weightedRidge(double[][] x, double[] y, double[] w, double alpha) {
        int n = x.length;
        int p = x[0].length;
        double wsum = 0;
        double ymean = 0;
        double[] xmean = new double[p];
        for (int k = 0; k < n; k++) {
            wsum += w[k];
            ymean += w[k] * y[k];
            for (int j = 0; j < p; j++) {
                xmean[j] += w[k] * x[k][j];
            }
        }
        ymean /= wsum;
        for (int j = 0; j < p; j++) {
            xmean[j] /= wsum;
        }
        double[][] a = new double[p][p + 1];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < p; i++) {
                double xi = x[k][i] - xmean[i];
                a[i][p] += w[k] * xi * (y[k] - ymean);
                for (int j = 0; j < p; j++) {
                    a[i][j] += w[k] * xi * (x[k][j] - xmean[j]);
                }
            }
        }
        for (int i = 0; i < p; i++) {
            a[i][i] += alpha;
        }
        double[] beta = solve(a, p);
        double intercept = ymean;
        for (int j = 0; j < p; j++) {
            intercept -= xmean[j] * beta[j];
        }
        double rss = 0;
        double tss = 0;
        for (int k = 0; k < n; k++) {
            double fit = intercept;
            for (int j = 0; j < p; j++) {
                fit += x[k][j] * beta[j];
            }
            rss += w[k] * (y[k] - fit) * (y[k] - fit);
            tss += w[k] * (y[k] - ymean) * (y[k] - ymean);
        }
        return new Ridge(beta, intercept, tss > 0 ? 1 - rss / tss : (rss == 0 ? 1 : 0));
    }

    /** Solves the p x p system in augmented form a[p][p+1] (destroyed). */
    private static double[] solve(double[][] a, int p) {
        for (int c = 0; c < p; c++) {
            int pivot = c;
            for (int r = c + 1; r < p; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            if (a[c][c] == 0) {
                throw new ArithmeticException("singular system");
            }
            for (int r = c + 1; r < p; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k <= p; k++) {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
        double[] x = new double[p];
        for (int r = p - 1; r >= 0; r--) {
            double s = a[r][p];
            for (int k = r + 1; k < p; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    /** LIME's kernel: sqrt(exp(−d²/width²)) with d = cosine distance between a 0/1 row and all-ones, x 100. */
    static double limeKernel(int kept, int m, double width) {
        double d = kept == 0 ? 100 : (1 - Math.sqrt((double) kept / m)) * 100;
        return Math.sqrt(Math.exp(-(d * d) / (width * width)));
    }
}
