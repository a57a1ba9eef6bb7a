package dev.densify.cli;

import dev.densify.attribution.AttributionMethod;
import dev.densify.shaping.ShapingWeights;
import dev.densify.rl.ProcessGroup;
import dev.densify.study.ObjectiveKind;
import dev.densify.study.PostgresStudyStore;
import dev.densify.study.PpoObjectiveFactory;
import dev.densify.study.StorageUrl;
import dev.densify.study.Study;
import dev.densify.task.TaskSource;
import dev.densify.study.StudyConfig;
import dev.densify.study.StudyReport;
import dev.densify.study.StudyStore;
import dev.densify.study.TrialObjective;
import dev.densify.study.TrialRecord;
import dev.densify.study.TrialState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code densify study}: learns the blend weights of the dense reward by Bayesian optimisation
 * around PPO trials ({@link Study}); resumes when {@code --out} already holds the same study; writes
 * {@code RUN/report.html} at the end ({@link StudyReport}).
 *
 * <p>The study's settings come from {@code --study-config F} (a {@link StudyConfig} JSON), each
 * overridden by the option given on the command line. {@code --config F} is the training
 * configuration handed to the PPO objective ({@link PpoObjectiveFactory}). What the objective is
 * built from (task directory, steps per trial, the training configuration's path and SHA-256) is
 * recorded in the study, so a resume with other inputs is refused.
 *
 * <p>Bad options are usage errors (exit 2); unreadable files, a foreign or corrupt
 * {@code study.db}, a study with another configuration, or every trial failing are runtime errors
 * (exit 1). Failed trials alone are not: they are recorded and reported.
 */
@Command(name = "study", mixinStandardHelpOptions = true, sortOptions = false, subcommands = StudyStatusCommand.class,
        description = "Learn dense-reward blend weights by Bayesian optimisation around PPO trials (resumable; "
                + "with --storage postgresql://…, shared by worker processes on any machines).")
final class StudyCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    TaskOptions task;

    @Option(names = "--trials", paramLabel = "N", description = "Trials in the study (required unless in --study-config).")
    Integer trials;

    // (checked in call(), not by picocli: `study status` needs neither)
    @Option(names = "--steps-per-trial", paramLabel = "K", description = "PPO steps per trial (required).")
    Integer stepsPerTrial;

    @Option(names = "--parallel", paramLabel = "Q", description = "Candidates per optimiser batch (default 1).")
    Integer parallel;

    @Option(names = "--out", paramLabel = "RUN", description = "The run directory (required; resumed if it holds "
            + "this study; with a shared storage, where this process's trials write).")
    Path out;

    @Option(names = "--storage", paramLabel = "URL", description = "Where the study persists: sqlite:PATH (default "
            + "sqlite:RUN/study.db, one process) or postgresql://user@host:port/db (shared by workers; password from "
            + "the URL or PGPASSWORD).")
    String storage;

    @Option(names = "--study-name", paramLabel = "NAME", description = "The study's name in a PostgreSQL storage "
            + "(default: the name of --out).")
    String studyName;

    @Option(names = "--worker", description = "Join a study that exists in the PostgreSQL storage (refused if it does "
            + "not), with the same settings; start it once without --worker.")
    boolean worker;

    @Option(names = "--heartbeat-grace", paramLabel = "SECONDS", description = "A shared study's worker that is silent "
            + "this long has its trial given up and retried once (default 60; it beats every quarter of that).")
    Double heartbeatGrace;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the optimiser and the trials (default 0).")
    Long seed;

    @Option(names = "--methods", paramLabel = "M,M,...",
            description = "Components to blend, at least 2 of sparse, shap, lime, attention (default: all four).")
    String methods;

    @Option(names = "--objective", paramLabel = "KIND",
            description = "final (the last validation reward), auc (area under the learning curve) or reward_minus_kl "
                    + "(the last validation reward minus --kl-penalty times its KL to the reference); default final.")
    String objective;

    @Option(names = "--kl-penalty", paramLabel = "C",
            description = "c of reward_minus_kl (default " + StudyConfig.DEFAULT_KL_PENALTY + ").")
    Double klPenalty;

    @Option(names = "--fixed", paramLabel = "W",
            description = "A fixed blend run as one of the first trials, e.g. sparse=1 (repeat for several): the report "
                    + "gives the probability that the recommended weights beat the best of them.")
    List<String> fixed;

    @Option(names = "--seeds-per-trial", paramLabel = "N", description = "Runs per trial, averaged (default 1).")
    Integer seedsPerTrial;

    @Option(names = "--initial-design", paramLabel = "N", description = "Sobol trials before the model (default 2d+1).")
    Integer initialDesign;

    @Option(names = "--kl-coef-range", paramLabel = "LO:HI", description = "Also search the KL coefficient in [LO, HI] (log scale).")
    String klRange;

    @Option(names = "--learning-rate-range", paramLabel = "LO:HI", description = "Also search the learning rate in [LO, HI] (log scale).")
    String lrRange;

    @Option(names = "--config", paramLabel = "F", description = "Training configuration for the PPO trials.")
    Path trainConfig;

    @Option(names = "--study-config", paramLabel = "F", description = "Study configuration JSON; options override it.")
    Path studyConfig;

    @Option(names = "--json", description = "Print the study summary as JSON on stdout.")
    boolean json;

    @Option(names = "--nproc", paramLabel = "N", description = "Run each trial data-parallel in N local processes "
            + "(as train --nproc; the batch size must be a multiple of N).")
    Integer nproc;

    @Override
    public Integer call() throws Exception {
        if (stepsPerTrial == null || out == null) {
            throw new ParameterException(spec.commandLine(), "missing required option" + (stepsPerTrial == null
                    && out == null ? "s '--steps-per-trial', '--out'" : stepsPerTrial == null
                    ? " '--steps-per-trial'" : " '--out'") + " (or use 'densify study status')");
        }
        if (stepsPerTrial < 1) {
            throw new ParameterException(spec.commandLine(), "--steps-per-trial must be >= 1, got " + stepsPerTrial);
        }
        StorageUrl url = storage(spec, storage, out);
        if (!url.shared() && (worker || studyName != null || heartbeatGrace != null)) {
            throw new ParameterException(spec.commandLine(), (worker ? "--worker" : studyName != null ? "--study-name"
                    : "--heartbeat-grace") + " needs a shared storage (--storage postgresql://…)");
        }
        Duration grace = Study.DEFAULT_HEARTBEAT_GRACE;
        if (heartbeatGrace != null) {
            if (!(heartbeatGrace >= 1 && heartbeatGrace <= 86_400)) {
                throw new ParameterException(spec.commandLine(), "--heartbeat-grace must be in [1, 86400] seconds, got "
                        + heartbeatGrace);
            }
            grace = Duration.ofMillis(Math.round(heartbeatGrace * 1000));
        }
        if (nproc != null && nproc < 1) {
            throw new ParameterException(spec.commandLine(), "--nproc must be >= 1, got " + nproc);
        }
        int processes = nproc == null ? 1 : nproc;
        if (processes > 1 && !ProcessGroup.available()) {
            throw new IllegalStateException("--nproc " + processes + ": this build of densify has no distributed "
                    + "backend (c10d with Gloo; install libgloo-dev and rebuild)");
        }
        TaskSource source = task.source(spec);
        StudyConfig config = config(source);
        PpoObjectiveFactory.Request request = new PpoObjectiveFactory.Request(source,
                stepsPerTrial, trainConfig == null ? null : trainConfig.toAbsolutePath().normalize(), main.device(), main.err(),
                processes, processes > 1 ? this::trainDataParallel : null);
        main.configureEngineForLongWork();
        TrialObjective trialObjective = PpoObjectiveFactory.create(request);
        Study.Result result;
        StudyReport.Summary summary;
        try (Study study = open(url, config, grace)) {
            result = study.run(trialObjective);
            summary = StudyReport.write(out, study.store());
        }
        main.err().print(summary.text());
        if (json) {
            Json.print(main.out(), summary.toJson());
        }
        if (result.complete() == 0 && result.failed() > 0) {
            TrialRecord first = result.trials().stream().filter(t -> t.state() == TrialState.FAILED).findFirst()
                    .orElseThrow();
            throw new IllegalStateException("all " + result.failed() + " trials failed; trial " + first.number() + ": "
                    + first.error());
        }
        return 0;
    }

    /** A trial as {@code train --nproc}: the global options, the task's options, the trial's settings. */
    private void trainDataParallel(int processes, Path trialConfig, ShapingWeights weights, Path trialOut)
            throws Exception {
        List<String> args = new ArrayList<>();
        String[] all = main.args();
        for (int i = 0; i < all.length && !all[i].equals(spec.name()); i++) {
            args.add(all[i]); // global options (--threads, --device, --debug)
        }
        args.add("train");
        args.addAll(matchedOptions(spec.mixins().get("task")));
        args.addAll(List.of("--config", trialConfig.toString(), "--weights", weights.toString(),
                "--out", trialOut.toString()));
        int status = LocalLauncher.run(processes, args, main.env(), main.threadsOption() > 0, main.err(), main.err());
        if (status != 0) {
            throw new IllegalStateException("the trial's data-parallel training (" + processes + " processes) exited with "
                    + status);
        }
    }

    /** The options of a mixin (and its mixins) given on this command line, as they were written. */
    private List<String> matchedOptions(CommandSpec mixin) {
        List<String> out = new ArrayList<>();
        ParseResult parsed = spec.commandLine().getParseResult();
        for (OptionSpec option : mixin.options()) {
            OptionSpec matched = parsed.matchedOption(option.longestName());
            if (matched != null) {
                for (String value : matched.originalStringValues()) {
                    out.add(option.longestName());
                    out.add(value);
                }
            }
        }
        return out;
    }

    private Study open(StorageUrl url, StudyConfig config, Duration grace) {
        if (!url.shared()) {
            return Study.open(out, StudyStore.openOrCreate(url.sqlite(), config), main.err());
        }
        String name = studyName != null ? studyName : out.toAbsolutePath().normalize().getFileName().toString();
        PostgresStudyStore store = PostgresStudyStore.open(url, name, config, !worker);
        return Study.open(out, store, main.err()).withWorkerTiming(grace, Study.DEFAULT_POLL_INTERVAL);
    }

    /** The storage of --storage, or of the run directory (null when neither is given). */
    static StorageUrl storage(CommandSpec spec, String storage, Path out) {
        if (storage == null) {
            return out == null ? null : StorageUrl.sqliteIn(out.toAbsolutePath().normalize());
        }
        try {
            return StorageUrl.parse(storage);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--storage: " + e.getMessage(), e);
        }
    }

    /** The study configuration: the file's, overridden by the options; usage errors name the option. */
    private StudyConfig config(TaskSource source) throws IOException {
        StudyConfig base = null;
        if (studyConfig != null) {
            base = StudyConfig.read(studyConfig); // a bad file: runtime error naming it
        }
        if (trials == null && base == null) {
            throw new ParameterException(spec.commandLine(), "--trials is required (or give trials in --study-config)");
        }
        try {
            List<AttributionMethod> components = methods != null ? StudyConfig.parseMethods(methods)
                    : base != null ? base.components() : List.of(AttributionMethod.values());
            ObjectiveKind kind = objective != null ? ObjectiveKind.parse(objective)
                    : base != null ? base.objective() : ObjectiveKind.FINAL;
            int n = trials != null ? trials : base.trials();
            int q = parallel != null ? parallel : base != null ? Math.min(base.parallel(), Math.max(1, n)) : 1;
            int seeds = seedsPerTrial != null ? seedsPerTrial : base != null ? base.seedsPerTrial() : 1;
            int initial = initialDesign != null ? initialDesign : base != null ? base.initialDesignSize() : 0;
            long s = seed != null ? seed : base != null ? base.seed() : 0;
            List<StudyConfig.ExtraDimension> extras = new ArrayList<>(base != null ? base.extras() : List.of());
            if (klRange != null) {
                replace(extras, range(StudyConfig.KL_COEF, "--kl-coef-range", klRange));
            }
            if (lrRange != null) {
                replace(extras, range(StudyConfig.LEARNING_RATE, "--learning-rate-range", lrRange));
            }
            List<Map<String, Double>> blends = base != null ? base.fixedBlends() : List.of();
            if (fixed != null) {
                blends = new ArrayList<>();
                for (String w : fixed) {
                    blends.add(ShapingWeights.parse(w).asMap());
                }
            }
            double c = klPenalty != null ? klPenalty : base != null ? base.klPenalty() : StudyConfig.DEFAULT_KL_PENALTY;
            return new StudyConfig(components, extras, kind, n, q, seeds, initial, s, objectiveSettings(source), blends, c);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private Map<String, String> objectiveSettings(TaskSource source) throws IOException {
        TreeMap<String, String> m = new TreeMap<>();
        m.put("objective", "ppo");
        m.putAll(source.describe());
        m.put("steps_per_trial", Integer.toString(stepsPerTrial));
        if (trainConfig != null) {
            Path p = trainConfig.toAbsolutePath().normalize();
            m.put("train_config", p.toString());
            if (Files.isRegularFile(p)) {
                m.put("train_config_sha256", sha256(Files.readAllBytes(p)));
            }
        }
        return m;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void replace(List<StudyConfig.ExtraDimension> extras, StudyConfig.ExtraDimension e) {
        extras.removeIf(x -> x.name().equals(e.name()));
        extras.add(e);
    }

    private static StudyConfig.ExtraDimension range(String name, String option, String text) {
        String[] parts = text.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException(option + " must be LO:HI, got '" + text + "'");
        }
        try {
            return StudyConfig.ExtraDimension.log(name, Double.parseDouble(parts[0].strip()),
                    Double.parseDouble(parts[1].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be LO:HI with numbers, got '" + text + "'");
        }
    }
}
