package dev.densify.study;

import dev.densify.bo.BayesianOptimizer;
import dev.densify.bo.GaussianProcess;
import dev.densify.bo.Observation;
import dev.densify.bo.Recommendation;
import dev.densify.bo.SearchSpace;

import java.nio.file.Path;
import java.util.ArrayList;
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
                     Optional<TrialRecord> bestObserved, String modelNote) {

        StudyReport.Summary summary(Path report) {
        return new StudyReport.Summary(run, report, config, trials, Optional.ofNullable(best), bestObserved, modelNote);
    }

    /** Reads {@code RUN/study.db} read-only and fits the GP on the complete trials, as the optimiser does. */
    static StudyAnalysis of(Path run) {
        StudyConfig config;
        List<TrialRecord> trials;
        try (StudyStore store = StudyStore.openReadOnly(run.resolve(Study.DATABASE))) {
            config = store.config();
            trials = store.trials();
        }
        SearchSpace space = config.searchSpace();
        List<TrialRecord> complete = trials.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
        Optional<TrialRecord> bestObserved = Study.bestObserved(trials);
        GaussianProcess gp = null;
        StudyReport.Best best = null;
        TrialRecord bestTrial = bestObserved.orElse(null);
        String note = null;
        if (complete.size() < 2) {
            note = complete.isEmpty() ? "no complete trial yet" : "one complete trial: too few for a model";
        } else {
            try {
                List<Observation> obs = new ArrayList<>();
                for (TrialRecord t : complete) {
                    obs.add(new Observation(t.point(space.names()), t.objective()));
                }
                BayesianOptimizer bo = Study.optimizer(config);
                Recommendation r = bo.recommend(obs);
                gp = bo.fitModel(obs);
                bestTrial = complete.get(r.index());
                best = new StudyReport.Best(bestTrial.number(), bestTrial.parameters(), r.posteriorMean(), r.posteriorStd(),
                        r.observedValue());
            } catch (RuntimeException e) {
                note = "the model could not be fitted: " + e.getMessage();
                gp = null;
            }
        }
        return new StudyAnalysis(run, config, space, trials, complete, gp, best, bestTrial, bestObserved, note);
    }
}
