package dev.densify.study;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a study's configuration and trials persist: {@link StudyStore} (an SQLite file owned by one
 * process) or {@link PostgresStudyStore} (a PostgreSQL database shared by any number of worker
 * processes, {@link SharedStudyStorage}). Every state change is one transaction; a process killed
 * at any moment leaves every trial in its last committed state.
 */
public interface StudyStorage extends AutoCloseable {

    /** A trial to add: how it was proposed, its parameters (by name, in order) and its seed. */
    record NewTrial(String origin, Map<String, Double> parameters, long seed) {
    }

    /** Where the study lives, for messages ({@code sqlite:PATH} or {@code postgresql://…#name}). */
    String location();

    /** The study's configuration (with the latest budget). */
    StudyConfig config();

    /** All trials, by number. */
    List<TrialRecord> trials();

    /** One trial. */
    Optional<TrialRecord> trial(int number);

    /**
     * Puts trials left RUNNING by a process that died back to PENDING (one transaction); only for a
     * storage that one process owns.
     *
     * @return their numbers
     */
    List<Integer> requeueRunning();

    /** Records new PENDING trials, numbered after the last one; one transaction. */
    List<TrialRecord> addPending(List<NewTrial> trials);

    /** PENDING → RUNNING (attempts + 1, started = now, no error); one transaction. */
    TrialRecord markRunning(int number);

    /**
     * RUNNING → COMPLETE with the results; one transaction.
     *
     * @throws IllegalStateException the trial is not RUNNING (for this worker)
     */
    TrialRecord markComplete(int number, double objective, List<Double> learningCurve, Map<String, Double> metrics);

    /**
     * RUNNING → FAILED with the error text; one transaction.
     *
     * @throws IllegalStateException the trial is not RUNNING (for this worker)
     */
    TrialRecord markFailed(int number, String error);

    /** Closes the connection (and releases what the storage holds); idempotent. */
    @Override
    void close();
}
