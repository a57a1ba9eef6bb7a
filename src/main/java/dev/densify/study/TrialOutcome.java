package dev.densify.study;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of a {@link TrialObjective} measured; larger is better.
 *
 * @param objective     the final score of the trained policy (e.g. the mean reward-model score
 *                      on held-out prompts); used by {@link ObjectiveKind#FINAL}; must be finite
 * @param learningCurve the validation score at each evaluation during training, in order, equally
 *                      spaced in steps; used by {@link ObjectiveKind#AREA_UNDER_CURVE} (copied;
 *                      null = empty)
 * @param metrics       anything else worth keeping (final KL, mean response length, wall time…)
 *                      (copied; null = empty)
 */
public record TrialOutcome(double objective, List<Double> learningCurve, Map<String, Double> metrics) {

    public TrialOutcome {
        learningCurve = learningCurve == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(learningCurve));
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** An outcome with a final score only. */
    public static TrialOutcome of(double objective) {
        return new TrialOutcome(objective, List.of(), Map.of());
    }
}
