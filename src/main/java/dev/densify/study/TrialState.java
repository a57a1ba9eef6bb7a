package dev.densify.study;

/** The life of a trial in the {@link StudyStore}. */
public enum TrialState {
    /** Proposed and recorded, not started (or interrupted and re-queued). */
    PENDING,
    /** Started; a trial found RUNNING when a study opens was interrupted and goes back to PENDING. */
    RUNNING,
    /** Finished with a finite objective; never re-run. */
    COMPLETE,
    /** Finished with an error; never re-run, not shown to the optimiser. */
    FAILED;

    /** Whether the trial is finished (complete or failed). */
    public boolean finished() {
        return this == COMPLETE || this == FAILED;
    }
}
