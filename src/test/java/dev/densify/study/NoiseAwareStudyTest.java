package dev.densify.study;

import dev.densify.bo.GaussianProcess;
import dev.densify.bo.GpHyperparameters;
import dev.densify.bo.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicated trials: the noise of a synthetic objective of known σ is recovered from them, the
 * model takes each trial's mean with its standard error, the report states the uncertainty with
 * the noise included, warns when the noise dominates, and compares with the fixed blends; the
 * reward − c·KL objective.
 */
class NoiseAwareStudyTest {

    @TempDir
    Path tmp;

    static final double SIGMA = 0.2;

    @Test
    void replicatesRecoverTheNoiseAndTheReportCarriesIt() throws Exception {
        StudyConfig config = StudyTest.three(12).withSeedsPerTrial(3)
                .withFixedBlends(List.of(Map.of("sparse", 1.0), Map.of("shap", 1.0)));
        Synthetic f = new Synthetic(config.componentIds(), StudyTest.TARGET3, SIGMA, Set.of(), 1);
        Path run = tmp.resolve("run");
        Study.Result r;
        try (Study study = Study.open(run, config, null)) {
            r = study.run(f);
        }
        assertEquals(12, r.complete());
        assertEquals(TrialRecord.FIXED, r.trials().get(0).origin());
        assertEquals(TrialRecord.FIXED, r.trials().get(1).origin());
        assertEquals(1.0, r.trials().get(0).parameters().get("sparse"));
        assertEquals(1.0, r.trials().get(1).parameters().get("shap"));
        assertEquals(TrialRecord.SOBOL, r.trials().get(2).origin());
        // 12 trials of 3 runs: 24 degrees of freedom; σ̂/σ has a standard error of about 1/sqrt(48), 14%.
        Replicates replicates = Replicates.of(r.trials());
        assertEquals(24, replicates.degreesOfFreedom());
        assertEquals(SIGMA, replicates.runSd(), 0.35 * SIGMA, "pooled sd " + replicates.runSd());
        // The model's noise at each observed point covers the standard error of its replicates.
        List<Observation> obs = replicates.observations(r.trials(), config.searchSpace().names());
        GaussianProcess gp = Study.optimizer(config).fitModel(obs);
        for (int i = 0; i < obs.size(); i++) {
            TrialRecord t = r.trials().get(i);
            double se = Replicates.sd(t) / Math.sqrt(3);
            double var = gp.predict(config.searchSpace().features(obs.get(i).point())).variance();
            double predictive = Math.sqrt(var + gp.observationNoiseVariance(i));
            assertTrue(predictive >= se, "trial " + i + ": predictive sd " + predictive + " < standard error " + se);
            assertTrue(obs.get(i).noiseVariance() >= replicates.pooledVariance() / 3 - 1e-12);
        }
        StudyReport.Summary s = StudyReport.write(run);
        StudyReport.Best b = s.recommended().orElseThrow();
        assertTrue(b.predictiveSd() > b.posteriorSd());
        StudyReport.Noise noise = s.noise().orElseThrow();
        assertEquals(replicates.runSd(), noise.runSd(), 1e-12);
        StudyReport.VersusFixed v = s.versusFixed().orElseThrow();
        assertTrue(v.fixedTrial() == 0 || v.fixedTrial() == 1);
        assertTrue(v.probability() >= 0 && v.probability() <= 1);
        // The target (0.2, 0.5, 0.3) is far from both vertices: the model should be fairly sure.
        assertTrue(v.same() || v.probability() > 0.5, "P = " + v.probability());
        String json = s.toJson().toString();
        assertTrue(json.contains("\"versus_fixed\"") && json.contains("\"predictive_sd\"") && json.contains("\"run_sd\""));
        String html = Files.readString(run.resolve(StudyReport.FILE));
        assertTrue(html.contains("a rerun ± sd") && html.contains("beat the best fixed blend") && html.contains("runs' sd"));
    }

