package dev.densify.study;

import dev.densify.attribution.AttributionMethod;
import dev.densify.shaping.ShapingWeights;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What one run of a {@link TrialObjective} is asked to do.
 *
 * @param number         the trial's number in the study (0, 1, …)
 * @param parameters     the candidate, by name, in the search space's order: the blend weight of
 *                       each blended component by {@link AttributionMethod#id()} (on the simplex: ≥ 0,
 *                       summing to 1), then extras such as {@value StudyConfig#KL_COEF} and
 *                       {@value StudyConfig#LEARNING_RATE} when the study searches them (unmodifiable)
 * @param seed           the seed of every random choice of this run (a trial with several seeds
 *                       runs the objective once per seed, each with its own seed and directory)
 * @param trialDirectory an existing, empty directory the run may write to (checkpoints, metrics,
 *                       {@code samples.json} for the report's token heat maps)
 */
public record TrialSpec(int number, Map<String, Double> parameters, long seed, Path trialDirectory) {

    public TrialSpec {
        if (number < 0) {
            throw new IllegalArgumentException("trial number must be >= 0, got " + number);
        }
        if (parameters == null || trialDirectory == null) {
            throw new IllegalArgumentException("parameters and trialDirectory must not be null");
        }
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * The blend weights: every parameter named by a component id; components the study does not
     * blend weigh 0.
     *
     * @throws IllegalArgumentException when the named weights are not on the simplex
     */
    public ShapingWeights weights() {
        EnumMap<AttributionMethod, Double> w = new EnumMap<>(AttributionMethod.class);
        for (AttributionMethod c : AttributionMethod.values()) {
            Double v = parameters.get(c.id());
            if (v != null) {
                w.put(c, Math.max(0, v));
            }
        }
        return new ShapingWeights(w);
    }

    /** A parameter other than a weight (e.g. {@value StudyConfig#KL_COEF}), when the study searches it. */
    public OptionalDouble extra(String name) {
        Double v = parameters.get(name);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
