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

    /** The caveat on a noise level the GP learned without replicates. */
    static final String NO_REPLICATES = "learned by the GP without replicates, so it may be underestimated where "
            + "few trials let the model interpolate; --seeds-per-trial 2 or more measures it";

    /** The report's file name in the run directory. */
    public static final String FILE = "report.html";
    /** The samples file the report looks for in the best trial's directory. */
    public static final String SAMPLES_FILE = "samples.json";


    /**
     * The recommended trial.
     *
     * @param trial         its number
     * @param parameters    its parameters
     * @param posteriorMean the GP's posterior mean there: the expected objective of these weights
     * @param posteriorSd   the GP's posterior standard deviation of that expectation
     * @param predictiveSd  the standard deviation of a rerun's objective there: the posterior and
     *                      the noise of one trial together
     * @param observed      its observed objective
     */
    public record Best(int trial, Map<String, Double> parameters, double posteriorMean, double posteriorSd,
                       double predictiveSd, double observed) {
    }

    /**
     * How noisy the objective is.
     *
     * @param runSd            the standard deviation of one run's objective pooled over the
     *                         trials' replicates (NaN without replicates)
     * @param degreesOfFreedom of that estimate, Σ (runs − 1)
     * @param learnedSd        the noise the GP learned on top of the known noise
     * @param trialSd          the noise of one trial's objective at the recommended point, as the
     *                         model has it (learned and known together)
     * @param range            max − min of the complete trials' objectives
     * @param spread           the standard deviation of the complete trials' objectives
     * @param warning          whether {@code trialSd} is at least half of {@code spread}: the noise
     *                         alone then accounts for at least a quarter of the variance between
     *                         the trials (pure noise makes the two equal), and their ranking is
     *                         largely noise. (The spread, not the range: the range of pure noise
     *                         grows with the number of trials.)
     */
    public record Noise(double runSd, int degreesOfFreedom, double learnedSd, double trialSd, double range,
                        double spread, boolean warning) {

        /** The warning as a sentence. */
        public String text() {
            return String.format(Locale.ROOT, "the objective's noise (sd %s of one trial) is %.0f%% of the spread of "
                    + "the trials' objectives (sd %s, range %s): their ranking is largely noise; run more seeds per "
                    + "trial (--seeds-per-trial) or longer trials", Svg.num(trialSd), 100 * trialSd / spread,
                    Svg.num(spread), Svg.num(range));
        }
    }

    /**
     * The recommended trial against the best fixed blend the study ran (the one with the highest
     * posterior mean).
     *
     * @param fixedTrial  that trial's number
     * @param parameters  its weights
     * @param fixedMean   its posterior mean
     * @param probability the posterior probability that the recommended weights' expected objective
     *                    exceeds the fixed blend's (0.5 when they are the same trial)
     * @param same        whether the recommendation is that fixed blend
     */
    public record VersusFixed(int fixedTrial, Map<String, Double> parameters, double fixedMean, double probability,
                              boolean same) {
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
     * @param noise        the objective's noise, when a model could be fitted
     * @param versusFixed  the recommendation against the best fixed blend, when the study ran fixed blends
     */
    public record Summary(Path runDirectory, Path report, StudyConfig config, List<TrialRecord> trials,
                          Optional<Best> recommended, Optional<TrialRecord> bestObserved, String modelNote,
                          Optional<Noise> noise, Optional<VersusFixed> versusFixed) {

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
                StudyJson.putNumber(r, "predictive_sd", b.predictiveSd());
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
            noise.ifPresent(x -> {
                ObjectNode o = n.putObject("noise");
                StudyJson.putNumber(o, "run_sd", x.runSd());
                o.put("degrees_of_freedom", x.degreesOfFreedom());
                StudyJson.putNumber(o, "learned_sd", x.learnedSd());
                StudyJson.putNumber(o, "trial_sd", x.trialSd());
                StudyJson.putNumber(o, "range", x.range());
                StudyJson.putNumber(o, "spread", x.spread());
                o.put("warning", x.warning());
            });
            versusFixed.ifPresent(v -> {
                ObjectNode o = n.putObject("versus_fixed");
                o.put("trial", v.fixedTrial());
                o.set("parameters", StudyJson.map(v.parameters()));
                StudyJson.putNumber(o, "posterior_mean", v.fixedMean());
                StudyJson.putNumber(o, "probability_recommended_better", v.probability());
                o.put("same", v.same());
            });
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
                    "recommended (best posterior mean): trial %d  %s  expected %s ± %s, a rerun %s ± %s (observed %s)%n",
                    b.trial(), Study.formatParameters(b.parameters()), Svg.num(b.posteriorMean()),
                    Svg.num(b.posteriorSd()), Svg.num(b.posteriorMean()), Svg.num(b.predictiveSd()),
                    Svg.num(b.observed()))));
            versusFixed.ifPresent(v -> sb.append(v.same()
                    ? String.format(Locale.ROOT, "the recommendation is the fixed blend of trial %d%n", v.fixedTrial())
                    : String.format(Locale.ROOT, "P(recommended beats the best fixed blend, trial %d %s) = %.3f%n",
                    v.fixedTrial(), Study.formatParameters(v.parameters()), v.probability())));
            noise.ifPresent(x -> {
                sb.append(String.format(Locale.ROOT, "noise: one trial's objective sd %s", Svg.num(x.trialSd())));
                if (x.degreesOfFreedom() > 0) {
                    sb.append(String.format(Locale.ROOT, " (one run's sd %s from %d replicate degrees of freedom)",
                            Svg.num(x.runSd()), x.degreesOfFreedom()));
                } else {
                    sb.append(" (").append(NO_REPLICATES).append(")");
                }
                sb.append(System.lineSeparator());
                if (x.warning()) {
                    sb.append("warning: ").append(x.text()).append(System.lineSeparator());
                }
            });
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
        try (StudyStore store = StudyStore.openReadOnly(runDirectory.toAbsolutePath().normalize().resolve(Study.DATABASE))) {
            return write(runDirectory, store);
        }
    }

    /**
     * Writes {@code RUN/report.html} for a study in any storage (a shared study's: the trials'
     * files are those under this run directory, i.e. of the trials this machine ran).
     */
    public static Summary write(Path runDirectory, StudyStorage storage) throws IOException {
        Path run = runDirectory.toAbsolutePath().normalize();
        StudyAnalysis a = StudyAnalysis.of(run, storage);
        Path file = run.resolve(FILE);
        AtomicFiles.write(file, StudyPage.html(a).getBytes(StandardCharsets.UTF_8));
        return a.summary(file);
    }

    /** The summary without writing the report. */
    public static Summary summarize(Path runDirectory) {
        return StudyAnalysis.of(runDirectory.toAbsolutePath().normalize()).summary(null);
    }
}