    @Test
    void noiseAsLargeAsTheSpreadIsWarnedAbout() throws Exception {
        StudyConfig config = StudyTest.three(8).withSeedsPerTrial(2);
        // σ = 10 on a quadratic whose values span about 4 over the simplex: the spread is the noise's.
        Synthetic f = new Synthetic(config.componentIds(), StudyTest.TARGET3, 10.0, Set.of(), 1);
        Path run = tmp.resolve("noisy");
        try (Study study = Study.open(run, config, null)) {
            study.run(f);
        }
        StudyReport.Summary s = StudyReport.write(run);
        StudyReport.Noise noise = s.noise().orElseThrow();
        assertTrue(noise.warning(), "noise " + noise);
        assertTrue(s.text().contains("warning: the objective's noise"), s.text());
        assertTrue(Files.readString(run.resolve(StudyReport.FILE)).contains("Warning:"));
        // A nearly noiseless one is not.
        Path quiet = tmp.resolve("quiet");
        try (Study study = Study.open(quiet, config, null)) {
            study.run(new Synthetic(config.componentIds(), StudyTest.TARGET3, 0.001, Set.of(), 1));
        }
        assertFalse(StudyReport.write(quiet).noise().orElseThrow().warning());
    }

    @Test
    void knownNoiseEntersTheGpAsADiagonal() {
        // Fixed hyperparameters: the posterior with known noise equals the closed form with
        // K + (σ² + n_i) I, computed here for two points.
        double[][] x = {{0.1}, {0.7}};
        double[] y = {1.0, -0.5};
        double[] noise = {0.3, 0.05};
        GpHyperparameters h = new GpHyperparameters(new double[]{0.4}, 1.3, 0.01, 0.2);
        GaussianProcess gp = GaussianProcess.withHyperparameters(x, y, noise, h);
        // On the standardised scale: z = (y − m)/s, known noise n/s².
        double m = (y[0] + y[1]) / 2;
        double sd = gp.standardization().std();
        double[] z = {(y[0] - m) / sd, (y[1] - m) / sd};
        double k01 = matern(Math.abs(x[0][0] - x[1][0]) / 0.4, 1.3);
        double a = 1.3 + 0.01 + noise[0] / (sd * sd);
        double d = 1.3 + 0.01 + noise[1] / (sd * sd);
        double det = a * d - k01 * k01;
        double[] r = {z[0] - 0.2, z[1] - 0.2};
        double[] alpha = {(d * r[0] - k01 * r[1]) / det, (-k01 * r[0] + a * r[1]) / det};
        double[] xs = {0.4};
        double k0 = matern(Math.abs(xs[0] - x[0][0]) / 0.4, 1.3);
        double k1 = matern(Math.abs(xs[0] - x[1][0]) / 0.4, 1.3);
        double meanZ = 0.2 + k0 * alpha[0] + k1 * alpha[1];
        double quad = (d * k0 * k0 - 2 * k01 * k0 * k1 + a * k1 * k1) / det;
        double varZ = 1.3 - quad;
        GaussianProcess.Prediction p = gp.predict(xs);
        assertEquals(m + sd * meanZ, p.mean(), 1e-10);
        assertEquals(sd * sd * varZ, p.variance(), 1e-10);
        assertEquals(noise[1] + sd * sd * 0.01, gp.observationNoiseVariance(1), 1e-10);
    }

    private static double matern(double r, double scale) {
        double s5 = Math.sqrt(5) * r;
        return scale * (1 + s5 + 5.0 / 3.0 * r * r) * Math.exp(-s5);
    }

