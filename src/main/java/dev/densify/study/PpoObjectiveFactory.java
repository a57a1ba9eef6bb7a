package dev.densify.study;

import dev.densify.report.TrainingReport;
import dev.densify.rl.PpoConfig;
import dev.densify.rl.PpoTrainer;
import dev.densify.task.TaskSource;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inner problem of a study: a trial trains the task's SFT policy with PPO on dense rewards
 * blended with the trial's weights ({@link TrialSpec#weights()}; optional extra dimensions
 * {@code kl_coef} → initial KL coefficient and {@code learning_rate}) for a fixed number of
 * steps, in the trial's directory (a full training run: metrics, validation, samples.json,
 * checkpoint, report.html). Its learning curve is the mean validation reward on held-out prompts
 * at each validation (five across the run and at step 0), its objective the last one.
 * Trials run one at a time (they share the device and libtorch's thread pool).
 */
public final class PpoObjectiveFactory {

    private PpoObjectiveFactory() {
    }

    /**
     * What {@code densify study} knows about the inner problem.
     *
     * @param task          what each trial opens: a prepared task, or the user's own models and prompts
     * @param stepsPerTrial PPO steps per trial, ≥ 1
     * @param trainConfig   a training configuration file ({@code --config}), or null for defaults
     * @param device        the canonical device ({@code cpu}, {@code cuda:0}, …)
     * @param log           where opening the task the first time reports what it read
     */
    public record Request(TaskSource task, int stepsPerTrial, Path trainConfig, String device, PrintStream log) {
    }

    /** Trials reopen the task: what it read was reported once. */
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /**
     * The PPO objective for a study.
     *
     * @throws IllegalArgumentException for a bad training configuration or task directory
     */
    public static TrialObjective create(Request request) {
        PpoConfig base = request.trainConfig() == null ? PpoConfig.defaults() : PpoConfig.read(request.trainConfig());
        PpoConfig configured = base.with(Map.of("steps", request.stepsPerTrial(),
                "validationEvery", Math.max(1, request.stepsPerTrial() / 5)));
        // Open once now so bad inputs fail before the study database is created.
        request.task().open(request.device(), configured.maxNewTokens(), request.log()).close();
        return (spec, listener) -> {
            Map<String, Object> trial = new java.util.HashMap<>();
            trial.put("seed", spec.seed());
            spec.extra(StudyConfig.KL_COEF).ifPresent(v -> trial.put("initKlCoef", v));
            spec.extra(StudyConfig.LEARNING_RATE).ifPresent(v -> trial.put("learningRate", v));
            PpoConfig config = configured.with(trial);
            try (TaskSource.Opened task = request.task().open(request.device(), config.maxNewTokens(), QUIET);
                 PpoTrainer trainer = new PpoTrainer(task.ppo(), spec.weights(), config,
                         spec.trialDirectory(), request.device())) {
                PpoTrainer.Result result = trainer.run((step, total, metrics) ->
                        listener.progress(step, total, "score", metrics.path("score").asDouble()));
                TrainingReport.write(spec.trialDirectory());
                List<Double> curve = result.validationCurve().stream().map(p -> p[1]).toList();
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("final_kl", result.lastValidation().path("kl").asDouble());
                metrics.put("mean_reward_over_training", result.meanRewardOverTraining());
                metrics.put("response_length", result.lastValidation().path("response_length").asDouble());
                return new TrialOutcome(result.finalReward(), curve, metrics);
            }
        };
    }
}
