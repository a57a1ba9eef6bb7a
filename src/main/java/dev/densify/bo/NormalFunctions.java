package dev.densify.bo;

import org.apache.commons.math3.special.Erf;

/**
 * Standard-normal functions computed stably in the log domain, and the helpers of
 * {@link LogNoisyExpectedImprovement}.
 */
final class NormalFunctions {

    static final double SQRT2 = Math.sqrt(2);
    static final double SQRT_PI = Math.sqrt(Math.PI);
    static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double SQRT_HALF_PI = Math.sqrt(Math.PI / 2);
    /** Below this h, log(φ(h) + hΦ(h)) uses the asymptotic series of the Mills ratio. */
    static final double LOG_H_SERIES_BELOW = -100;
    /** Above this x, erfcx uses its continued fraction instead of exp(x²)·erfc(x). */
    private static final double ERFCX_FRACTION_ABOVE = 4;

    private NormalFunctions() {
    }

    static double pdf(double h) {
        return Math.exp(-0.5 * h * h) / Math.sqrt(2 * Math.PI);
    }

    static double logPdf(double h) {
        return -0.5 * h * h - LOG_SQRT_2PI;
    }

    static double cdf(double h) {
        return 0.5 * Erf.erfc(-h / SQRT2);
    }

    /** log Φ(h), accurate in both tails (erfcx below h = −5, log1p above 0). */
    static double logCdf(double h) {
        if (h > 0) {
            return Math.log1p(-0.5 * Erf.erfc(h / SQRT2));
        }
        if (h > -5) {
            return Math.log(0.5 * Erf.erfc(-h / SQRT2));
        }
        return Math.log(0.5 * erfcx(-h / SQRT2)) - 0.5 * h * h;
    }

    /**
     * The scaled complementary error function erfcx(x) = exp(x²)·erfc(x) for x ≥ 0: directly
     * below 4, and from the continued fraction erfc(x) = exp(−x²)/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …))))
     * (evaluated bottom-up, 60 terms, relative error below 1e-15 for x ≥ 4) above.
     */
    static double erfcx(double x) {
        if (!(x >= 0)) {
            throw new IllegalArgumentException("erfcx is implemented for x >= 0, got " + x);
        }
        if (x < ERFCX_FRACTION_ABOVE) {
            return Math.exp(x * x) * Erf.erfc(x);
        }
        if (x > 1e8) {
            return 1 / (SQRT_PI * x);
        }
        double t = x;
        for (int k = 60; k >= 1; k--) {
            t = x + 0.5 * k / t;
        }
        return 1 / (SQRT_PI * t);
    }

    /** log(1 − exp(w)) for w ≤ 0 (Mächler's two branches). */
    static double log1mexp(double w) {
        if (w > -Math.log(2)) {
            return Math.log(-Math.expm1(w));
        }
        return Math.log1p(-Math.exp(w));
    }

    /**
     * log(φ(h) + h·Φ(h)), the log of the expected improvement of a standard normal over −h
     * (BoTorch's {@code _log_ei_helper}). Three branches:
     * <ul>
     *   <li>h > −1: directly;</li>
     *   <li>−100 ≤ h ≤ −1: φ(h) + hΦ(h) = φ(h)·(1 − |h|·Φ(h)/φ(h)) with Φ(h)/φ(h) = √(π/2)·erfcx(−h/√2),
     *       so the log is log φ(h) + log1mexp(log(|h|·√(π/2)·erfcx(−h/√2)));</li>
     *   <li>h < −100: the asymptotic series of the Mills ratio, 1 − |h|Φ(h)/φ(h) =
     *       h⁻² − 3h⁻⁴ + 15h⁻⁶ − 105h⁻⁸ + 945h⁻¹⁰ (relative error below 1e-12), which avoids the
     *       cancellation of the second branch.</li>
     * </ul>
     * Finite for every finite h (h = −1e150 gives about −1e300/2).
     */
    static double logH(double h) {
        if (h > -1) {
            return Math.log(pdf(h) + h * cdf(h));
        }
        if (h >= LOG_H_SERIES_BELOW) {
            double w = Math.log(-h * SQRT_HALF_PI * erfcx(-h / SQRT2));
            return logPdf(h) + log1mexp(w);
        }
        double inv2 = 1 / (h * h);
        double series = inv2 * (-3 + inv2 * (15 + inv2 * (-105 + inv2 * 945)));
        return logPdf(h) - 2 * Math.log(-h) + Math.log1p(series);
    }

    /** d/dh log(φ(h) + hΦ(h)) = Φ(h) / (φ(h) + hΦ(h)), in the log domain. */
    static double logHDerivative(double h) {
        return Math.exp(logCdf(h) - logH(h));
    }

    /** Inverse standard-normal CDF, for p in (0, 1). */
    static double inverseCdf(double p) {
        return SQRT2 * Erf.erfInv(2 * p - 1);
    }

    /**
     * log(τ·fatplus(x/τ)) with fatplus(z) = softplus(z) + 0.1/(1 + z²) (BoTorch's {@code log_fatplus}):
     * a smooth approximation of log(max(x, 0)) whose Cauchy tail keeps the value finite and the
     * landscape informative far below zero (about log(0.1·τ³/x²) there).
     */
    static double logFatplus(double x, double tau) {
        double z = x / tau;
        if (z < -40) {
            // softplus(z) < e^-40 is below 1e-13 of the Cauchy term: one log instead of three.
            double az = -z;
            return az > 1e150 ? Math.log(0.1 * tau) - 2 * Math.log(az) : Math.log(0.1 * tau / (1 + z * z));
        }
        if (z > 40) {
            // softplus(z) = z + log1p(e^-z) = z to within e^-40.
            return Math.log(tau * (z + 0.1 / (1 + z * z)));
        }
        double softplus = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        return Math.log(tau * (softplus + 0.1 / (1 + z * z)));
    }
}
