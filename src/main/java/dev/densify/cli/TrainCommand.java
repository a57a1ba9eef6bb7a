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

import dev.densify.rl.DistributedEnvironment;
import dev.densify.rl.ProcessGroup;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
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

    @Option(names = "--nproc", paramLabel = "N",
            description = {"Train data-parallel in N local processes: each generates, scores and attributes an equal "
                    + "share of every batch, gradients are all-reduced (c10d/Gloo) before each optimiser step, rank 0 "
                    + "writes the run. Without it, torchrun's RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT in the "
                    + "environment make this process one rank of such a run."})
    Integer nproc;

    @Option(names = "--connect-timeout", paramLabel = "S", defaultValue = "120",
            description = "Seconds a data-parallel rank waits for the others to join (default: ${DEFAULT-VALUE}).")
    double connectTimeout;

    /** How long a rank may wait in one collective: rank 0 validates and checkpoints while the others wait. */
    private static final Duration COLLECTIVE_TIMEOUT = Duration.ofHours(2);

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
        if (!(connectTimeout > 0 && connectTimeout <= 86_400)) {
            throw new ParameterException(spec.commandLine(), "--connect-timeout must be in (0, 86400] seconds, got "
                    + connectTimeout);
        }
        Optional<DistributedEnvironment> distributed;
        try {
            distributed = DistributedEnvironment.from(main.env());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "data-parallel environment: " + e.getMessage());
        }
        int processes = nproc != null ? nproc : distributed.map(DistributedEnvironment::worldSize).orElse(1);
        if (nproc != null && nproc < 1) {
            throw new ParameterException(spec.commandLine(), "--nproc must be >= 1, got " + nproc);
        }
        if (nproc != null && distributed.isPresent()) {
            throw new ParameterException(spec.commandLine(), "--nproc starts its own processes: it cannot be combined "
                    + "with RANK/WORLD_SIZE in the environment (this process is rank " + distributed.get().rank()
                    + " already)");
        }
        if (c.batchSize() % processes != 0) {
            throw new ParameterException(spec.commandLine(), "the batch size (" + c.batchSize() + ") must be a "
                    + "multiple of the " + processes + " processes: each generates an equal share of every batch");
        }
        TaskSource source = task.source(spec);
        if (nproc != null) {
            if (nproc > 1 && !ProcessGroup.available()) {
                throw new IllegalStateException("--nproc " + nproc + ": this build of densify has no distributed "
                        + "backend (c10d with Gloo; install libgloo-dev and rebuild)");
            }
            return LocalLauncher.run(nproc, LocalLauncher.withoutNproc(main.args()), main.env(),
                    main.threadsOption() > 0, main.out(), main.err());
        }
        LocalLauncher.watchParent(main.env());
        main.configureEngineForLongWork();
        try (ProcessGroup group = distributed.filter(d -> d.worldSize() > 1)
                .map(d -> ProcessGroup.connect(d, Duration.ofMillis(Math.round(connectTimeout * 1000)),
                        COLLECTIVE_TIMEOUT))
                .orElse(null)) {
            return train(w, c, source, group, distributed.map(d -> d.device(main.device())).orElse(main.device()));
        }
    }

    private int train(ShapingWeights w, PpoConfig resolved, TaskSource source, ProcessGroup group, String device)
            throws Exception {
        // Ranks other than 0 train silently: rank 0 reports for the run.
        boolean writer = group == null || group.rank() == 0;
        PrintStream log = writer ? main.err() : new PrintStream(OutputStream.nullOutputStream());
        try (TaskSource.Opened opened = source.open(device, resolved.maxNewTokens(), log);
             PpoTrainer trainer = new PpoTrainer(opened.ppo(), w, resolved, out, device, group);
             Progress progress = new Progress(log, "ppo", resolved.steps(), "steps", writer && Progress.isTerminal())) {
            if (trainer.step() >= resolved.steps()) {
                log.printf(Locale.ROOT, "%s has done %d steps already (--steps %d): nothing to train%n", out,
                        trainer.step(), resolved.steps());
            } else if (trainer.step() > 0) {
                log.printf(Locale.ROOT, "resuming %s from step %d%n", out, trainer.step());
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
            if (!writer) {
                return 0;
            }
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
