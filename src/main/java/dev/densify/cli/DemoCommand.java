package dev.densify.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code densify demo}: the whole method end to end on the built-in task: prepare the small
 * reviews task (cached), a short Bayesian-optimisation study of the blend weights over PPO
 * trials, and its report. The same as running prepare, study and report by hand.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Prepare the small reviews task (cached), run a short study of the dense-reward blend "
                + "weights (sparse, SHAP, LIME, attention) with PPO trials, and write its report.",
                "Writes DIR/task (the task), DIR/study (trials, study.db, report.html). Running it again resumes "
                        + "the study, or only rewrites the report when it is complete."})
final class DemoCommand implements Callable<Integer> {

    /** Rollout and attribution sizes that keep a trial near half a minute on 2 CPU cores. */
    static final String PPO_CONFIG = """
            {"batchSize": 16, "minibatchSize": 4, "ppoEpochs": 4, "shapSamples": 32, "limeSamples": 32,
             "validationPrompts": 32, "maxNewTokens": 20}
            """;

    @ParentCommand
    Main main;

    @Option(names = "--out", defaultValue = "densify-demo", paramLabel = "DIR",
            description = "Where the task and the study go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--trials", defaultValue = "6", paramLabel = "N", description = "Trials (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--steps-per-trial", defaultValue = "12", paramLabel = "K",
            description = "PPO steps per trial (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        main.configureEngineForLongWork();
        Path config = out.resolve("demo-ppo.json");
        try {
            Files.createDirectories(out);
            Files.writeString(config, PPO_CONFIG, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config + ": " + e.getMessage(), e);
        }
        List<String> global = new ArrayList<>(List.of("--device", main.device()));
        if (main.threadsOption() > 0) {
            global.addAll(List.of("--threads", Integer.toString(main.threadsOption())));
        }
        if (main.dtypeOption() != null) {
            global.addAll(List.of("--dtype", main.dtypeOption().toString()));
        }
        main.err().println("densify demo: 1/2 prepare the small reviews task in " + out.resolve("task"));
        int rc = run(global, "prepare", "--task", "reviews", "--size", "small", "--seed", Long.toString(seed),
                "--out", out.resolve("task").toString());
        if (rc != 0) {
            return rc;
        }
        main.err().println("densify demo: 2/2 study of the blend weights in " + out.resolve("study"));
        // Half the trials from the Sobol design, half suggested by the GP: the automatic design (2d + 1
        // = 7 on the 4-simplex) would use up a short demo before Bayesian optimisation starts.
        int initialDesign = Math.max(2, trials / 2);
        rc = run(global, "study", "--task-dir", out.resolve("task").toString(), "--trials", Integer.toString(trials),
                "--steps-per-trial", Integer.toString(steps), "--initial-design", Integer.toString(initialDesign),
                "--config", config.toString(), "--seed", Long.toString(seed), "--out", out.resolve("study").toString());
        if (rc == 0) {
            main.err().println("densify demo: open " + out.resolve("study").resolve("report.html"));
        }
        return rc;
    }

    private int run(List<String> global, String... command) {
        List<String> args = new ArrayList<>(global);
        args.addAll(List.of(command));
        return Main.run(args.toArray(String[]::new), main.out(), main.err());
    }
}
