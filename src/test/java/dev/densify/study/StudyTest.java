package dev.densify.study;

import dev.densify.attribution.AttributionMethod;
import dev.densify.testing.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyTest {

    @TempDir
    Path tmp;

    static final List<AttributionMethod> THREE = List.of(AttributionMethod.SPARSE, AttributionMethod.SHAP, AttributionMethod.LIME);
    static final double[] TARGET3 = {0.2, 0.5, 0.3};

    static StudyConfig three(int trials) {
        return StudyConfig.defaults(trials).withComponents(THREE).withSeed(5);
    }

    static void assertOnSimplex(TrialRecord t, List<String> names) {
        double sum = 0;
        for (String n : names) {
            double w = t.parameters().get(n);
            assertTrue(w >= 0, "trial " + t.number() + " weight " + n + " = " + w);
            sum += w;
        }
        assertTrue(Math.abs(sum - 1) < 1e-9, "trial " + t.number() + " sums to " + sum);
    }

    @Test
    void completesTheBudgetOnTheSimplexAndImprovesOnTheInitialDesign() throws Exception {
        StudyConfig config = three(14);
        Synthetic f = Synthetic.of(config, TARGET3);
        Study.Result r;
        try (Study study = Study.open(tmp.resolve("run"), config, null)) {
            r = study.run(f);
        }
        assertEquals(14, r.trials().size());
        assertEquals(14, r.complete());
        assertEquals(0, r.failed());
        int initial = config.resolvedInitialDesignSize();
        assertEquals(5, initial);
        double bestInitial = Double.NEGATIVE_INFINITY;
        double bestModel = Double.NEGATIVE_INFINITY;
        for (TrialRecord t : r.trials()) {
            assertOnSimplex(t, config.componentIds());
            assertEquals(List.copyOf(config.componentIds()), List.copyOf(t.parameters().keySet()));
            assertEquals(1, t.attempts());
            assertEquals(5, t.learningCurve().size());
            assertNotNull(t.finished());
            double v = f.trueValue(t.parameters());
            if (t.number() < initial) {
                assertEquals(TrialRecord.SOBOL, t.origin());
                bestInitial = Math.max(bestInitial, v);
            } else {
                assertEquals(TrialRecord.MODEL, t.origin());
                bestModel = Math.max(bestModel, v);
            }
        }
        assertTrue(bestModel > bestInitial, "model " + bestModel + " vs initial design " + bestInitial);
        assertTrue(Files.isRegularFile(tmp.resolve("run/config.json")));
        assertTrue(Files.isRegularFile(tmp.resolve("run/trials/0013/samples.json")));
        assertEquals(config, StudyConfig.read(tmp.resolve("run/config.json")));
    }

    @Test
    void parallelBatchesInThreadsAreDeterministic() throws Exception {
        StudyConfig config = three(9).withParallel(3).withInitialDesignSize(3);
        List<List<Map<String, Double>>> runs = new ArrayList<>();
        for (int concurrency : new int[] {3, 1}) {
            Synthetic f = new Synthetic(config.componentIds(), TARGET3, 0.01, Set.of(), concurrency);
            try (Study study = Study.open(tmp.resolve("run-" + concurrency), config, null)) {
                Study.Result r = study.run(f);
                assertEquals(9, r.complete());
                List<Map<String, Double>> params = new ArrayList<>();
                for (TrialRecord t : r.trials()) {
                    assertOnSimplex(t, config.componentIds());
                    params.add(t.parameters());
                }
                runs.add(params);
                assertEquals(List.of(TrialRecord.SOBOL, TrialRecord.SOBOL, TrialRecord.SOBOL, TrialRecord.MODEL,
                        TrialRecord.MODEL, TrialRecord.MODEL, TrialRecord.MODEL, TrialRecord.MODEL, TrialRecord.MODEL),
                        r.trials().stream().map(TrialRecord::origin).toList());
            }
        }
        assertEquals(runs.get(0), runs.get(1), "threads must not change the proposals");
    }

    @Test
    void aFailedTrialIsRecordedWithItsErrorAndTheStudyGoesOn() throws Exception {
        StudyConfig config = three(8);
        Synthetic f = new Synthetic(config.componentIds(), TARGET3, 0.01, Set.of(2, 6), 1);
        Study.Result r;
        try (Study study = Study.open(tmp.resolve("run"), config, null)) {
            r = study.run(f);
        }
        assertEquals(8, r.trials().size());
        assertEquals(6, r.complete());
        assertEquals(2, r.failed());
        for (int n : new int[] {2, 6}) {
            TrialRecord t = r.trials().get(n);
            assertEquals(TrialState.FAILED, t.state());
            assertEquals("java.lang.IllegalStateException: synthetic failure in trial " + n, t.error());
            assertTrue(Double.isNaN(t.objective()));
            String trace = Files.readString(Study.trialDirectory(tmp.resolve("run"), n).resolve("error.txt"));
            assertTrue(trace.contains("synthetic failure"), trace);
        }
        Set<List<Double>> distinct = new HashSet<>();
        for (TrialRecord t : r.trials()) {
            distinct.add(List.copyOf(t.parameters().values()));
        }
        assertEquals(8, distinct.size(), "a failed point must not be proposed again");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), f.calls);
    }

    @Test
    void aNonFiniteObjectiveIsAFailedTrial() throws Exception {
        StudyConfig config = three(3);
        TrialObjective nan = (spec, l) -> spec.number() == 1 ? TrialOutcome.of(Double.NaN) : TrialOutcome.of(1);
        try (Study study = Study.open(tmp.resolve("run"), config, null)) {
            Study.Result r = study.run(nan);
            assertEquals(2, r.complete());
            assertTrue(r.trials().get(1).error().contains("non-finite"), r.trials().get(1).error());
        }
        StudyConfig auc = three(2).withObjective(ObjectiveKind.AREA_UNDER_CURVE);
        try (Study study = Study.open(tmp.resolve("auc"), auc, null)) {
            Study.Result r = study.run((spec, l) -> spec.number() == 0 ? TrialOutcome.of(1)
                    : new TrialOutcome(0, List.of(0.0, 1.0, 2.0), Map.of()));
            assertTrue(r.trials().get(0).error().contains("learning curve"), r.trials().get(0).error());
            assertEquals(1.0, r.trials().get(1).objective(), 1e-12);
        }
    }

    @Test
    void severalSeedsPerTrialAreAveraged() throws Exception {
        StudyConfig config = three(3).withSeedsPerTrial(3);
        Synthetic f = Synthetic.of(config, TARGET3);
        try (Study study = Study.open(tmp.resolve("run"), config, null)) {
            Study.Result r = study.run(f);
            assertEquals(9, f.calls.size());
            for (TrialRecord t : r.trials()) {
                double mean = (t.metrics().get("objective_seed_0") + t.metrics().get("objective_seed_1")
                        + t.metrics().get("objective_seed_2")) / 3;
                assertEquals(mean, t.objective(), 1e-12);
                assertTrue(t.metrics().get("objective_sd") > 0);
                assertTrue(Files.isRegularFile(Study.trialDirectory(tmp.resolve("run"), t.number())
                        .resolve("seed-2/samples.json")));
            }
        }
    }

    @Test
    void extrasAreSearchedInTheirRange() throws Exception {
        StudyConfig config = three(6).withExtras(List.of(StudyConfig.ExtraDimension.log(StudyConfig.KL_COEF, 0.01, 0.5)))
                .withInitialDesignSize(3);
        List<Double> seen = new ArrayList<>();
        try (Study study = Study.open(tmp.resolve("run"), config, null)) {
            Study.Result r = study.run((spec, l) -> {
                double kl = spec.extra(StudyConfig.KL_COEF).orElseThrow();
                seen.add(kl);
                spec.weights(); // on the simplex
                return TrialOutcome.of(-Math.pow(Math.log(kl / 0.1), 2) + spec.weights().weight(AttributionMethod.SHAP));
            });
            assertEquals(6, r.complete());
            for (TrialRecord t : r.trials()) {
                assertOnSimplex(t, config.componentIds());
                assertEquals(List.of("sparse", "shap", "lime", "kl_coef"), List.copyOf(t.parameters().keySet()));
            }
        }
        assertEquals(6, seen.size());
        for (double kl : seen) {
            assertTrue(kl >= 0.01 && kl <= 0.5, "kl " + kl);
        }
    }

    @Test
    void aStudyCanBeExtendedAndItsFinishedTrialsStay() throws Exception {
        Path run = tmp.resolve("run");
        List<TrialRecord> first;
        try (Study study = Study.open(run, three(4), null)) {
            first = study.run(Synthetic.of(three(4), TARGET3)).trials();
        }
        Synthetic f = Synthetic.of(three(7), TARGET3);
        try (Study study = Study.open(run, three(7), null)) {
            Study.Result r = study.run(f);
            assertEquals(7, r.trials().size());
            assertEquals(first, r.trials().subList(0, 4));
            assertEquals(7, study.config().trials());
        }
        assertEquals(List.of(4, 5, 6), f.calls);
        // nothing left to do: nothing runs again
        Synthetic g = Synthetic.of(three(7), TARGET3);
        try (Study study = Study.open(run, three(7), null)) {
            assertEquals(7, study.run(g).complete());
        }
        assertTrue(g.calls.isEmpty());
    }

    @Test
    void anotherConfigurationIsRefusedAndTheFileUntouched() throws Exception {
        Path run = tmp.resolve("run");
        try (Study study = Study.open(run, three(2), null)) {
            study.run(Synthetic.of(three(2), TARGET3));
        }
        String before = Hashes.sha256(run.resolve(Study.DATABASE));
        StudyException e = assertThrows(StudyException.class,
                () -> Study.open(run, three(2).withComponents(List.of(AttributionMethod.SPARSE, AttributionMethod.SHAP)), null));
        assertTrue(e.getMessage().contains("another configuration") && e.getMessage().contains("components"),
                e.getMessage());
        e = assertThrows(StudyException.class, () -> Study.open(run, three(2).withSeed(99), null));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
        assertEquals(before, Hashes.sha256(run.resolve(Study.DATABASE)));
    }

    @Test
    void aStudyOpenTwiceIsRefused() {
        Path run = tmp.resolve("run");
        try (Study study = Study.open(run, three(2), null)) {
            assertEquals(0, study.trials().size());
            StudyException e = assertThrows(StudyException.class, () -> Study.open(run, three(2), null));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
        }
        try (Study again = Study.open(run, three(2), null)) {
            assertFalse(again.trials().size() > 0);
        }
    }

    @Test
    void progressLinesGoToTheLog() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        var log = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        StudyConfig config = three(3);
        try (Study study = Study.open(tmp.resolve("run"), config, log)) {
            study.run(new Synthetic(config.componentIds(), TARGET3, 0.01, Set.of(1), 1));
        }
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("trial 0 (of 3) start"), text);
        assertTrue(text.contains("trial 0 (of 3) complete"), text);
        assertTrue(text.contains("trial 1 (of 3) FAILED"), text);
        assertTrue(text.contains("study done: 2 complete, 1 failed"), text);
    }
}
