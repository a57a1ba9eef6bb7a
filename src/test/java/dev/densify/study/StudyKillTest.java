package dev.densify.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A study killed with SIGKILL in the middle of a trial resumes without losing or repeating trials. */
class StudyKillTest {

    static final int TRIALS = 8;
    static final int KILLED_TRIAL = 3;

    @TempDir
    Path tmp;

    static StudyConfig config(int trials) {
        return StudyTest.three(trials).withSeed(21);
    }

    /**
     * Runs {@link KillChild} on {@code run} with {@code seeds} per trial until it writes
     * {@code marker} (trial {@value #KILLED_TRIAL} has started, in its second run with replicates),
     * then kills it with SIGKILL; returns it, dead.
     */
    private Process killMidTrial(Path run, Path marker, int seeds) throws Exception {
        Path childLog = tmp.resolve(run.getFileName() + "-child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), KillChild.class.getName(),
                run.toString(), Integer.toString(TRIALS), Integer.toString(KILLED_TRIAL), marker.toString(),
                Integer.toString(seeds))
                .redirectErrorStream(true).redirectOutput(childLog.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(marker)) {
                if (!child.isAlive()) {
                    fail("the child exited with " + child.exitValue() + " before trial " + KILLED_TRIAL
                            + " started:\n" + Files.readString(childLog));
                }
                if (System.nanoTime() > deadline) {
                    fail("trial " + KILLED_TRIAL + " did not start in time:\n" + Files.readString(childLog));
                }
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor(30, TimeUnit.SECONDS);
        }
        return child;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sigkillMidTrialThenResume() throws Exception {
        Path run = tmp.resolve("run");
        Process child = killMidTrial(run, tmp.resolve("trial-started"), 1);
        assertFalse(child.isAlive());
        assertEquals(137, child.exitValue(), "killed by SIGKILL");

        // what the killed process left: 0..2 complete, 3 running
        List<TrialRecord> left;
        try (StudyStore store = StudyStore.openReadOnly(run.resolve(Study.DATABASE))) {
            left = store.trials();
        }
        assertEquals(KILLED_TRIAL + 1, left.size(), left.toString());
        for (int i = 0; i < KILLED_TRIAL; i++) {
            assertEquals(TrialState.COMPLETE, left.get(i).state());
        }
        TrialRecord interrupted = left.get(KILLED_TRIAL);
        assertEquals(TrialState.RUNNING, interrupted.state());
        assertEquals(1, interrupted.attempts());
        assertTrue(Files.exists(Study.trialDirectory(run, KILLED_TRIAL).resolve("partial.txt")));

        // resume in this process
        StudyConfig config = config(TRIALS);
        Synthetic f = new Synthetic(config.componentIds(), StudyTest.TARGET3, 0.01, Set.of(), 1);
        var logBytes = new java.io.ByteArrayOutputStream();
        Study.Result r;
        try (Study study = Study.open(run, config, new java.io.PrintStream(logBytes, true))) {
            r = study.run(f);
        }
        String log = logBytes.toString();
        assertTrue(log.contains("interrupted trial [3] re-queued"), log);

        List<Integer> expectedCalls = new ArrayList<>();
        for (int i = KILLED_TRIAL; i < TRIALS; i++) {
            expectedCalls.add(i);
        }
        assertEquals(expectedCalls, f.calls, "finished trials must not run again; the interrupted one must");
        assertEquals(TRIALS, r.trials().size());
        assertEquals(TRIALS, r.complete());
        for (int i = 0; i < TRIALS; i++) {
            assertEquals(i, r.trials().get(i).number());
        }
        for (int i = 0; i < KILLED_TRIAL; i++) {
            assertEquals(left.get(i), r.trials().get(i), "finished trial " + i + " changed");
        }
        TrialRecord rerun = r.trials().get(KILLED_TRIAL);
        assertEquals(interrupted.parameters(), rerun.parameters());
        assertEquals(interrupted.seed(), rerun.seed());
        assertEquals(interrupted.origin(), rerun.origin());
        assertEquals(2, rerun.attempts());
        assertFalse(Files.exists(Study.trialDirectory(run, KILLED_TRIAL).resolve("partial.txt")),
                "the interrupted attempt's files are cleared");

        // the same study without the kill gives the same trials
        Path reference = tmp.resolve("reference");
        try (Study study = Study.open(reference, config, null)) {
            List<TrialRecord> ref = study.run(Synthetic.of(config, StudyTest.TARGET3)).trials();
            for (int i = 0; i < TRIALS; i++) {
                assertEquals(ref.get(i).parameters(), r.trials().get(i).parameters(), "trial " + i);
                assertEquals(ref.get(i).objective(), r.trials().get(i).objective(), "trial " + i);
            }
        }
    }

    /**
     * With two seeds per trial, a SIGKILL in the second run of a trial: the first run's outcome is
     * kept, and after the resume every run of every trial has been done exactly once, with the
     * numbers of an uninterrupted study.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sigkillBetweenReplicatesLosesNoneAndRepeatsNone() throws Exception {
        Path run = tmp.resolve("replicated");
        killMidTrial(run, tmp.resolve("second-run-started"), 2);
        Path trial = Study.trialDirectory(run, KILLED_TRIAL);
        assertTrue(Files.isRegularFile(trial.resolve("seed-0").resolve(Study.OUTCOME_FILE)));
        assertFalse(Files.exists(trial.resolve("seed-1").resolve(Study.OUTCOME_FILE)));

        StudyConfig config = config(TRIALS).withSeedsPerTrial(2);
        List<String> runs = Collections.synchronizedList(new ArrayList<>());
        Synthetic f = new Synthetic(config.componentIds(), StudyTest.TARGET3, 0.01, Set.of(), 1);
        TrialObjective counting = (spec, listener) -> {
            runs.add(spec.number() + "/" + spec.trialDirectory().getFileName());
            return f.run(spec, listener);
        };
        Study.Result r;
        try (Study study = Study.open(run, config, null)) {
            r = study.run(counting);
        }
        List<String> expected = new ArrayList<>(List.of(KILLED_TRIAL + "/seed-1"));
        for (int i = KILLED_TRIAL + 1; i < TRIALS; i++) {
            expected.add(i + "/seed-0");
            expected.add(i + "/seed-1");
        }
        assertEquals(expected, runs, "the kept run must not run again, every other one once");
        try (Study study = Study.open(tmp.resolve("replicated-reference"), config, null)) {
            List<TrialRecord> ref = study.run(Synthetic.of(config, StudyTest.TARGET3)).trials();
            for (int i = 0; i < TRIALS; i++) {
                assertEquals(ref.get(i).objective(), r.trials().get(i).objective(), "trial " + i);
                assertEquals(ref.get(i).metrics(), r.trials().get(i).metrics(), "trial " + i);
            }
        }
    }
}
