package dev.densify.bo;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * A Gaussian-process regression model in the style of BoTorch's {@code SingleTaskGP}: constant
 * mean, Matérn-5/2 ARD kernel with an output scale ({@link Matern52Kernel}), Gaussian
 * observation noise, outcomes standardised ({@link Standardization}) before fitting and
 * predictions returned in the outcome's units.
 *
 * <p>Inputs are whatever coordinates the caller models in — in densify the features of a
 * {@link SearchSpace} (simplex weights and unit-box coordinates), all in [0, 1]. Hyperparameters
 * come either fixed ({@link #withHyperparameters}) or from {@link #fit}: maximum a posteriori
 * under {@link GpPriors} via L-BFGS on {@link MarginalLikelihood} (analytic gradient), from the
 * prior modes and {@code restarts − 1} draws from the priors, best kept.
 *
 * <p>Predictions are of the latent function f (no observation noise). The kernel matrix is
 * factored once with {@link Cholesky} (jitter escalation); the jitter, if any, counts as extra
 * noise everywhere below. Immutable and thread-safe.
 */
public final class GaussianProcess {

    /** Mean and variance of f at one point, in the outcome's units. */
    public record Prediction(double mean, double variance) {
        public double std() {
            return Math.sqrt(variance);
        }
    }

    /**
     * Mean and variance of f at a point and their gradients with respect to the point, in the
     * outcome's units.
     */
    public record PredictionGradient(double mean, double variance, double[] meanGradient, double[] varianceGradient) {
    }

    /**
     * The joint posterior of f at a set of points, in the outcome's units.
     *
     * @param mean       posterior means, one per point
     * @param covariance posterior covariance (symmetric, positive semi-definite)
     */
    public record JointPosterior(double[] mean, double[][] covariance) {

        /** The Cholesky factor of the covariance (with jitter escalation). */
        public Cholesky cholesky() {
            return Cholesky.decompose(covariance);
        }
    }

    private final double[][] x;
    private final double[] y;
    private final double[] knownNoise; // per observation, standardised units; null: none
    private final Standardization standardization;
    private final double[] z; // standardised outcomes
    private final GpHyperparameters hyperparameters;
    private final Matern52Kernel kernel;
    private final Cholesky chol; // of K + σ²I (+ jitter)
    private final double[] alpha; // (K + σ²I)⁻¹ (z − c)
    private final double logMarginalLikelihood;
    private volatile double[][] inverse;

    private GaussianProcess(double[][] x, double[] y, double[] knownNoise, Standardization standardization,
                            GpHyperparameters h) {
        this.x = x;
        this.y = y;
        this.knownNoise = knownNoise;
        this.standardization = standardization;
        this.z = standardization.forward(y);
        this.hyperparameters = h;
        this.kernel = new Matern52Kernel(h.lengthScales(), h.outputScale());
        double[][] k = kernel.matrix(x);
        for (int i = 0; i < k.length; i++) {
            k[i][i] += h.noiseVariance() + (knownNoise == null ? 0 : knownNoise[i]);
        }
        this.chol = Cholesky.decompose(k);
        double[] resid = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            resid[i] = z[i] - h.mean();
        }
        this.alpha = chol.solve(resid);
        double quad = 0;
        for (int i = 0; i < z.length; i++) {
            quad += resid[i] * alpha[i];
        }
        this.logMarginalLikelihood = -0.5 * quad - 0.5 * chol.logDeterminant() - z.length * NormalFunctions.LOG_SQRT_2PI;
    }

    /**
     * A GP with fixed hyperparameters (on the standardised scale).
     *
     * @param x inputs, n × D, finite, n ≥ 1
     * @param y outcomes, n, finite
     */
    public static GaussianProcess withHyperparameters(double[][] x, double[] y, GpHyperparameters hyperparameters) {
        return withHyperparameters(x, y, null, hyperparameters);
    }

    /**
     * As {@link #withHyperparameters(double[][], double[], GpHyperparameters)}, with a known noise
     * variance per observation in the outcome's units (null: none).
     */
    public static GaussianProcess withHyperparameters(double[][] x, double[] y, double[] noise,
                                                      GpHyperparameters hyperparameters) {
        double[][] xc = checkInputs(x, y);
        if (hyperparameters == null) {
            throw new IllegalArgumentException("hyperparameters must not be null");
        }
        if (hyperparameters.dimension() != xc[0].length) {
            throw new IllegalArgumentException("hyperparameters have " + hyperparameters.dimension()
                    + " length scales, inputs have " + xc[0].length + " coordinates");
        }
        Standardization st = Standardization.of(y);
        return new GaussianProcess(xc, y.clone(), standardisedNoise(noise, st, xc.length), st, hyperparameters);
    }

    /** A GP with hyperparameters fitted by MAP (see the class comment). */
    public static GaussianProcess fit(double[][] x, double[] y, GpFitOptions options) {
        return fit(x, y, null, options);
    }

    /**
     * A GP fitted by MAP whose observations carry a known noise variance each (in the outcome's
     * units; the variance of an observed mean of replicates, say) on top of the learned
     * homoscedastic noise: BoTorch's fixed-noise GP, with the learned noise kept for what the
     * known noise does not explain.
     *
     * @param noise per observation, finite and ≥ 0; null: none
     */
    public static GaussianProcess fit(double[][] x, double[] y, double[] noise, GpFitOptions options) {
        double[][] xc = checkInputs(x, y);
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        Standardization st = Standardization.of(y);
        double[] known = standardisedNoise(noise, st, xc.length);
        double[] zs = st.forward(y);
        int d = xc[0].length;
        GpPriors priors = options.priors();
        double muL = priors.lengthScaleLoc(d);
        double sL = priors.lengthScaleScale();
        int p = GpHyperparameters.parameterCount(d);
        double[] mode = new double[p];
        for (int k = 0; k < d; k++) {
            mode[k] = muL - sL * sL;
        }
        mode[d] = priors.outputScaleLoc() - priors.outputScaleScale() * priors.outputScaleScale();
        mode[d + 1] = priors.noiseLoc() - priors.noiseScale() * priors.noiseScale();
        mode[d + 2] = 0;
        RandomGenerator rng = new Well19937c(options.seed());
        Lbfgs lbfgs = new Lbfgs(10, options.maxIterations(), 1e-5, 1e-10);
        Lbfgs.Objective objective = (theta, grad) -> {
            MarginalLikelihood.Evaluation e = MarginalLikelihood.evaluate(xc, zs, known, theta, priors, true);
            double[] g = e.gradient();
            for (int i = 0; i < g.length; i++) {
                grad[i] = -g[i];
            }
            double v = e.value();
            return Double.isFinite(v) ? -v : Double.NaN;
        };
        double[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (int r = 0; r < options.restarts(); r++) {
            double[] start = mode.clone();
            if (r > 0) {
                for (int k = 0; k < d; k++) {
                    start[k] = muL + sL * rng.nextGaussian();
                }
                start[d] = priors.outputScaleLoc() + priors.outputScaleScale() * rng.nextGaussian();
                start[d + 1] = priors.noiseLoc() + priors.noiseScale() * rng.nextGaussian();
            }
            Lbfgs.Result res = lbfgs.minimise(objective, clampParameters(start, d));
            double[] point = clampParameters(res.point(), d);
            if (Double.isFinite(res.value()) && res.value() < bestValue) {
                bestValue = res.value();
                best = point;
            }
        }
        if (best == null) {
            best = mode;
        }
        GpHyperparameters h = GpHyperparameters.fromParameters(best, d, priors.noiseFloor());
        return new GaussianProcess(xc, y.clone(), known, st, h);
    }

    /** Known noise variances on the standardised scale, checked; null when none is given or all are 0. */
    private static double[] standardisedNoise(double[] noise, Standardization st, int n) {
        if (noise == null) {
            return null;
        }
        if (noise.length != n) {
            throw new IllegalArgumentException("got " + n + " observations but " + noise.length + " noise variances");
        }
        boolean any = false;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(noise[i]) || noise[i] < 0) {
                throw new IllegalArgumentException("noise variance " + i + " must be finite and >= 0, got " + noise[i]);
            }
            out[i] = noise[i] / (st.std() * st.std());
            any |= noise[i] > 0;
        }
        return any ? out : null;
    }

    /**
     * The noise of observation i in the outcome's units: the learned variance (with any jitter
     * the factorisation needed) plus its known variance.
     */
    public double observationNoiseVariance(int i) {
        if (i < 0 || i >= x.length) {
            throw new IndexOutOfBoundsException("observation " + i + " of " + x.length);
        }
        return standardization.inverseVariance(effectiveNoise(i));
    }

    /** The learned homoscedastic noise variance in the outcome's units (known noise not included). */
    public double learnedNoiseVariance() {
        return standardization.inverseVariance(hyperparameters.noiseVariance());
    }

    /** Keeps log-parameters in [−20, 20] so that a runaway start cannot overflow. */
    private static double[] clampParameters(double[] theta, int d) {
        double[] t = theta.clone();
        for (int i = 0; i <= d + 1; i++) {
            t[i] = Math.max(-20, Math.min(20, t[i]));
        }
        return t;
    }

    private static double[][] checkInputs(double[][] x, double[] y) {
        if (x == null || y == null) {
            throw new IllegalArgumentException("inputs and outcomes must not be null");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("need at least one observation");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException("got " + x.length + " inputs but " + y.length + " outcomes");
        }
        int d = x[0] == null ? 0 : x[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("inputs must have at least one coordinate");
        }
        double[][] copy = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new IllegalArgumentException("input " + i + " has " + (x[i] == null ? 0 : x[i].length)
                        + " coordinates, expected " + d);
            }
            for (int k = 0; k < d; k++) {
                if (!Double.isFinite(x[i][k])) {
                    throw new IllegalArgumentException("input " + i + " coordinate " + k + " is " + x[i][k]);
                }
            }
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException("outcome " + i + " is " + y[i]);
            }
            copy[i] = x[i].clone();
        }
        return copy;
    }

    public int size() {
        return x.length;
    }

    public int dimension() {
        return x[0].length;
    }

    public GpHyperparameters hyperparameters() {
        return hyperparameters;
    }

    public Standardization standardization() {
        return standardization;
    }

    public Matern52Kernel kernel() {
        return kernel;
    }

    /** log p(z | hyperparameters) of the standardised outcomes z (no prior). */
    public double logMarginalLikelihood() {
        return logMarginalLikelihood;
    }

    /** A copy of the training inputs. */
    public double[][] inputs() {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }

    /** A copy of the training outcomes (outcome units). */
    public double[] outcomes() {
        return y.clone();
    }

    /** Posterior mean and variance of f at {@code point}. */
    public Prediction predict(double[] point) {
        checkPoint(point);
        double[] ks = crossKernel(point);
        double m = hyperparameters.mean() + dot(ks, alpha);
        double[] v = chol.solveLower(ks);
        double var = Math.max(0, kernel.outputScale() - dot(v, v));
        return new Prediction(standardization.inverse(m), standardization.inverseVariance(var));
    }

    /** Posterior mean and variance at {@code point} and their analytic gradients with respect to it. */
    public PredictionGradient predictWithGradient(double[] point) {
        checkPoint(point);
        int n = x.length;
        int d = point.length;
        double[] ks = crossKernel(point);
        double m = hyperparameters.mean() + dot(ks, alpha);
        double[] v = chol.solveLower(ks);
        double var = Math.max(0, kernel.outputScale() - dot(v, v));
        double[] w = chol.solveUpper(v); // (K + σ²I)⁻¹ k*
        double[] gm = new double[d];
        double[] gv = new double[d];
        double[] gk = new double[d];
        for (int i = 0; i < n; i++) {
            kernel.gradientWrtFirst(point, x[i], gk);
            for (int j = 0; j < d; j++) {
                gm[j] += alpha[i] * gk[j];
                gv[j] -= 2 * w[i] * gk[j];
            }
        }
        double std = standardization.std();
        for (int j = 0; j < d; j++) {
            gm[j] *= std;
            gv[j] *= std * std;
        }
        return new PredictionGradient(standardization.inverse(m), standardization.inverseVariance(var), gm, gv);
    }

    /** Joint posterior of f at {@code points}. */
    public JointPosterior posterior(double[][] points) {
        StdPosterior p = standardisedPosterior(points);
        int m = points.length;
        double[] mean = new double[m];
        double[][] cov = new double[m][m];
        for (int i = 0; i < m; i++) {
            mean[i] = standardization.inverse(p.mean[i]);
            for (int j = 0; j < m; j++) {
                cov[i][j] = standardization.inverseVariance(p.covariance[i][j]);
            }
        }
        return new JointPosterior(mean, cov);
    }

    /**
     * {@code count} joint draws of f at {@code points} (count × points.length), from the
     * Cholesky factor of the posterior covariance and standard-normal draws of a Well19937c
     * generator seeded with {@code seed}.
     */
    public double[][] sample(double[][] points, int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        JointPosterior p = posterior(points);
        Cholesky c = p.cholesky();
        RandomGenerator rng = new Well19937c(seed);
        double[][] out = new double[count][];
        double[] zv = new double[points.length];
        for (int s = 0; s < count; s++) {
            for (int i = 0; i < zv.length; i++) {
                zv[i] = rng.nextGaussian();
            }
            double[] f = c.multiplyLower(zv);
            for (int i = 0; i < f.length; i++) {
                f[i] += p.mean()[i];
            }
            out[s] = f;
        }
        return out;
    }

    /** Mean and covariance on the standardised scale. */
    record StdPosterior(double[] mean, double[][] covariance) {
    }

    StdPosterior standardisedPosterior(double[][] points) {
        if (points == null || points.length == 0) {
            throw new IllegalArgumentException("need at least one point");
        }
        int m = points.length;
        double[][] v = new double[m][];
        double[] mean = new double[m];
        for (int i = 0; i < m; i++) {
            checkPoint(points[i]);
            double[] ks = crossKernel(points[i]);
            mean[i] = hyperparameters.mean() + dot(ks, alpha);
            v[i] = chol.solveLower(ks);
        }
        double[][] cov = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double c = kernel.value(points[i], points[j]) - dot(v[i], v[j]);
                if (i == j) {
                    c = Math.max(c, 0);
                }
                cov[i][j] = c;
                cov[j][i] = c;
            }
        }
        return new StdPosterior(mean, cov);
    }

    // ---- package-private internals for the acquisition functions (standardised scale) ----

    double[][] trainingInputs() {
        return x;
    }

    double[] standardisedOutcomes() {
        return z;
    }

    Cholesky factor() {
        return chol;
    }

    double[] alpha() {
        return alpha;
    }

    /**
     * The noise observation i is conditioned on (standardised units): σ², the jitter the
     * factorisation needed, and its known noise.
     */
    double effectiveNoise(int i) {
        return hyperparameters.noiseVariance() + chol.jitter() + (knownNoise == null ? 0 : knownNoise[i]);
    }

    /** (K + σ²I)⁻¹, computed once. */
    double[][] kernelInverse() {
        double[][] inv = inverse;
        if (inv == null) {
            inv = chol.inverse();
            inverse = inv;
        }
        return inv;
    }

    /** k(point, x_i) for every training input. */
    double[] crossKernel(double[] point) {
        double[] ks = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            ks[i] = kernel.valueOfSquaredDistance(kernel.scaledSquaredDistance(point, x[i]));
        }
        return ks;
    }

    private void checkPoint(double[] point) {
        if (point == null || point.length != x[0].length) {
            throw new IllegalArgumentException("point has " + (point == null ? 0 : point.length)
                    + " coordinates, the GP has " + x[0].length);
        }
        for (int k = 0; k < point.length; k++) {
            if (!Double.isFinite(point[k])) {
                throw new IllegalArgumentException("point coordinate " + k + " is " + point[k]);
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
