package dev.densify.bo;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Monte Carlo log noisy expected improvement of a batch of q candidates, BoTorch's
 * {@code qLogNoisyExpectedImprovement} (Ament et al. 2023; Letham et al. 2019):
 * <pre>
 *   qLogNEI(x_1..q) = log E[ max(0, max_j f(x_j) − max_i f(x_i^obs)) ]
 * </pre>
 * over the joint posterior of f at the candidates and at the observed points (the baseline),
 * so the incumbent is itself uncertain and noise in the observations is accounted for.
 *
 * <p><b>Estimator.</b> N fixed base samples (quasi-random normals, {@link SobolDesign#standardNormal},
 * seeded) of the joint posterior of f at F (the baseline B followed by the pending points P)
 * and at the candidates C, drawn through its Cholesky factor
 * <pre>
 *   [f_F; f_C] = [μ_F; μ_C] + [[L_FF, 0], [L_CF, L_CC]] · [z_F; z_C],
 *   L_CF = Σ_CF L_FFᵀ⁻¹,   L_CC = chol(Σ_CC − L_CF L_CFᵀ),
 * </pre>
 * where the fixed block L_FF and the fixed draws f_F — hence each sample's incumbent
 * max_i f_B,i and the pending points' improvements — are computed once (BoTorch's "cache root"),
 * so an evaluation costs one triangular solve against L_FF and one q×q factorisation.
 * For training inputs the posterior has closed forms: μ_B = z − Nα and Σ_XX = N − N K_N⁻¹ N,
 * Σ_CX = k(C, X)K_N⁻¹ N (N the diagonal of each observation's noise: the learned σ², jitter
 * included, plus its known noise; K_N = K + N). Per sample, the improvement of
 * candidate j is smoothed as in BoTorch with {@code fat=True}: log(τ_r·fatplus((f_j − best)/τ_r))
 * with fatplus(z) = softplus(z) + 0.1/(1 + z²) and τ_r = {@code tauRelu}; the max over j is the
 * smooth max τ_m·logsumexp(·/τ_m) of those logs (τ_m = {@code tauMax}); the mean over samples is
 * a log-mean-exp. The value is therefore finite everywhere, smooth in the candidates, and close
 * to log qNEI wherever qNEI is not tiny. The temperatures act on standardised outcomes; the
 * value is reported in the outcome's units (log std added).
 *
 * <p><b>Baseline pruning</b> (BoTorch's {@code prune_baseline}): when enabled, only the observed
 * points that are the maximiser in at least one of {@value #PRUNE_SAMPLES} posterior draws (and
 * the one with the best posterior mean) are kept; the others are almost never the incumbent, and
 * dropping them makes evaluations much cheaper.
 *
 * <p><b>Pending points</b> (BoTorch's {@code X_pending}): points already chosen but not yet
 * observed join every evaluation as extra candidates, so a candidate gains only where it improves
 * on them too — how sequential greedy batches are built. Immutable and thread-safe.
 */
public final class LogNoisyExpectedImprovement implements AcquisitionFunction {

    /** Posterior draws used to prune the baseline. */
    public static final int PRUNE_SAMPLES = 512;

    /**
     * @param samples       N, the number of base samples, {@code >= 1} (default {@value #DEFAULT_SAMPLES})
     * @param pruneBaseline whether to prune the baseline (default true)
     * @param tauRelu       temperature of the smoothed max(0, ·), {@code > 0} (default 1e-6)
     * @param tauMax        temperature of the smoothed max over the batch, {@code > 0} (default 1e-2)
     * @param seed          seeds the base samples and the pruning draws
     */
    public record Options(int samples, boolean pruneBaseline, double tauRelu, double tauMax, long seed) {

        public static final int DEFAULT_SAMPLES = 128;

        public Options {
            if (samples < 1) {
                throw new IllegalArgumentException("samples must be >= 1, got " + samples);
            }
            if (!(tauRelu > 0) || !Double.isFinite(tauRelu)) {
                throw new IllegalArgumentException("tauRelu must be finite and > 0, got " + tauRelu);
            }
            if (!(tauMax > 0) || !Double.isFinite(tauMax)) {
                throw new IllegalArgumentException("tauMax must be finite and > 0, got " + tauMax);
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_SAMPLES, true, 1e-6, 1e-2, 0);
        }

        public Options withSamples(int samples) {
            return new Options(samples, pruneBaseline, tauRelu, tauMax, seed);
        }

        public Options withPruneBaseline(boolean pruneBaseline) {
            return new Options(samples, pruneBaseline, tauRelu, tauMax, seed);
        }

        public Options withSeed(long seed) {
            return new Options(samples, pruneBaseline, tauRelu, tauMax, seed);
        }
    }

    /** What does not depend on the candidates or pending points: the model and the (pruned) baseline. */
    private record Baseline(GaussianProcess gp, Options options, int[] indices, double[] mean, double[][] inverseRows) {
    }

    /** Per-candidate quantities of an evaluation (standardised scale). */
    private record PointStats(double[] point, double mean, double[] v, double[] w) {
    }

    private final Baseline base;
    private final int q;
    private final double[][] pending;
    private final double[][] pendingV; // L⁻¹k(X, p) per pending point
    private final Cholesky fixedFactor; // of the posterior covariance of f at baseline ∪ pending
    private final double[][] zFixed; // N × (m + p)
    private final double[][] zCand; // N × q
    private final double[] incumbents; // N: max_i f_B,i per sample
    private final double[] pendingReduced; // N: τ_m·logsumexp of the pending points' log improvements / τ_m
    private final double logStd;

    private LogNoisyExpectedImprovement(Baseline base, int q, double[][] pending) {
        this.base = base;
        this.q = q;
        this.pending = pending;
        GaussianProcess gp = base.gp;
        int m = base.indices.length;
        int p = pending.length;
        int fixed = m + p;
        double[] noise = new double[m];
        for (int a = 0; a < m; a++) {
            noise[a] = gp.effectiveNoise(base.indices[a]);
        }
        // Posterior covariance of f at F = baseline ∪ pending (baseline first).
        this.pendingV = new double[p][];
        double[][] pendingK = new double[p][];
        double[] meanF = new double[fixed];
        System.arraycopy(base.mean, 0, meanF, 0, m);
        for (int i = 0; i < p; i++) {
            pendingK[i] = gp.crossKernel(pending[i]);
            pendingV[i] = gp.factor().solveLower(pendingK[i]);
            meanF[m + i] = gp.hyperparameters().mean() + GaussianProcess.dot(pendingK[i], gp.alpha());
        }
        double[][] cov = new double[fixed][fixed];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b <= a; b++) {
                double c = -noise[a] * noise[b] * base.inverseRows[a][base.indices[b]];
                if (a == b) {
                    c += noise[a];
                }
                cov[a][b] = c;
                cov[b][a] = c;
            }
        }
        Matern52Kernel kernel = gp.kernel();
        for (int i = 0; i < p; i++) {
            for (int b = 0; b < m; b++) {
                double c = noise[b] * GaussianProcess.dot(pendingK[i], base.inverseRows[b]);
                cov[m + i][b] = c;
                cov[b][m + i] = c;
            }
            for (int k = 0; k <= i; k++) {
                double c = kernel.valueOfSquaredDistance(kernel.scaledSquaredDistance(pending[i], pending[k]))
                        - GaussianProcess.dot(pendingV[i], pendingV[k]);
                cov[m + i][m + k] = c;
                cov[m + k][m + i] = c;
            }
        }
        this.fixedFactor = Cholesky.decompose(cov);

        Options o = base.options;
        double[][] z = SobolDesign.standardNormal(o.samples(), fixed + q, mix(o.seed(), 0x5EED_0001L + 1000L * p + q));
        this.zFixed = new double[o.samples()][];
        this.zCand = new double[o.samples()][];
        this.incumbents = new double[o.samples()];
        this.pendingReduced = new double[o.samples()];
        for (int s = 0; s < o.samples(); s++) {
            zFixed[s] = java.util.Arrays.copyOfRange(z[s], 0, fixed);
            zCand[s] = java.util.Arrays.copyOfRange(z[s], fixed, fixed + q);
            double[] f = fixedFactor.multiplyLower(zFixed[s]);
            double best = Double.NEGATIVE_INFINITY;
            for (int b = 0; b < m; b++) {
                best = Math.max(best, meanF[b] + f[b]);
            }
            incumbents[s] = best;
            double[] vals = new double[p];
            for (int i = 0; i < p; i++) {
                vals[i] = NormalFunctions.logFatplus(meanF[m + i] + f[m + i] - best, o.tauRelu()) / o.tauMax();
            }
            pendingReduced[s] = o.tauMax() * logSumExp(vals, p);
        }
        this.logStd = Math.log(gp.standardization().std());
    }

    /**
     * qLogNEI with q = 1 and no pending points, the baseline being the GP's training inputs.
     */
    public static LogNoisyExpectedImprovement create(GaussianProcess gp, Options options) {
        if (gp == null || options == null) {
            throw new IllegalArgumentException("gp and options must not be null");
        }
        return new LogNoisyExpectedImprovement(prepare(gp, options), 1, new double[0][]);
    }

    /**
     * The same model and baseline for a batch of {@code q} candidates, with {@code pending}
     * points (GP inputs; may be empty) joining every evaluation.
     */
    public LogNoisyExpectedImprovement forBatch(int q, double[][] pending) {
        if (q < 1) {
            throw new IllegalArgumentException("q must be >= 1, got " + q);
        }
        if (pending == null) {
            throw new IllegalArgumentException("pending must not be null (use an empty array)");
        }
        double[][] copy = new double[pending.length][];
        for (int i = 0; i < pending.length; i++) {
            checkPoint(pending[i], "pending point " + i);
            copy[i] = pending[i].clone();
        }
        return new LogNoisyExpectedImprovement(base, q, copy);
    }

    private static Baseline prepare(GaussianProcess gp, Options options) {
        int n = gp.size();
        double[] noise = new double[n];
        for (int i = 0; i < n; i++) {
            noise[i] = gp.effectiveNoise(i);
        }
        double[][] inv = gp.kernelInverse();
        double[] alpha = gp.alpha();
        double[] z = gp.standardisedOutcomes();
        double[] mean = new double[n];
        for (int i = 0; i < n; i++) {
            mean[i] = z[i] - noise[i] * alpha[i];
        }
        int[] keep = new int[n];
        for (int i = 0; i < n; i++) {
            keep[i] = i;
        }
        if (options.pruneBaseline() && n > 1) {
            Cholesky full = baselineFactor(keep, noise, inv);
            boolean[] winner = new boolean[n];
            int bestMean = 0;
            for (int i = 1; i < n; i++) {
                if (mean[i] > mean[bestMean]) {
                    bestMean = i;
                }
            }
            winner[bestMean] = true;
            RandomGenerator rng = new Well19937c(mix(options.seed(), 0x9A7E_0002L));
            double[] zv = new double[n];
            for (int s = 0; s < PRUNE_SAMPLES; s++) {
                for (int i = 0; i < n; i++) {
                    zv[i] = rng.nextGaussian();
                }
                double[] f = full.multiplyLower(zv);
                int arg = 0;
                for (int i = 1; i < n; i++) {
                    if (mean[i] + f[i] > mean[arg] + f[arg]) {
                        arg = i;
                    }
                }
                winner[arg] = true;
            }
            int count = 0;
            for (boolean w : winner) {
                count += w ? 1 : 0;
            }
            keep = new int[count];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (winner[i]) {
                    keep[k++] = i;
                }
            }
        }
        double[] keptMean = new double[keep.length];
        double[][] rows = new double[keep.length][];
        for (int b = 0; b < keep.length; b++) {
            keptMean[b] = mean[keep[b]];
            rows[b] = inv[keep[b]];
        }
        return new Baseline(gp, options, keep, keptMean, rows);
    }

    /** Cholesky of Σ_BB = N − N K_N⁻¹ N (N the diagonal of each point's noise) restricted to {@code idx}. */
    private static Cholesky baselineFactor(int[] idx, double[] noise, double[][] inv) {
        int m = idx.length;
        double[][] cov = new double[m][m];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b <= a; b++) {
                double c = -noise[idx[a]] * noise[idx[b]] * inv[idx[a]][idx[b]];
                if (a == b) {
                    c += noise[idx[a]];
                }
                cov[a][b] = c;
                cov[b][a] = c;
            }
        }
        return Cholesky.decompose(cov);
    }

    @Override
    public int batchSize() {
        return q;
    }

    /** The number of baseline points after pruning. */
    public int baselineSize() {
        return base.indices.length;
    }

    /** Indices (into the GP's training inputs) of the baseline points kept. */
    public int[] baselineIndices() {
        return base.indices.clone();
    }

    /** A copy of the pending points. */
    public double[][] pending() {
        double[][] c = new double[pending.length][];
        for (int i = 0; i < pending.length; i++) {
            c[i] = pending[i].clone();
        }
        return c;
    }

    @Override
    public double evaluate(double[][] candidates) {
        if (candidates == null || candidates.length != q) {
            throw new IllegalArgumentException("expected " + q + " candidates, got "
                    + (candidates == null ? 0 : candidates.length));
        }
        PointStats[] ps = new PointStats[q];
        for (int j = 0; j < q; j++) {
            checkPoint(candidates[j], "candidate " + j);
            ps[j] = stats(candidates[j]);
        }
        Matern52Kernel kernel = base.gp.kernel();
        double[][] a = new double[q][q];
        for (int j = 0; j < q; j++) {
            for (int k = 0; k <= j; k++) {
                double c = kernel.valueOfSquaredDistance(kernel.scaledSquaredDistance(ps[j].point, ps[k].point))
                        - GaussianProcess.dot(ps[j].v, ps[k].v) - GaussianProcess.dot(ps[j].w, ps[k].w);
                a[j][k] = c;
                a[k][j] = c;
            }
        }
        double[][] lcc = candidateFactor(a);

        Options o = base.options;
        double tauR = o.tauRelu();
        double tauM = o.tauMax();
        int fixed = base.indices.length + pending.length;
        boolean withPending = pending.length > 0;
        double[] vals = new double[q + 1];
        double[] reduced = new double[o.samples()];
        for (int s = 0; s < o.samples(); s++) {
            double[] zf = zFixed[s];
            double[] zc = zCand[s];
            double best = incumbents[s];
            for (int j = 0; j < q; j++) {
                double[] wj = ps[j].w;
                double f = ps[j].mean;
                for (int b = 0; b < fixed; b++) {
                    f += wj[b] * zf[b];
                }
                double[] lj = lcc[j];
                for (int k = 0; k <= j; k++) {
                    f += lj[k] * zc[k];
                }
                vals[j] = NormalFunctions.logFatplus(f - best, tauR) / tauM;
            }
            int count = q;
            if (withPending) {
                vals[q] = pendingReduced[s] / tauM;
                count = q + 1;
            }
            reduced[s] = count == 1 ? vals[0] * tauM : tauM * logSumExp(vals, count);
        }
        return logMeanExp(reduced) + logStd;
    }

    private PointStats stats(double[] point) {
        GaussianProcess gp = base.gp;
        double[] kx = gp.crossKernel(point);
        double mean = gp.hyperparameters().mean() + GaussianProcess.dot(kx, gp.alpha());
        double[] v = gp.factor().solveLower(kx);
        int m = base.indices.length;
        int p = pending.length;
        double[] sxf = new double[m + p];
        for (int b = 0; b < m; b++) {
            sxf[b] = gp.effectiveNoise(base.indices[b]) * GaussianProcess.dot(kx, base.inverseRows[b]);
        }
        Matern52Kernel kernel = gp.kernel();
        for (int i = 0; i < p; i++) {
            sxf[m + i] = kernel.valueOfSquaredDistance(kernel.scaledSquaredDistance(point, pending[i]))
                    - GaussianProcess.dot(v, pendingV[i]);
        }
        double[] w = fixedFactor.solveLower(sxf);
        return new PointStats(point, mean, v, w);
    }

    /** log Σ exp(v_i) over the first {@code count} entries (−∞ when count is 0). */
    private static double logSumExp(double[] v, int count) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, v[i]);
        }
        if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
            return max;
        }
        // Terms more than 40 below the max change the sum by less than 1e-17 relative: skip their exp.
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double d = v[i] - max;
            if (d == 0) {
                sum += 1;
            } else if (d > -40) {
                sum += Math.exp(d);
            }
        }
        return sum == 1 ? max : max + Math.log(sum);
    }

    /** Cholesky of the conditional covariance of the candidates; diagonal fallback if it fails. */
    private static double[][] candidateFactor(double[][] a) {
        Cholesky c = Cholesky.tryDecompose(a);
        int t = a.length;
        double[][] l = new double[t][t];
        if (c != null) {
            for (int j = 0; j < t; j++) {
                System.arraycopy(c.row(j), 0, l[j], 0, j + 1);
            }
        } else {
            for (int j = 0; j < t; j++) {
                l[j][j] = Math.sqrt(Math.max(a[j][j], 0));
            }
        }
        return l;
    }

    private void checkPoint(double[] p, String what) {
        int d = base.gp.dimension();
        if (p == null || p.length != d) {
            throw new IllegalArgumentException(what + " has " + (p == null ? 0 : p.length)
                    + " coordinates, the GP has " + d);
        }
        for (int k = 0; k < d; k++) {
            if (!Double.isFinite(p[k])) {
                throw new IllegalArgumentException(what + " coordinate " + k + " is " + p[k]);
            }
        }
    }

    private static double logMeanExp(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        int atMax = 0;
        for (double x : v) {
            double d = x - max;
            if (d == 0) {
                atMax++;
            } else if (d > -40) {
                sum += Math.exp(d);
            }
        }
        return max + Math.log((atMax + sum) / v.length);
    }

    /** SplitMix64 finaliser of seed + salt: decorrelated seeds for the different random streams. */
    static long mix(long seed, long salt) {
        long z = seed + salt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
