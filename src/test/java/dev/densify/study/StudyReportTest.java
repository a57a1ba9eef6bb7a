package dev.densify.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.densify.attribution.AttributionMethod;
import dev.densify.cli.Main;
import dev.densify.report.Svg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyReportTest {

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path study(String name, StudyConfig config, double[] target, Set<Integer> failOn) throws Exception {
        Path run = tmp.resolve(name);
        try (Study study = Study.open(run, config, null)) {
            study.run(new Synthetic(config.componentIds(), target, 0.01, failOn, 1));
        }
        return run;
    }

    @Test
    void reportOfAThreeComponentStudy() throws Exception {
        Path run = study("three", StudyTest.three(10), StudyTest.TARGET3, Set.of(4));
        StudyReport.Summary s = StudyReport.write(run);
        Path file = run.resolve(StudyReport.FILE);
        assertEquals(file, s.report());
        String html = Files.readString(file);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("id=\"objective-scatter\""), "scatter");
        assertTrue(html.contains("id=\"ternary-mean\"") && html.contains("id=\"ternary-sd\""), "ternary maps");
        assertTrue(html.contains("id=\"learning-curves\""), "learning curves");
        assertTrue(html.contains("class=\"tok\"") && html.contains("&lt;great&gt;"), "token heat map, escaped");
        assertTrue(html.contains("synthetic failure in trial 4"), "the failed trial's error");
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.matches("(?s).*(src|href)=\"https?:.*"), "no external assets");
        assertTrue(s.recommended().isPresent());
        StudyReport.Best best = s.recommended().get();
        assertTrue(html.contains("recommended (best posterior mean)</td><td>" + best.trial() + "</td>"), "best row");
        for (String c : List.of("sparse", "shap", "lime")) {
            assertTrue(html.contains(Svg.num(best.parameters().get(c))), "weight of " + c);
        }
        // near the optimum of the synthetic function
        double d = 0;
        for (int i = 0; i < 3; i++) {
            d += Math.pow(best.parameters().get(List.of("sparse", "shap", "lime").get(i)) - StudyTest.TARGET3[i], 2);
        }
        assertTrue(Math.sqrt(d) < 0.35, "recommended " + best.parameters());
        assertEquals(9, s.count(TrialState.COMPLETE));
        assertEquals(1, s.count(TrialState.FAILED));
    }

    @Test
    void reportOfAFourComponentStudyHasSlices() throws Exception {
        StudyConfig config = StudyConfig.defaults(9).withSeed(3).withInitialDesignSize(5);
        Path run = study("four", config, new double[] {0.1, 0.4, 0.3, 0.2}, Set.of());
        String html = Files.readString(StudyReport.write(run).report());
        for (AttributionMethod c : AttributionMethod.values()) {
            assertTrue(html.contains("id=\"slice-" + c.id() + "\""), "slice " + c.id());
        }
        assertFalse(html.contains("ternary-mean"));
    }

    @Test
    void reportCommandWritesHtmlAndJson() throws Exception {
        Path run = study("cli", StudyTest.three(7), StudyTest.TARGET3, Set.of());
        Result r = cli("report", run.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("recommended (best posterior mean): trial"), r.err());
        assertTrue(r.err().contains("report: " + run.resolve(StudyReport.FILE)), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(7, j.get("counts").get("complete").asInt());
        assertEquals(7, j.get("trials").size());
        assertEquals(run.resolve(StudyReport.FILE).toString(), j.get("report").asText());
        JsonNode rec = j.get("recommended");
        double sum = 0;
        for (String c : List.of("sparse", "shap", "lime")) {
            sum += rec.get("parameters").get(c).asDouble();
        }
        assertEquals(1, sum, 1e-9);
        assertTrue(rec.get("posterior_sd").asDouble() >= 0);
        assertEquals(StudyReport.summarize(run).recommended().orElseThrow().trial(),
                rec.get("trial").asInt());
        assertTrue(Files.isRegularFile(run.resolve(StudyReport.FILE)));
    }

    @Test
    void reportOfAnEmptyOrTinyStudy() throws Exception {
        Path run = tmp.resolve("tiny");
        try (Study study = Study.open(run, StudyTest.three(1), null)) {
            study.run(Synthetic.of(StudyTest.three(1), StudyTest.TARGET3));
        }
        StudyReport.Summary s = StudyReport.write(run);
        assertTrue(s.recommended().isEmpty());
        assertTrue(s.bestObserved().isPresent());
        assertTrue(Files.readString(s.report()).contains("too few for a model"));
        assertTrue(s.toJson().get("recommended").isNull());
    }

    @Test
    void studyCommandRefusesBadOptionsAndAnUnpreparedTaskBeforeWritingAnything() throws Exception {
        Path task = Files.createDirectories(tmp.resolve("task"));
        Path out = tmp.resolve("run");
        Result r = cli("study", "--task-dir", task.toString(), "--trials", "0", "--steps-per-trial", "5",
                "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("trials must be >= 1, got 0"), r.err());
        r = cli("study", "--task-dir", task.toString(), "--trials", "4", "--steps-per-trial", "5",
                "--out", out.toString(), "--methods", "sparse,shapley");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("unknown method 'shapley'"), r.err());
        r = cli("study", "--task-dir", task.toString(), "--steps-per-trial", "5", "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--trials is required"), r.err());
        r = cli("study", "--task-dir", task.toString(), "--trials", "4", "--steps-per-trial", "5",
                "--out", out.toString(), "--kl-coef-range", "0.5:0.1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("kl_coef"), r.err());
        r = cli("study", "--task-dir", task.toString(), "--trials", "4", "--steps-per-trial", "5",
                "--out", out.toString(), "--parallel", "2", "--methods", "shap,lime");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("is not a prepared reviews task") || r.err().contains("is not a complete reviews task"),
                r.err());
        assertFalse(Files.exists(out), "nothing is written before the task is known to be usable");
        Path bad = tmp.resolve("bad-study.json");
        Files.writeString(bad, "{\"trials\": 5, \"components\": [\"sparse\", \"saliency\"]}");
        r = cli("study", "--task-dir", task.toString(), "--steps-per-trial", "5", "--out", out.toString(),
                "--study-config", bad.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(bad.toString()) && r.err().contains("unknown method 'saliency'"), r.err());
        Path good = tmp.resolve("study.json");
        Files.writeString(good, "{\"trials\": 5, \"parallel\": 5, \"objective\": \"auc\"}");
        r = cli("study", "--task-dir", task.toString(), "--steps-per-trial", "5", "--out", out.toString(),
                "--study-config", good.toString(), "--trials", "3");
        assertEquals(1, r.code(), r.err()); // parallel capped at the overriding trials; then the empty task
        assertTrue(r.err().contains(task.toString()), r.err());
        assertFalse(Files.exists(out));
        r = cli("report", tmp.resolve("nowhere").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no study database"), r.err());
    }
}
