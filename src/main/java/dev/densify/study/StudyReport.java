package dev.densify.study;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.bo.BayesianOptimizer;
import dev.densify.engine.Json;
import dev.densify.report.Svg;
import dev.densify.text.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code densify report RUN}: reads {@code RUN/study.db} read-only (a running study may go on) and
 * writes {@code RUN/report.html}, one self-contained page (inline CSS and SVG, no scripts, no
 * external assets):
 * <ul>
 *   <li><b>best weights</b>: the recommended trial — the complete trial with the highest GP
 *       posterior mean ({@link BayesianOptimizer#recommend}, robust to lucky noise) — and the best
 *       observed trial, with their weights as bars;</li>
 *   <li><b>objective per trial</b>: a scatter (Sobol and model proposals in different colours,
 *       failed trials as red crosses, the running best as a step line) and a table of every trial
 *       (state, origin, parameters, objective, attempts, duration, error);</li>
 *   <li><b>the GP posterior over the simplex</b> (fitted as the optimiser fits it, on the complete
 *       trials; extras, if any, held at the recommended trial's values): for 3 components ternary
 *       heat maps of the posterior mean and standard deviation with the observed points; for 2 or
 *       more than 3 components 1-D slices, one per component k: w_k runs from 0 to 1 while the
 *       other weights keep the proportions they have in the recommended point (uniform if it is
 *       the vertex k), mean ± 1 sd;</li>
 *   <li><b>learning curves</b> of every complete trial (colour by objective, the recommended one
 *       bold);</li>
 *   <li><b>token-reward heat maps of the best trial</b>: when the recommended trial's directory
 *       (or its {@code seed-0/}) holds {@code samples.json} — a list of
 *       {@code {"tokens": [...], "rewards": [...]}} — each sample's tokens on a diverging scale
 *       (blue negative, white 0, red positive; per sample, scaled by its largest |reward|).</li>
 * </ul>
 * {@link Summary#toJson()} is what {@code --json} prints; {@link Summary#text()} the stderr summary.
 */
public final class StudyReport {

    /** The report's file name in the run directory. */
    public static final String FILE = "report.html";
    /** The samples file the report looks for in the best trial's directory. */
    public static final String SAMPLES_FILE = "samples.json";


    /**
     * The recommended trial.
     *
     * @param trial         its number
     * @param parameters    its parameters
     * @param posteriorMean the GP's posterior mean there
     * @param posteriorSd   the GP's posterior standard deviation there
     * @param observed      its observed objective
     */
    public record Best(int trial, Map<String, Double> parameters, double posteriorMean, double posteriorSd,
                       double observed) {
    }

    /**
     * What the report shows, in numbers.
     *
     * @param runDirectory the run directory
     * @param report       the HTML file written (null when not written)
     * @param config       the study's configuration
     * @param trials       every trial
     * @param recommended  the recommended trial, when a model could be fitted
     * @param bestObserved the complete trial with the highest objective
     * @param modelNote    why there is no model, or null
     */
    public record Summary(Path runDirectory, Path report, StudyConfig config, List<TrialRecord> trials,
                          Optional<Best> recommended, Optional<TrialRecord> bestObserved, String modelNote) {

        public long count(TrialState state) {
            return trials.stream().filter(t -> t.state() == state).count();
        }

        /** The {@code --json} document. */
        public ObjectNode toJson() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("run", runDirectory.toString());
            if (report != null) {
                n.put("report", report.toString());
            } else {
                n.putNull("report");
            }
            n.set("config", config.toJson());
            ObjectNode counts = n.putObject("counts");
            counts.put("total", trials.size());
            for (TrialState s : TrialState.values()) {
                counts.put(s.name().toLowerCase(Locale.ROOT), count(s));
            }
            if (recommended.isPresent()) {
                Best b = recommended.get();
                ObjectNode r = n.putObject("recommended");
                r.put("trial", b.trial());
                r.set("parameters", StudyJson.map(b.parameters()));
                StudyJson.putNumber(r, "posterior_mean", b.posteriorMean());
                StudyJson.putNumber(r, "posterior_sd", b.posteriorSd());
                StudyJson.putNumber(r, "observed", b.observed());
            } else {
                n.putNull("recommended");
            }
            if (bestObserved.isPresent()) {
                TrialRecord b = bestObserved.get();
                ObjectNode r = n.putObject("best_observed");
                r.put("trial", b.number());
                r.set("parameters", StudyJson.map(b.parameters()));
                StudyJson.putNumber(r, "objective", b.objective());
            } else {
                n.putNull("best_observed");
            }
            if (modelNote != null) {
                n.put("model_note", modelNote);
            }
            ArrayNode list = n.putArray("trials");
            for (TrialRecord t : trials) {
                ObjectNode o = list.addObject();
                o.put("number", t.number());
                o.put("state", t.state().name());
                o.put("origin", t.origin());
                o.set("parameters", StudyJson.map(t.parameters()));
                o.put("seed", t.seed());
                StudyJson.putNumber(o, "objective", t.objective());
                o.set("learning_curve", StudyJson.list(t.learningCurve()));
                o.set("metrics", StudyJson.map(t.metrics()));
                if (t.error() != null) {
                    o.put("error", t.error());
                }
                o.put("attempts", t.attempts());
                StudyJson.putNumber(o, "duration_seconds", t.durationSeconds());
            }
            return n;
        }

        /** A few lines for humans. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "study %s: %d of %d trials (%d complete, %d failed%s)%n",
                    runDirectory, count(TrialState.COMPLETE) + count(TrialState.FAILED), config.trials(),
                    count(TrialState.COMPLETE), count(TrialState.FAILED),
                    count(TrialState.PENDING) + count(TrialState.RUNNING) > 0
                            ? ", " + (count(TrialState.PENDING) + count(TrialState.RUNNING)) + " unfinished" : ""));
            recommended.ifPresent(b -> sb.append(String.format(Locale.ROOT,
                    "recommended (best posterior mean): trial %d  %s  mean %s ± %s (observed %s)%n", b.trial(),
                    Study.formatParameters(b.parameters()), Svg.num(b.posteriorMean()), Svg.num(b.posteriorSd()),
                    Svg.num(b.observed()))));
            bestObserved.ifPresent(b -> sb.append(String.format(Locale.ROOT,
                    "best observed:                     trial %d  %s  objective %s%n", b.number(),
                    Study.formatParameters(b.parameters()), Svg.num(b.objective()))));
            if (modelNote != null) {
                sb.append("model: ").append(modelNote).append(System.lineSeparator());
            }
            if (report != null) {
                sb.append("report: ").append(report).append(System.lineSeparator());
            }
            return sb.toString();
        }
    }

    private StudyReport() {
    }

    /**
     * Writes {@code RUN/report.html} (atomically) and returns the summary.
     *
     * @throws StudyException no study database, or a corrupt or foreign one
     */
    public static Summary write(Path runDirectory) throws IOException {
        Path run = runDirectory.toAbsolutePath().normalize();
        StudyAnalysis a = StudyAnalysis.of(run);
        Path file = run.resolve(FILE);
        AtomicFiles.write(file, StudyPage.html(a).getBytes(StandardCharsets.UTF_8));
        return a.summary(file);
    }

    /** The summary without writing the report. */
    public static Summary summarize(Path runDirectory) {
        return StudyAnalysis.of(runDirectory.toAbsolutePath().normalize()).summary(null);
    }
}
