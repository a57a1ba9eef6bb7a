package dev.densify.bo;

/**
 * Analytic log expected improvement (BoTorch's {@code LogExpectedImprovement}, Ament et al.
 * 2023, "Unexpected improvements to expected improvement"): for a point with posterior mean μ
 * and standard deviation σ, and the incumbent value f*,
 * <pre>
 *   EI = E[max(f − f*, 0)] = σ · (φ(h) + h·Φ(h)),   h = (μ − f*)/σ,
 *   log EI = log σ + log(φ(h) + h·Φ(h)),
 * </pre>
 * the second term computed stably in the log domain for every finite h ({@link #logH}), so it
 * stays finite and informative where EI itself underflows (h ≪ −38). The variance is clamped at
 * 1e-12 (standardised scale) as BoTorch does. For q = 1 and noise-free observations; with noisy
 * ones use {@link LogNoisyExpectedImprovement}. Values in the outcome's units. Immutable.
 */
public final class LogExpectedImprovement implements AcquisitionFunction {

    private static final double MIN_STANDARDISED_VARIANCE = 1e-12;

    private final GaussianProcess gp;
    private final double best;

    /**
     * @param gp   the model
     * @param best the incumbent f* (outcome units, finite); typically the best observed value
     */
    public LogExpectedImprovement(GaussianProcess gp, double best) {
        if (gp == null) {
            throw new IllegalArgumentException("gp must not be null");
        }
        if (!Double.isFinite(best)) {
            throw new IllegalArgumentException("best must be finite, got " + best);
        }
        this.gp = gp;
        this.best = best;
    }

    /** log(φ(h) + h·Φ(h)), stable for every finite h (three branches; see {@link NormalFunctions#logH}). */
    public static double logH(double h) {
        return NormalFunctions.logH(h);
    }

    /** d/dh {@link #logH} = Φ(h)/(φ(h) + hΦ(h)). */
    public static double logHDerivative(double h) {
        return NormalFunctions.logHDerivative(h);
    }

    @Override
    public int batchSize() {
        return 1;
    }

    @Override
    public double evaluate(double[][] points) {
        if (points.length != 1) {
            throw new IllegalArgumentException("LogExpectedImprovement takes 1 point, got " + points.length);
        }
        return value(points[0]);
    }

    /** log EI at {@code point}. */
    public double value(double[] point) {
        GaussianProcess.Prediction p = gp.predict(point);
        double minVar = minVariance();
        double sigma = Math.sqrt(Math.max(p.variance(), minVar));
        return Math.log(sigma) + logH((p.mean() - best) / sigma);
    }

    /** log EI at {@code point}; its gradient with respect to the point goes into {@code gradient}. */
    public double valueAndGradient(double[] point, double[] gradient) {
        if (gradient.length != point.length) {
            throw new IllegalArgumentException("gradient has length " + gradient.length + ", expected " + point.length);
        }
        GaussianProcess.PredictionGradient p = gp.predictWithGradient(point);
        double minVar = minVariance();
        boolean clamped = p.variance() < minVar;
        double var = clamped ? minVar : p.variance();
        double sigma = Math.sqrt(var);
        double h = (p.mean() - best) / sigma;
        double dLogH = logHDerivative(h);
        for (int j = 0; j < point.length; j++) {
            double dSigma = clamped ? 0 : p.varianceGradient()[j] / (2 * sigma);
            double dh = (p.meanGradient()[j] - h * dSigma) / sigma;
            gradient[j] = dSigma / sigma + dLogH * dh;
        }
        return Math.log(sigma) + logH(h);
    }

    private double minVariance() {
        return gp.standardization().inverseVariance(MIN_STANDARDISED_VARIANCE);
    }
}
