package dev.densify.bo;

/**
 * Options of {@link BayesianOptimizer}. The seeds inside the nested options are not used: every
 * random stream of a call is derived from {@link #seed()} and the number of observations.
 *
 * @param initialDesignSize Sobol points before the model takes over; 0 means 2·d + 1 with d the
 *                          space's unit dimension (default 0)
 * @param model             GP fitting (default {@link GpFitOptions#defaults()})
 * @param acquisition       qLogNEI (default {@link LogNoisyExpectedImprovement.Options#defaults()})
 * @param optimizer         raw samples, restarts, local searches (default {@link AcquisitionOptimizer.Options#defaults()})
 * @param sampleAroundBest  add perturbations of the best observed points (by posterior mean) to
 *                          the raw samples, as BoTorch's {@code sample_around_best} (default true)
 * @param seed              the seed of everything random
 */
public record BayesianOptimizerOptions(int initialDesignSize, GpFitOptions model,
                                       LogNoisyExpectedImprovement.Options acquisition,
                                       AcquisitionOptimizer.Options optimizer, boolean sampleAroundBest, long seed) {

    public BayesianOptimizerOptions {
        if (initialDesignSize < 0) {
            throw new IllegalArgumentException("initialDesignSize must be >= 0 (0: automatic), got "
                    + initialDesignSize);
        }
        if (model == null || acquisition == null || optimizer == null) {
            throw new IllegalArgumentException("model, acquisition and optimizer must not be null");
        }
    }

    public static BayesianOptimizerOptions defaults() {
        return new BayesianOptimizerOptions(0, GpFitOptions.defaults(), LogNoisyExpectedImprovement.Options.defaults(),
                AcquisitionOptimizer.Options.defaults(), true, 0);
    }

    /** The initial design size for a space of unit dimension {@code d}. */
    public int initialDesignSize(int d) {
        return initialDesignSize > 0 ? initialDesignSize : 2 * d + 1;
    }

    public BayesianOptimizerOptions withInitialDesignSize(int initialDesignSize) {
        return new BayesianOptimizerOptions(initialDesignSize, model, acquisition, optimizer, sampleAroundBest, seed);
    }

    public BayesianOptimizerOptions withModel(GpFitOptions model) {
        return new BayesianOptimizerOptions(initialDesignSize, model, acquisition, optimizer, sampleAroundBest, seed);
    }

    public BayesianOptimizerOptions withAcquisition(LogNoisyExpectedImprovement.Options acquisition) {
        return new BayesianOptimizerOptions(initialDesignSize, model, acquisition, optimizer, sampleAroundBest, seed);
    }

    public BayesianOptimizerOptions withOptimizer(AcquisitionOptimizer.Options optimizer) {
        return new BayesianOptimizerOptions(initialDesignSize, model, acquisition, optimizer, sampleAroundBest, seed);
    }

    public BayesianOptimizerOptions withSampleAroundBest(boolean sampleAroundBest) {
        return new BayesianOptimizerOptions(initialDesignSize, model, acquisition, optimizer, sampleAroundBest, seed);
    }

    public BayesianOptimizerOptions withSeed(long seed) {
        return new BayesianOptimizerOptions(initialDesignSize, model, acquisition, optimizer, sampleAroundBest, seed);
    }
}