    @Test
    void rewardMinusKlIsTheFinalScoreNetOfTheKlPenalty() {
        TrialOutcome o = new TrialOutcome(2.0, List.of(1.0, 2.0), Map.of("final_kl", 5.0));
        assertEquals(2.0 - 0.1 * 5.0, ObjectiveKind.REWARD_MINUS_KL.value(o, 0.1), 1e-15);
        assertEquals(2.0, ObjectiveKind.FINAL.value(o, 0.1));
        assertEquals(1.5, ObjectiveKind.AREA_UNDER_CURVE.value(o, 0.1));
        assertEquals(ObjectiveKind.REWARD_MINUS_KL, ObjectiveKind.parse("Reward-Minus-KL"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ObjectiveKind.REWARD_MINUS_KL.value(TrialOutcome.of(1), 0.1));
        assertTrue(e.getMessage().contains("final_kl"), e.getMessage());
    }

    @Test
    void anInterruptedTrialKeepsItsFinishedReplicates() throws Exception {
        StudyConfig config = StudyTest.three(3).withSeedsPerTrial(3);
        Synthetic f = new Synthetic(config.componentIds(), StudyTest.TARGET3, SIGMA, Set.of(), 1);
        java.util.List<Long> runSeeds = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        TrialObjective interrupting = (spec, listener) -> {
            if (calls.incrementAndGet() == 2) { // trial 0's second run: as if the process were stopped
                throw new InterruptedException("stopped");
            }
            runSeeds.add(spec.seed());
            return f.run(spec, listener);
        };
        Path run = tmp.resolve("interrupted");
        try (Study study = Study.open(run, config, null)) {
            org.junit.jupiter.api.Assertions.assertThrows(InterruptedException.class, () -> study.run(interrupting));
        }
        assertTrue(Files.isRegularFile(Study.trialDirectory(run, 0).resolve("seed-0").resolve(Study.OUTCOME_FILE)));
        TrialObjective counting = (spec, listener) -> {
            runSeeds.add(spec.seed());
            return f.run(spec, listener);
        };
        Study.Result resumed;
        try (Study study = Study.open(run, config, null)) {
            resumed = study.run(counting);
        }
        assertEquals(9, runSeeds.size(), "every run once: " + runSeeds);
        assertEquals(9, Set.copyOf(runSeeds).size(), "no run twice: " + runSeeds);
        Study.Result straight;
        try (Study study = Study.open(tmp.resolve("straight"), config, null)) {
            straight = study.run(new Synthetic(config.componentIds(), StudyTest.TARGET3, SIGMA, Set.of(), 1));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(straight.trials().get(i).objective(), resumed.trials().get(i).objective(), "trial " + i);
            assertEquals(straight.trials().get(i).metrics(), resumed.trials().get(i).metrics(), "trial " + i);
        }
    }

    /** A trial that fails on the file system says on which file and what went wrong (not a bare class name). */
    @Test
    void fileSystemErrorsOfATrialAreDescribed() {
        assertEquals("java.nio.file.AccessDeniedException: file system error on /run/trials/0001: access denied",
                Study.describe(new java.nio.file.AccessDeniedException("/run/trials/0001")));
        assertEquals("java.nio.file.FileSystemException: file system error on /a and /b: Read-only file system",
                Study.describe(new java.nio.file.FileSystemException("/a", "/b", "Read-only file system")));
        assertTrue(Study.describe(new java.nio.file.FileSystemException("/a")).endsWith("(FileSystemException)"));
    }

    /**
     * An objective that can run two runs at once gets a trial's replicates side by side (each
     * replicate waits for the other to have started), with the numbers of one after the other.
     */
    @Test
    void replicatesRunSideBySideWithTheSameNumbers() throws Exception {
        StudyConfig config = StudyTest.three(3).withSeedsPerTrial(2);
        Synthetic f = new Synthetic(config.componentIds(), StudyTest.TARGET3, SIGMA, Set.of(), 1);
        java.util.Map<Integer, java.util.concurrent.CountDownLatch> started = new java.util.concurrent.ConcurrentHashMap<>();
        TrialObjective sideBySide = new TrialObjective() {
            @Override
            public TrialOutcome run(TrialSpec spec, TrialListener listener) throws Exception {
                var latch = started.computeIfAbsent(spec.number(), n -> new java.util.concurrent.CountDownLatch(2));
                latch.countDown();
                assertTrue(latch.await(30, java.util.concurrent.TimeUnit.SECONDS), "the replicates ran one by one");
                return f.run(spec, listener);
            }

            @Override
            public int concurrency() {
                return 2;
            }
        };
        Study.Result together;
        try (Study study = Study.open(tmp.resolve("together"), config, null)) {
            together = study.run(sideBySide);
        }
        Study.Result apart;
        try (Study study = Study.open(tmp.resolve("apart"), config, null)) {
            apart = study.run(new Synthetic(config.componentIds(), StudyTest.TARGET3, SIGMA, Set.of(), 1));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(apart.trials().get(i).objective(), together.trials().get(i).objective(), "trial " + i);
            assertEquals(apart.trials().get(i).metrics(), together.trials().get(i).metrics(), "trial " + i);
        }
    }
}
