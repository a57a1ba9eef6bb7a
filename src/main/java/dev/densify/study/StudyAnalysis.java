package dev.densify.study;

import dev.densify.bo.BayesianOptimizer;
import dev.densify.bo.GaussianProcess;
import dev.densify.bo.Observation;
import dev.densify.bo.Recommendation;
import dev.densify.bo.SearchSpace;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a study's report shows, computed: its trials, the GP fitted on the complete ones and the
 * recommended trial ({@link BayesianOptimizer#recommend}). {@link StudyPage} draws it.
 *
 * @param gp        the fitted GP, or null when there is none ({@code modelNote} says why)
 * @param best      the recommended trial, or null
 * @param bestTrial the recommended trial's record, else the best observed one, else null
 */
record StudyAnalysis(Path run, StudyConfig config, SearchSpace space, List<TrialRecord> trials,
                     List<TrialRecord> complete, GaussianProcess gp, StudyReport.Best best, TrialRecord bestTrial,
                     Optional<TrialRecord> bestObserved, String modelNote, Optional<StudyReport.Noise> noise,
                     Optional<StudyReport.VersusFixed> versusFixed) {

    /** The noise warning's threshold: a trial's noise sd at least this share of the trials' sd. */
    static final double NOISE_WARNING_SHARE = 0.5;

    StudyReport.Summary summary(Path report) {
        return new StudyReport.Summary(run, report, config, trials, Optional.ofNullable(best), bestObserved, modelNote,
                noise, versusFixed);
    }

    /** Reads {@code RUN/study.db} read-only and fits the GP on the complete trials, as the optimiser does. */
    static StudyAnalysis of(Path run) {
        try (StudyStore store = StudyStore.openReadOnly(run.resolve(Study.DATABASE))) {
            return of(run, store);
        }
    }

    /** The same over any storage (a shared study's); trial files are read under {@code run}. */
    static StudyAnalysis of(Path run, StudyStorage store) {
        StudyConfig config = store.config();
        List<TrialRecord> trials = store.trials();
        SearchSpace space = config.searchSpace();
        List<TrialRecord> complete = trials.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
        Optional<TrialRecord> bestObserved = Study.bestObserved(trials);
        GaussianProcess gp = null;
        StudyReport.Best best = null;
        TrialRecord bestTrial = bestObserved.orElse(null);
        String note = null;
        StudyReport.Noise noise = null;
        StudyReport.VersusFixed versus = null;
        if (complete.size() < 2) {
            note = complete.isEmpty() ? "no complete trial yet" : "one complete trial: too few for a model";
        } else {
            try {
                Replicates replicates = Replicates.of(complete);
                List<Observation> obs = replicates.observations(complete, space.names());
                BayesianOptimizer bo = Study.optimizer(config);
                gp = bo.fitModel(obs);
                Recommendation r = bo.recommend(gp, obs);
                bestTrial = complete.get(r.index());
                best = new StudyReport.Best(bestTrial.number(), bestTrial.parameters(), r.posteriorMean(), r.posteriorStd(),
                        r.predictiveStd(), r.observedValue());
                double[] values = complete.stream().mapToDouble(TrialRecord::objective).toArray();
                double mean = java.util.Arrays.stream(values).average().orElse(0);
                double ss = 0;
                for (double v : values) {
                    ss += (v - mean) * (v - mean);
                }
                double spread = Math.sqrt(ss / (values.length - 1));
                double range = java.util.Arrays.stream(values).max().orElse(0) - java.util.Arrays.stream(values).min().orElse(0);
                double trialSd = Math.sqrt(r.noiseVariance());
                noise = new StudyReport.Noise(replicates.runSd(), replicates.degreesOfFreedom(),
                        Math.sqrt(gp.learnedNoiseVariance()), trialSd, range, spread,
                        trialSd >= NOISE_WARNING_SHARE * spread);
                versus = versusFixed(bo, space, gp, obs, complete, r.index());
            } catch (RuntimeException e) {
                note = "the model could not be fitted: " + e.getMessage();
                gp = null;
            }
        }
        return new StudyAnalysis(run, config, space, trials, complete, gp, best, bestTrial, bestObserved, note,
                Optional.ofNullable(noise), Optional.ofNullable(versus));
    }

    /**
     * The recommended trial against the fixed blend with the highest posterior mean: the posterior
     * probability that its expected objective is the larger; null without complete fixed trials.
     */
    private static StudyReport.VersusFixed versusFixed(BayesianOptimizer bo, SearchSpace space, GaussianProcess gp,
                                                       List<Observation> obs, List<TrialRecord> complete,
                                                       int recommended) {
        int best = -1;
        double bestMean = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < complete.size(); i++) {
            if (TrialRecord.FIXED.equals(complete.get(i).origin())) {
                double m = gp.predict(space.features(obs.get(i).point())).mean();
                if (m > bestMean) {
                    bestMean = m;
                    best = i;
                }
            }
        }
        if (best < 0) {
            return null;
        }
        TrialRecord fixed = complete.get(best);
        return new StudyReport.VersusFixed(fixed.number(), fixed.parameters(), bestMean,
                best == recommended ? 0.5 : bo.probabilityGreater(gp, obs, recommended, best), best == recommended);
    }
}
