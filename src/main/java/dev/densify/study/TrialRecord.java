package dev.densify.study;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trial as stored in a {@link StudyStorage}.
 *
 * @param number        0, 1, … in the order the trials were proposed
 * @param state         where it is
 * @param origin        how it was proposed: {@value #FIXED} (one of the study's fixed blends, run
 *                      first), {@value #SOBOL} (initial design, or after the model failed:
 *                      {@value #SOBOL_FALLBACK}), {@value #MODEL} (qLogNEI) or {@value #RETRY}
 *                      (a shared study's lost trial run again)
 * @param parameters    the candidate by name, in the search space's order (weights by
 *                      component id, then extras)
 * @param seed          the trial's seed (with several seeds per trial, the runs' seeds derive from it)
 * @param objective     the objective (mean over seeds) when COMPLETE, else NaN
 * @param learningCurve the learning curve (pointwise mean over seeds) when COMPLETE, else empty
 * @param metrics       further numbers when COMPLETE (means over seeds), else empty
 * @param error         the failure ({@code ExceptionClass: message}) when FAILED, else null
 * @param attempts      how many times it was started (more than 1: it was interrupted and re-run)
 * @param created       when it was proposed
 * @param started       when its last attempt started (null: never)
 * @param finished      when it finished (null: not finished)
 */
public record TrialRecord(int number, TrialState state, String origin, Map<String, Double> parameters, long seed,
                          double objective, List<Double> learningCurve, Map<String, Double> metrics, String error,
                          int attempts, Instant created, Instant started, Instant finished) {

    public static final String SOBOL = "sobol";
    public static final String SOBOL_FALLBACK = "sobol-fallback";
    public static final String MODEL = "model";
    public static final String FIXED = "fixed";
    /** A lost trial (its worker stopped beating) run again with the same parameters and seed. */
    public static final String RETRY = "retry";

    public TrialRecord {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        learningCurve = learningCurve == null ? List.of() : List.copyOf(learningCurve);
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The candidate as a point of the search space with coordinates {@code names}. */
    public double[] point(List<String> names) {
        double[] p = new double[names.size()];
        for (int i = 0; i < p.length; i++) {
            Double v = parameters.get(names.get(i));
            if (v == null) {
                throw new IllegalStateException("trial " + number + " has no parameter '" + names.get(i) + "'");
            }
            p[i] = v;
        }
        return p;
    }

    /** Seconds from the last start to the end, or NaN. */
    public double durationSeconds() {
        if (started == null || finished == null) {
            return Double.NaN;
        }
        return (finished.toEpochMilli() - started.toEpochMilli()) / 1000.0;
    }
}
