package dev.densify.bo;

/**
 * The objective of GP hyperparameter fitting: the log marginal likelihood of standardised
 * outcomes y under the GP (constant mean c, Matérn-5/2 ARD kernel, Gaussian noise),
 * <pre>
 *   log p(y | θ) = −½ (y − c)ᵀ K_σ⁻¹ (y − c) − ½ log det K_σ − n/2 · log 2π,   K_σ = K + σ²I,
 * </pre>
 * plus the log prior of {@link GpPriors}, with its analytic gradient
 * <pre>
 *   ∂/∂θ_j log p(y | θ) = ½ tr((ααᵀ − K_σ⁻¹) ∂K_σ/∂θ_j),   α = K_σ⁻¹(y − c),   ∂/∂c = Σ α_i.
 * </pre>
 * The parameter vector θ is [log ℓ_1..D, log s, log(σ² − floor), c] (see
 * {@link GpHyperparameters}); all of it is unconstrained. Stateless.
 */
public final class MarginalLikelihood {

    private MarginalLikelihood() {
    }

    /**
     * Value and gradient at θ.
     *
     * @param logMarginalLikelihood log p(y | θ); NaN where K_σ could not be factored
     * @param logPrior              log p(θ) (0 when the prior is not included)
     * @param gradient              ∂(logMarginalLikelihood + logPrior)/∂θ
     */
    public record Evaluation(double logMarginalLikelihood, double logPrior, double[] gradient) {

        /** The objective that fitting maximises. */
        public double value() {
            return logMarginalLikelihood + logPrior;
        }
    }

    /**
     * @param x            GP inputs, n × D
     * @param y            standardised outcomes, n
     * @param theta        [log ℓ_1..D, log s, log(σ² − floor), c]
     * @param priors       priors (their noise floor is used even when {@code includePrior} is false)
     * @param includePrior whether to add the log prior and its gradient
     */
    public static Evaluation evaluate(double[][] x, double[] y, double[] theta, GpPriors priors, boolean includePrior) {
        return evaluate(x, y, null, theta, priors, includePrior);
    }

    /**
     * As {@link #evaluate(double[][], double[], double[], GpPriors, boolean)}, with a known noise
     * variance per observation (standardised units, ≥ 0; null: none) added to the learned one
     * (BoTorch's fixed-noise GP, with the homoscedastic noise kept on top).
     */
    public static Evaluation evaluate(double[][] x, double[] y, double[] knownNoise, double[] theta, GpPriors priors,
                                      boolean includePrior) {
        int n = x.length;
        if (n == 0 || y.length != n) {
            throw new IllegalArgumentException("need n >= 1 inputs and as many outcomes, got " + n + " and " + y.length);
        }
        int d = x[0].length;
        if (theta.length != GpHyperparameters.parameterCount(d)) {
            throw new IllegalArgumentException("theta has " + theta.length + " entries, expected "
                    + GpHyperparameters.parameterCount(d));
        }
        double[] invL2 = new double[d];
        for (int k = 0; k < d; k++) {
            invL2[k] = Math.exp(-2 * theta[k]);
        }
        double s = Math.exp(theta[d]);
        double noiseExcess = Math.exp(theta[d + 1]);
        double noise = priors.noiseFloor() + noiseExcess;
        double c = theta[d + 2];
        double[] gradient = new double[theta.length];

        double[][] kn = new double[n][n];
        double[][] r2 = new double[n][];
        for (int i = 0; i < n; i++) {
            r2[i] = new double[i];
            double[] xi = x[i];
            for (int j = 0; j < i; j++) {
                double[] xj = x[j];
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    double diff = xi[k] - xj[k];
                    sum += diff * diff * invL2[k];
                }
                r2[i][j] = sum;
                double r = Math.sqrt(sum);
                double v = s * (1 + Matern52Kernel.SQRT5 * r + 5.0 / 3.0 * sum) * Math.exp(-Matern52Kernel.SQRT5 * r);
                kn[i][j] = v;
                kn[j][i] = v;
            }
            kn[i][i] = s + noise + (knownNoise == null ? 0 : knownNoise[i]);
        }
        Cholesky chol;
        try {
            chol = Cholesky.tryDecompose(kn);
        } catch (IllegalArgumentException e) {
            chol = null;
        }
        if (chol == null || !Double.isFinite(s) || !Double.isFinite(noise)) {
            return new Evaluation(Double.NaN, Double.NaN, gradient);
        }
        double[] resid = new double[n];
        for (int i = 0; i < n; i++) {
            resid[i] = y[i] - c;
        }
        double[] alpha = chol.solve(resid);
        double quad = 0;
        double sumAlpha = 0;
        for (int i = 0; i < n; i++) {
            quad += resid[i] * alpha[i];
            sumAlpha += alpha[i];
        }
        double lml = -0.5 * quad - 0.5 * chol.logDeterminant() - n * NormalFunctions.LOG_SQRT_2PI;

        double[][] inv = chol.inverse();
        double traceW = 0;
        double gradS = 0;
        for (int i = 0; i < n; i++) {
            double[] xi = x[i];
            double wii = alpha[i] * alpha[i] - inv[i][i];
            traceW += wii;
            gradS += 0.5 * wii * s;
            for (int j = 0; j < i; j++) {
                double wij = alpha[i] * alpha[j] - inv[i][j];
                double sum = r2[i][j];
                double r = Math.sqrt(sum);
                double e = Math.exp(-Matern52Kernel.SQRT5 * r);
                double fac = s * 5.0 / 3.0 * (1 + Matern52Kernel.SQRT5 * r) * e;
                gradS += wij * kn[i][j];
                double wf = wij * fac;
                double[] xj = x[j];
                for (int k = 0; k < d; k++) {
                    double diff = xi[k] - xj[k];
                    gradient[k] += wf * diff * diff * invL2[k];
                }
            }
        }
        gradient[d] = gradS;
        gradient[d + 1] = 0.5 * traceW * noiseExcess;
        gradient[d + 2] = sumAlpha;

        double logPrior = 0;
        if (includePrior) {
            double muL = priors.lengthScaleLoc(d);
            for (int k = 0; k < d; k++) {
                logPrior += GpPriors.logNormalDensity(theta[k], muL, priors.lengthScaleScale());
                gradient[k] += GpPriors.logNormalDensityDerivative(theta[k], muL, priors.lengthScaleScale());
            }
            logPrior += GpPriors.logNormalDensity(theta[d], priors.outputScaleLoc(), priors.outputScaleScale());
            gradient[d] += GpPriors.logNormalDensityDerivative(theta[d], priors.outputScaleLoc(),
                    priors.outputScaleScale());
            logPrior += GpPriors.logNormalDensity(theta[d + 1], priors.noiseLoc(), priors.noiseScale());
            gradient[d + 1] += GpPriors.logNormalDensityDerivative(theta[d + 1], priors.noiseLoc(),
                    priors.noiseScale());
        }
        return new Evaluation(lml, logPrior, gradient);
    }
}
