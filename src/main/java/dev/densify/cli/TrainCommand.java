package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.report.Progress;
import dev.densify.report.TrainingReport;
import dev.densify.rl.PpoConfig;
import dev.densify.rl.PpoTask;
import dev.densify.rl.PpoTrainer;
import dev.densify.shaping.ShapingWeights;
import dev.densify.task.ExternalTask;
import dev.densify.task.reviews.ReviewsPpoTask;
import dev.densify.task.reviews.ReviewsTask;
import picocli.CommandLine.Command;
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

    @Option(names = "--task-dir", paramLabel = "DIR",
            description = "A prepared built-in task (densify prepare); or give --policy, --prompts and a reward.")
    Path taskDir;

    @Option(names = "--policy", paramLabel = "DIR",
            description = "Your GPT-2 policy: a Hugging Face directory (config.json, model.safetensors, tokenizer.json) "
                    + "or a densify checkpoint. It is also the frozen reference.")
    Path policy;

    @Option(names = "--tokenizer", paramLabel = "PATH", description = "tokenizer.json (default: the policy's directory).")
    Path tokenizer;

    @Option(names = "--prompts", paramLabel = "F", description = "Training prompts: .jsonl (see --prompt-key) or text, one a line.")
    Path prompts;

    @Option(names = "--eval-prompts", paramLabel = "F", description = "Validation prompts (default: the training prompts).")
    Path evalPrompts;

    @Option(names = "--prompt-key", defaultValue = "prompt", paramLabel = "K",
            description = "The JSONL key of a prompt (default: ${DEFAULT-VALUE}); lines without it may have 'messages'.")
    String promptKey;

    @Option(names = "--reward-model", paramLabel = "DIR", description = "A GPT-2 reward model sharing the policy's tokenizer.")
    Path rewardModel;

    @Option(names = "--reward-url", paramLabel = "URL",
            description = "A reward server: POST {\"query\": [texts]} -> {\"rewards\": [numbers]} (OpenRLHF's format).")
    String rewardUrl;

    @Option(names = "--reward-class", paramLabel = "CLASS",
            description = "A RewardFunction on the class path, constructed with the tokenizer or with no arguments.")
    String rewardClass;

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
        boolean own = policy != null || prompts != null || rewardModel != null || rewardUrl != null || rewardClass != null;
        if ((taskDir == null) == !own) {
            throw new ParameterException(spec.commandLine(), taskDir == null
                    ? "give --task-dir (a prepared built-in task), or --policy, --prompts and one of --reward-model, "
                    + "--reward-url, --reward-class"
                    : "--task-dir cannot be combined with --policy, --prompts or a --reward-* option");
        }
        ExternalTask.Spec external = null;
        if (own) {
            if (policy == null || prompts == null) {
                throw new ParameterException(spec.commandLine(), "with your own models give both --policy and --prompts");
            }
            try {
                external = new ExternalTask.Spec(policy, tokenizer, prompts, evalPrompts, promptKey,
                        new ExternalTask.Reward(rewardModel, rewardUrl, rewardClass), c.maxNewTokens());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        main.configureEngineForLongWork();
        PpoConfig resolved = c;
        try (Opened task = external != null ? Opened.of(ExternalTask.open(external, main.device()))
                : Opened.of(ReviewsTask.open(taskDir, main.device()));
             PpoTrainer trainer = new PpoTrainer(task.ppo(), w, resolved, out, main.device());
             Progress progress = new Progress(main.err(), "ppo", resolved.steps(), "steps", Progress.isTerminal())) {
            if (trainer.step() > 0) {
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
                    result.finalReward(), result.lastValidation().path("kl").asDouble(), resolved.steps(), report);
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

    /** The task of either kind, closed with the run. */
    private record Opened(PpoTask ppo, AutoCloseable owner) implements AutoCloseable {
        static Opened of(ReviewsTask task) {
            return new Opened(ReviewsPpoTask.of(task), task);
        }

        static Opened of(ExternalTask task) {
            return new Opened(task.ppoTask(), task);
        }

        @Override
        public void close() throws Exception {
            owner.close();
        }
    }
}
