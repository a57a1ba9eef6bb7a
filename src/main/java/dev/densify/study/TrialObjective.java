package dev.densify.study;

/**
 * The inner level of the bilevel loop: trains a policy with the candidate's blend weights (and
 * extras) and scores it. The study calls {@link #run} once per trial and seed; the PPO objective
 * is made by {@link PpoObjectiveFactory}; tests use synthetic functions.
 *
 * <p>A run that throws is recorded as a failed trial (class and message) and the study goes on.
 * A run may be interrupted at any moment by the death of the process; it is then re-run from the
 * start with the same {@link TrialSpec} (same parameters, seed and, emptied, directory).
 */
@FunctionalInterface
public interface TrialObjective {

    /**
     * Runs one trial.
     *
     * @param spec     the candidate, the seed and the directory to write to
     * @param listener progress callbacks (never null)
     * @return the scores; the objective (or, for {@link ObjectiveKind#AREA_UNDER_CURVE}, the
     *         learning curve) must be finite
     * @throws Exception anything: the trial is recorded as failed
     */
    TrialOutcome run(TrialSpec spec, TrialListener listener) throws Exception;

    /**
     * How many runs this objective can execute at the same time in different threads. The study
     * runs min({@link StudyConfig#parallel()}, this) trials of a batch concurrently, and the
     * replicates of a trial ({@link StudyConfig#seedsPerTrial()}) concurrently within the share
     * of it that each running trial has; the default 1 runs them one after the other. The PPO
     * objective keeps 1: each run already spreads its work over the CPU's cores (inter-op pieces),
     * and two runs side by side on 2 cores gave the same numbers in the same time (measured).
     */
    default int concurrency() {
        return 1;
    }
}
