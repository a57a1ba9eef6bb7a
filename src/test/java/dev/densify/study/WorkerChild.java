package dev.densify.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * A worker process of {@link PostgresStudyTest}: joins study {@code name} in the database and runs
 * {@link Synthetic} trials (each sleeping {@code sleepMs}) until the budget is finished. With a
 * marker path, its first trial writes the trial's number there and hangs (until the test kills
 * it). Arguments: URL name RUN sleepMs graceMs [marker].
 */
public final class WorkerChild {

    private WorkerChild() {
    }

    public static void main(String[] args) throws Exception {
        StorageUrl url = StorageUrl.parse(args[0]);
        String name = args[1];
        Path run = Path.of(args[2]);
        long sleepMs = Long.parseLong(args[3]);
        long graceMs = Long.parseLong(args[4]);
        Path marker = args.length > 5 ? Path.of(args[5]) : null;
        PostgresStudyStore store = PostgresStudyStore.open(url, name, null);
        Synthetic f = new Synthetic(store.config().componentIds(), StudyTest.TARGET3, 0.01, Set.of(), 1);
        TrialObjective objective = (spec, listener) -> {
            if (marker != null) {
                Files.writeString(marker, Integer.toString(spec.number()));
                Thread.sleep(300_000);
            }
            Thread.sleep(sleepMs);
            return f.run(spec, listener);
        };
        try (Study study = Study.open(run, store, System.err)
                .withWorkerTiming(Duration.ofMillis(graceMs), Duration.ofMillis(100))) {
            study.run(objective);
        }
        System.exit(0);
    }
}
