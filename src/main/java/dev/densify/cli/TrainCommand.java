package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.report.Progress;
import dev.densify.report.TrainingReport;
import dev.densify.rl.PpoConfig;
import dev.densify.rl.PpoTrainer;
import dev.densify.shaping.ShapingWeights;
import dev.densify.task.TaskSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code densify train}: PPO with dense shaped rewards on a prepared task directory, into a run
 * directory (metrics, checkpoints, report). Running it again on the same run directory resumes
 * from the last checkpoint.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a policy with PPO on dense rewards r_t = R * sum_k w_k eps_k,t: the built-in task's "
                + "(--task-dir) or your own (--policy, --prompts, --reward-model|--reward-url|--reward-class).",
                "Writes RUN/config.json, metrics.jsonl/.csv, validation.jsonl, samples.json, checkpoint/ and "
                        + "report.html; the same command on an existing RUN resumes from its checkpoint."})
final class TrainCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    TaskOptions task;

    @Option(names = "--weights", defaultValue = "sparse=1", paramLabel = "W",
            description = "Blend weights on the simplex, e.g. sparse=0.2,shap=0.5,lime=0.2,attention=0.1 "
                    + "(default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--steps", paramLabel = "N", description = "PPO steps (default: the configuration's).")
    Integer steps;

    @Option(names = "--config", paramLabel = "F", description = "JSON overrides of the PPO configuration.")
    Path config;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: the configuration's).")
    Long seed;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "The run directory.")
    Path out;

    @Option(names = "--json", description = "Print the final validation as JSON on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ShapingWeights w;
        PpoConfig c;
        try {
            w = ShapingWeights.parse(weights);
            c = config == null ? PpoConfig.defaults() : PpoConfig.read(config);
            if (steps != null) {
                c = c.withSteps(steps);
            }
            if (seed != null) {
                c = c.withSeed(seed);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ParameterException(spec.commandLine(), "--out: " + out + " exists and is not a directory");
        }
        TaskSource source = task.source(spec);
        main.configureEngineForLongWork();
        PpoConfig resolved = c;
        try (TaskSource.Opened opened = source.open(main.device(), resolved.maxNewTokens(), main.err());
             PpoTrainer trainer = new PpoTrainer(opened.ppo(), w, resolved, out, main.device());
             Progress progress = new Progress(main.err(), "ppo", resolved.steps(), "steps", Progress.isTerminal())) {
            if (trainer.step() >= resolved.steps()) {
                main.err().printf(Locale.ROOT, "%s has done %d steps already (--steps %d): nothing to train%n", out,
                        trainer.step(), resolved.steps());
            } else if (trainer.step() > 0) {
                main.err().printf(Locale.ROOT, "resuming %s from step %d%n", out, trainer.step());
                progress.set(trainer.step());
            }
            PpoTrainer.Result result = trainer.run(new PpoTrainer.Listener() {
                @Override
                public void step(long step, long total, ObjectNode m) {
                    progress.metric("kl", m.path("kl").asDouble());
                    progress.step("score", m.path("score").asDouble());
                }

                @Override
                public void validation(long step, ObjectNode m) {
                    progress.metric("val", m.path("reward").asDouble());
                }
            });
            progress.finish();
            Path report = TrainingReport.write(out);
            main.err().printf(Locale.ROOT, "validation reward %.4f (KL %.4f) after %d steps; report: %s%n",
                    result.finalReward(), result.lastValidation().path("kl").asDouble(), trainer.step(), report);
            if (json) {
                ObjectNode node = Json.object();
                node.put("run", out.toAbsolutePath().toString());
                node.put("weights", w.toString());
                node.set("validation", result.lastValidation());
                node.put("meanRewardOverTraining", result.meanRewardOverTraining());
                main.out().println(dev.densify.engine.Json.pretty().writeValueAsString(node));
            }
        }
        return 0;
    }
}
