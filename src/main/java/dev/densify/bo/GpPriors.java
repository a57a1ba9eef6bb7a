package dev.densify.bo;

/**
 * Priors of the GP hyperparameters, on the scale of standardised outcomes. Each is a LogNormal
 * density of the natural parameter v (length scale, output scale, noise excess), log p(v) =
 * −log v − log(σ√(2π)) − (log v − μ)²/(2σ²), so the MAP estimate is the one BoTorch finds
 * (whose optimiser works on v itself); its mode is at log v = μ − σ².
 * <ul>
 *   <li>length scales ℓ_i: LogNormal(μ = √2 + ½·log D, σ = √3), D the number of GP inputs —
 *       BoTorch's dimension-scaled prior ({@code get_covar_module_with_dim_scaled_prior},
 *       Hvarfner et al. 2024): length scales grow like √D so that high-dimensional models start
 *       smooth;</li>
 *   <li>output scale s: LogNormal(0, 1) (median 1, the variance of standardised outcomes;
 *       BoTorch's current default has no output scale, its older one a Gamma(2, 0.15));</li>
 *   <li>noise variance σ² = floor + v: v ~ LogNormal(−4, 1) (BoTorch's
 *       {@code get_gaussian_likelihood_with_lognormal_prior}); the floor (default 1e-6) keeps the
 *       kernel matrix invertible for noise-free objectives (BoTorch clamps at 1e-4).</li>
 *   <li>the constant mean c: flat (no prior).</li>
 * </ul>
 *
 * @param lengthScaleLocOffset μ of the length scales is this + ½·log D (default √2)
 * @param lengthScaleScale     σ of the length scales (default √3)
 * @param outputScaleLoc       μ of the output scale (default 0)
 * @param outputScaleScale     σ of the output scale (default 1)
 * @param noiseLoc             μ of the noise excess (default −4)
 * @param noiseScale           σ of the noise excess (default 1)
 * @param noiseFloor           the smallest noise variance, {@code >= 0} (default 1e-6)
 */
public record GpPriors(double lengthScaleLocOffset, double lengthScaleScale, double outputScaleLoc,
                       double outputScaleScale, double noiseLoc, double noiseScale, double noiseFloor) {

    public GpPriors {
        finite("lengthScaleLocOffset", lengthScaleLocOffset);
        positive("lengthScaleScale", lengthScaleScale);
        finite("outputScaleLoc", outputScaleLoc);
        positive("outputScaleScale", outputScaleScale);
        finite("noiseLoc", noiseLoc);
        positive("noiseScale", noiseScale);
        if (!(noiseFloor >= 0) || !Double.isFinite(noiseFloor)) {
            throw new IllegalArgumentException("noiseFloor must be finite and >= 0, got " + noiseFloor);
        }
    }

    /** The defaults listed above. */
    public static GpPriors defaults() {
        return new GpPriors(Math.sqrt(2), Math.sqrt(3), 0, 1, -4, 1, 1e-6);
    }

    /** μ of the length-scale prior for {@code dimension} GP inputs. */
    public double lengthScaleLoc(int dimension) {
        return lengthScaleLocOffset + 0.5 * Math.log(dimension);
    }

    /** log of the LogNormal(μ, σ) density of v at log v = θ. */
    static double logNormalDensity(double theta, double mu, double sigma) {
        double z = (theta - mu) / sigma;
        return -theta - Math.log(sigma) - NormalFunctions.LOG_SQRT_2PI - 0.5 * z * z;
    }

    /** d/dθ of {@link #logNormalDensity}. */
    static double logNormalDensityDerivative(double theta, double mu, double sigma) {
        return -1 - (theta - mu) / (sigma * sigma);
    }

    private static void finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, got " + v);
        }
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
    }
}
