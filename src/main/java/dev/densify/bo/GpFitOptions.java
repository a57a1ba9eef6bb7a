package dev.densify.bo;

/**
 * How {@link GaussianProcess#fit} chooses hyperparameters: maximise log marginal likelihood +
 * log prior with L-BFGS from {@code restarts} starting points — the prior modes first, then
 * draws from the priors (seeded) — and keep the best.
 *
 * @param restarts      starting points, {@code >= 1} (default {@value #DEFAULT_RESTARTS})
 * @param maxIterations L-BFGS iterations per start, {@code >= 1} (default {@value #DEFAULT_MAX_ITERATIONS})
 * @param priors        the priors (default {@link GpPriors#defaults()})
 * @param seed          seeds the random starting points
 */
public record GpFitOptions(int restarts, int maxIterations, GpPriors priors, long seed) {

    public static final int DEFAULT_RESTARTS = 3;
    public static final int DEFAULT_MAX_ITERATIONS = 100;

    public GpFitOptions {
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be >= 1, got " + restarts);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        if (priors == null) {
            throw new IllegalArgumentException("priors must not be null");
        }
    }

    public static GpFitOptions defaults() {
        return new GpFitOptions(DEFAULT_RESTARTS, DEFAULT_MAX_ITERATIONS, GpPriors.defaults(), 0);
    }

    public GpFitOptions withRestarts(int restarts) {
        return new GpFitOptions(restarts, maxIterations, priors, seed);
    }

    public GpFitOptions withMaxIterations(int maxIterations) {
        return new GpFitOptions(restarts, maxIterations, priors, seed);
    }

    public GpFitOptions withPriors(GpPriors priors) {
        return new GpFitOptions(restarts, maxIterations, priors, seed);
    }

    public GpFitOptions withSeed(long seed) {
        return new GpFitOptions(restarts, maxIterations, priors, seed);
    }
}
