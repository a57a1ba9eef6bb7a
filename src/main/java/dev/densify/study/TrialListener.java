package dev.densify.study;

/**
 * Progress of one running trial, for progress bars; called from the thread running the trial.
 * Implementations must be cheap and must not throw.
 */
@FunctionalInterface
public interface TrialListener {

    /** Ignores everything. */
    TrialListener NONE = (step, total, metric, value) -> { };

    /**
     * @param step   units of work done so far (e.g. PPO steps), ≥ 0
     * @param total  units of work in the whole run, ≥ 0 (0: unknown)
     * @param metric the name of a metric to show (e.g. "reward"), or null
     * @param value  its current value (NaN: none)
     */
    void progress(long step, long total, String metric, double value);
}
