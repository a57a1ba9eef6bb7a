package dev.densify.bo;

/** How {@link BayesianOptimizer} chooses q > 1 candidates. */
public enum BatchStrategy {
    /**
     * One at a time (BoTorch's {@code optimize_acqf(..., sequential=True)}): candidate k
     * maximises qLogNEI of itself with candidates 1..k−1 as pending points, i.e. the joint
     * log NEI of the batch so far. q local searches in d dimensions; the default.
     */
    SEQUENTIAL_GREEDY,
    /** All q together: one search over q·d coordinates of the joint qLogNEI. */
    JOINT
}
