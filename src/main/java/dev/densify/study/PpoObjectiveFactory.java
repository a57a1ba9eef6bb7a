package dev.densify.study;

import dev.densify.engine.Json;
import dev.densify.report.TrainingReport;
import dev.densify.rl.PpoConfig;
import dev.densify.rl.PpoTrainer;
import dev.densify.task.TaskSource;
import dev.densify.text.AtomicFiles;

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
 * Trials run one at a time (they share the device and libtorch's thread pool). With
 * {@code processes} > 1 a trial is a data-parallel training ({@link DataParallelTrainer}) whose
 * rank 0 writes the trial's directory; its outcome is read from there.
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
    public record Request(TaskSource task, int stepsPerTrial, Path trainConfig, String device, PrintStream log,
                          int processes, DataParallelTrainer dataParallel) {
        public Request {
            if (processes < 1) {
                throw new IllegalArgumentException("processes must be >= 1, got " + processes);
            }
            if (processes > 1 && dataParallel == null) {
                throw new IllegalArgumentException("data-parallel trials need a launcher");
            }
        }

        /** Trials in this process. */
        public Request(TaskSource task, int stepsPerTrial, Path trainConfig, String device, PrintStream log) {
            this(task, stepsPerTrial, trainConfig, device, log, 1, null);
        }
    }

    /**
     * Runs one trial as a data-parallel training in {@code processes} processes (the CLI's
     * {@code train --nproc}): {@code config} holds the trial's full configuration, rank 0 writes
     * {@code out}.
     */
    @FunctionalInterface
    public interface DataParallelTrainer {
        void train(int processes, Path config, dev.densify.shaping.ShapingWeights weights, Path out) throws Exception;
    }

    /** A data-parallel trial's configuration, in its directory. */
    public static final String TRIAL_CONFIG = "trial-config.json";

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
        if (configured.batchSize() % request.processes() != 0) {
            throw new IllegalArgumentException("the batch size (" + configured.batchSize() + ") must be a multiple of the "
                    + request.processes() + " processes of a data-parallel trial");
        }
        return (spec, listener) -> {
            Map<String, Object> trial = new java.util.HashMap<>();
            trial.put("seed", spec.seed());
            spec.extra(StudyConfig.KL_COEF).ifPresent(v -> trial.put("initKlCoef", v));
            spec.extra(StudyConfig.LEARNING_RATE).ifPresent(v -> trial.put("learningRate", v));
            PpoConfig config = configured.with(trial);
            if (request.processes() > 1) {
                Path file = spec.trialDirectory().resolve(TRIAL_CONFIG);
                AtomicFiles.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(config.toJson()));
                request.dataParallel().train(request.processes(), file, spec.weights(), spec.trialDirectory());
                return outcome(PpoTrainer.Result.read(spec.trialDirectory()));
            }
            try (TaskSource.Opened task = request.task().open(request.device(), config.maxNewTokens(), QUIET);
                 PpoTrainer trainer = new PpoTrainer(task.ppo(), spec.weights(), config,
                         spec.trialDirectory(), request.device())) {
                PpoTrainer.Result result = trainer.run((step, total, metrics) ->
                        listener.progress(step, total, "score", metrics.path("score").asDouble()));
                TrainingReport.write(spec.trialDirectory());
                return outcome(result);
            }
        };
    }

    private static TrialOutcome outcome(PpoTrainer.Result result) {
        List<Double> curve = result.validationCurve().stream().map(p -> p[1]).toList();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("final_kl", result.lastValidation().path("kl").asDouble());
        metrics.put("mean_reward_over_training", result.meanRewardOverTraining());
        metrics.put("response_length", result.lastValidation().path("response_length").asDouble());
        return new TrialOutcome(result.finalReward(), curve, metrics);
    }
}
