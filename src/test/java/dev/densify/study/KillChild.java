package dev.densify.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Child process of {@link StudyKillTest}: runs a study whose objective, in trial {@code sleepTrial}
 * (with replicates: in its second run), writes a marker file and then sleeps (until it is killed).
 * Arguments: RUN trials sleepTrial marker [seedsPerTrial].
 */
public final class KillChild {

    private KillChild() {
    }

    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        int trials = Integer.parseInt(args[1]);
        int sleepTrial = Integer.parseInt(args[2]);
        Path marker = Path.of(args[3]);
        int seeds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        StudyConfig config = StudyKillTest.config(trials).withSeedsPerTrial(seeds);
        Synthetic f = new Synthetic(config.componentIds(), StudyTest.TARGET3, 0.01, Set.of(), 1);
        TrialObjective sleepy = (spec, listener) -> {
            if (spec.number() == sleepTrial && (seeds == 1 || spec.trialDirectory().endsWith("seed-1"))) {
                Files.writeString(spec.trialDirectory().resolve("partial.txt"), "half-way");
                Files.writeString(marker, "started");
                Thread.sleep(300_000);
            }
            return f.run(spec, listener);
        };
        try (Study study = Study.open(run, config, System.err)) {
            study.run(sleepy);
        }
        System.exit(3); // never reached in the test: the process is killed
    }
}
