package dev.densify.study;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A study storage that several worker processes, on any machines, use at once. Each worker
 * registers, beats its heart while it lives, and claims one trial at a time; a trial whose worker
 * stopped beating for that worker's grace period is marked FAILED ("lost") and, unless it already
 * was a retry, retried once under a new number with the same parameters and seed
 * ({@value TrialRecord#RETRY}). The budget ({@link StudyConfig#trials()}) counts every trial but
 * the lost trials that were retried, so it is exact however many workers share it.
 */
public interface SharedStudyStorage extends StudyStorage {

    /** A worker of the study as the storage sees it. */
    record Worker(String id, String host, long pid, Instant started, Instant heartbeat, Duration grace, String state,
                  Duration sinceHeartbeat) {
        /** Registered and beating within its grace period. */
        public static final String ALIVE = "alive";
        /** Stopped beating for longer than its grace period; its trial was given up. */
        public static final String LOST = "lost";
        /** Left the study normally. */
        public static final String STOPPED = "stopped";
    }

    /** What {@link #claim} gives a worker. */
    sealed interface Claim {
        /** A trial, now RUNNING for this worker. */
        record Trial(TrialRecord trial) implements Claim {
        }

        /** Nothing to run now; trials of other workers are running (some may be retried). */
        record Wait() implements Claim {
        }

        /** The budget is finished. */
        record Done() implements Claim {
        }
    }

    /**
     * Proposes the next trial from all trials so far (those RUNNING or PENDING elsewhere are
     * pending points), called while this worker holds the study's proposal lock.
     */
    @FunctionalInterface
    interface Proposer extends Function<List<TrialRecord>, NewTrial> {
    }

    /** This process's worker id. */
    String workerId();

    /** Registers this worker, with the grace period after which its trials count as lost. */
    void register(Duration grace);

    /** Records that this worker is alive (its own connection: callable from a timer thread). */
    void heartbeat();

    /** Marks this worker stopped (it leaves the study normally). */
    void unregister();

    /**
     * Gives up the trials of lost workers (FAILED, retried once), then claims the lowest PENDING
     * trial no other worker is claiming, or, when none is left and the budget allows, records the
     * proposer's trial as RUNNING for this worker; one transaction per step.
     */
    Claim claim(Proposer proposer);

    /** Where the storage reports what it did on its own (reconnections); null: nowhere. */
    void onNotice(java.util.function.Consumer<String> sink);

    /** The study's workers, by registration. */
    List<Worker> workers();

    /** Which worker last ran each trial that was started. */
    Map<Integer, String> trialWorkers();

    /** The lost trials that were retried: trial number → the number of its retry. */
    Map<Integer, Integer> retries();
}
