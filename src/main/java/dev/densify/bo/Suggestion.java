package dev.densify.bo;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link BayesianOptimizer#suggest} proposes.
 *
 * @param points           q points of the search space, to evaluate next (copied)
 * @param phase            where they came from
 * @param acquisitionValue log NEI of the whole batch (outcome units); NaN in the initial design
 * @param hyperparameters  the fitted GP's hyperparameters; null in the initial design
 */
public record Suggestion(List<double[]> points, Phase phase, double acquisitionValue,
                         GpHyperparameters hyperparameters) {

    /** Where suggestions come from. */
    public enum Phase {
        /** Sobol points, while there are fewer observations than the initial design size. */
        INITIAL_DESIGN,
        /** Maximisers of qLogNEI under the fitted GP. */
        MODEL
    }

    public Suggestion {
        List<double[]> copy = new ArrayList<>();
        for (double[] p : points) {
            copy.add(p.clone());
        }
        points = List.copyOf(copy);
    }

    @Override
    public List<double[]> points() {
        List<double[]> copy = new ArrayList<>();
        for (double[] p : points) {
            copy.add(p.clone());
        }
        return copy;
    }
}
