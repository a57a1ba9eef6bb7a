package dev.densify.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.bo.BayesianOptimizer;
import dev.densify.bo.BayesianOptimizerOptions;
import dev.densify.bo.Observation;
import dev.densify.bo.SearchSpace;
import dev.densify.bo.SobolDesign;
import dev.densify.bo.Suggestion;
import dev.densify.engine.Json;
import dev.densify.report.Progress;
import dev.densify.text.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The outer level of the bilevel loop: Bayesian optimisation of the blend weights (and extras)
 * around a {@link TrialObjective}, persisted in {@code RUN/study.db} ({@link StudyStore}) so that a
 * killed study resumes without losing or repeating finished trials.
 *
 * <p><b>Run directory.</b> {@code RUN/study.db} (the trials), {@code RUN/config.json} (the
 * resolved {@link StudyConfig}), {@code RUN/trials/NNNN/} (what trial NNNN's objective wrote; with
 * several seeds per trial, {@code RUN/trials/NNNN/seed-K/}; {@code error.txt} with the stack trace
 * of a failed trial), {@code RUN/report.html} ({@link StudyReport}).
 *
 * <p><b>Loop</b> ({@link #run}):
 * <ol>
 *   <li>trials left RUNNING by a killed process go back to PENDING, with their parameters and seed
 *       (they are re-run from the start in an emptied directory); COMPLETE and FAILED trials are
 *       never re-run;</li>
 *   <li>PENDING trials are run; then, while fewer than {@link StudyConfig#trials()} trials are
 *       finished, q = min(parallel, trials left) candidates are proposed and recorded as PENDING
 *       in one transaction, and run;</li>
 *   <li>proposals: while fewer than {@link StudyConfig#resolvedInitialDesignSize()} trials exist
 *       (or fewer than 2 are complete), the Sobol points with indices = the next trial numbers
 *       (so a failed trial's point is never proposed again); afterwards
 *       {@link BayesianOptimizer#suggest} on the COMPLETE trials (objective = mean over seeds;
 *       maximised), qLogNEI batches of q. Failed trials are not shown to the optimiser (a
 *       failure says nothing reliable about the objective); a model proposal that repeats a failed
 *       trial's point (within {@value #SAME_POINT}) is replaced by the next Sobol point. A batch is
 *       always finished before the next is proposed, so the optimiser never has pending points
 *       (its API takes none). Should the model fail (a numerical error), the batch falls back to
 *       Sobol points, with a warning;</li>
 *   <li>a trial runs its objective once per seed (seeds derived from the trial's), in
 *       {@code RUN/trials/NNNN[/seed-K]}; it is COMPLETE with the mean of the seeds' values
 *       ({@link ObjectiveKind}), the pointwise mean learning curve and mean metrics (plus
 *       {@code objective_seed_K} and {@code objective_sd} with several seeds); FAILED with
 *       {@code ExceptionClass: message} if any seed throws ({@link Exception}, {@link LinkageError}
 *       or {@link AssertionError}) or returns a non-finite value; the study goes on.</li>
 * </ol>
 *
 * <p><b>Parallel trials.</b> The trials of a batch run in min(q, {@link TrialObjective#concurrency()})
 * threads; by default an objective runs one trial at a time (q then only sets the batch size).
 *
 * <p><b>Determinism.</b> Proposals depend only on the configuration's seed and the complete
 * trials' (number-ordered) parameters and objectives; trial seeds on the seed and the trial
 * number. With a deterministic objective the same seed gives the same study, whatever the thread
 * scheduling and however often it was killed and resumed.
 *
 * <p><b>Progress</b> goes to the log stream (stderr from the CLI): a line when a trial starts and
 * when it ends; and when trials run one at a time and the log is {@link System#err} on a terminal,
 * a {@link Progress} bar redrawn in place, fed by the {@link TrialListener} (logs and pipes get
 * the two lines per trial only).
 */
public final class Study implements AutoCloseable {

    /** The database's file name in the run directory. */
    public static final String DATABASE = "study.db";
    /** The resolved configuration's file name in the run directory. */
    public static final String CONFIG_FILE = "config.json";
    /** The trials' directory in the run directory. */
    public static final String TRIALS_DIRECTORY = "trials";

    /** What a study run ended with. */
    public record Result(List<TrialRecord> trials, int complete, int failed, Optional<TrialRecord> bestObserved) {
    }

    /** Relative distance under which a proposal is the point of a failed trial. */
    static final double SAME_POINT = 1e-6;

    private final Path runDirectory;
    private final StudyStorage store;
    private final PrintStream log;
    private final SearchSpace space;
    private final BayesianOptimizer optimizer;

    private Study(Path runDirectory, StudyStorage store, PrintStream log) {
        this.runDirectory = runDirectory;
        this.store = store;
        this.log = log;
        StudyConfig config = store.config();
        this.space = config.searchSpace();
        this.optimizer = optimizer(config);
    }

    /**
     * Creates the study in {@code runDirectory}, or opens it to resume.
     *
     * @param log where progress lines go (null: silent)
     * @throws StudyException see {@link StudyStore#openOrCreate}
     */
    public static Study open(Path runDirectory, StudyConfig config, PrintStream log) {
        Path dir = runDirectory.toAbsolutePath().normalize();
        return open(dir, StudyStore.openOrCreate(dir.resolve(DATABASE), config), log);
    }

    /**
     * A study over an opened storage (a {@link PostgresStudyStore} shared with other workers, or a
     * {@link StudyStore}); trials write under {@code runDirectory}. The study closes the storage.
     */
    public static Study open(Path runDirectory, StudyStorage storage, PrintStream log) {
        Path dir = runDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            storage.config().write(dir.resolve(CONFIG_FILE));
        } catch (IOException e) {
            storage.close();
            throw new StudyException("cannot write " + dir.resolve(CONFIG_FILE) + ": " + e.getMessage(), e);
        }
        return new Study(dir, storage, log);
    }

    /** Trials of a batch running side by side in {@link #run} (their replicates share the objective's concurrency). */
    private volatile int trialWorkers = 1;
    /** A shared study's worker: heartbeat grace period and how long to wait when nothing can be claimed. */
    private volatile Duration heartbeatGrace = DEFAULT_HEARTBEAT_GRACE;
    private volatile Duration pollInterval = DEFAULT_POLL_INTERVAL;

    /** How long a worker may be silent before its trial is given up (default). */
    public static final Duration DEFAULT_HEARTBEAT_GRACE = Duration.ofSeconds(60);
    /** How long a worker waits when every trial left is running elsewhere (default). */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

    /**
     * Sets a shared study's worker timing: this worker beats every grace/4 and its trial is given
     * up after {@code grace} of silence; it looks for work every {@code poll} while others run the
     * last trials.
     */
    public Study withWorkerTiming(Duration grace, Duration poll) {
        if (grace == null || grace.toMillis() < 400) {
            throw new IllegalArgumentException("the heartbeat grace period must be at least 0.4 s, got " + grace);
        }
        if (poll == null || poll.toMillis() < 10) {
            throw new IllegalArgumentException("the poll interval must be at least 10 ms, got " + poll);
        }
        heartbeatGrace = grace;
        pollInterval = poll;
        return this;
    }

    /** The optimiser a study with this configuration uses (the study owns the initial design). */
    static BayesianOptimizer optimizer(StudyConfig config) {
        return new BayesianOptimizer(config.searchSpace(),
                BayesianOptimizerOptions.defaults().withSeed(Seeds.mix(config.seed(), 1)).withInitialDesignSize(1));
    }

    public Path runDirectory() {
        return runDirectory;
    }

    public StudyConfig config() {
        return store.config();
    }

    public StudyStorage store() {
        return store;
    }

    /** All trials so far, by number. */
    public List<TrialRecord> trials() {
        return store.trials();
    }

    /** Where trial {@code number} writes: {@code RUN/trials/NNNN}. */
    public static Path trialDirectory(Path runDirectory, int number) {
        return runDirectory.resolve(TRIALS_DIRECTORY).resolve(String.format(Locale.ROOT, "%04d", number));
    }

    /**
     * Runs (or resumes) the study until {@link StudyConfig#trials()} trials are finished.
     *
     * @throws InterruptedException the thread was interrupted; running trials stay RUNNING and
     *                              are re-run on the next {@code run}
     * @throws StudyException       the database failed
     */
    public Result run(TrialObjective objective) throws InterruptedException {
        if (objective == null) {
            throw new IllegalArgumentException("objective must not be null");
        }
        if (store instanceof SharedStudyStorage shared) {
            return work(shared, objective);
        }
        StudyConfig config = store.config();
        List<Integer> requeued = store.requeueRunning();
        List<TrialRecord> before = store.trials();
        int workers = Math.max(1, Math.min(config.parallel(), objective.concurrency()));
        trialWorkers = workers;
        logStart(config, before, requeued, workers);
        ExecutorService pool = workers > 1 ? Executors.newFixedThreadPool(workers, daemonThreads()) : null;
        try {
            while (true) {
                config = store.config();
                List<TrialRecord> all = store.trials();
                long finished = all.stream().filter(t -> t.state().finished()).count();
                if (finished >= config.trials()) {
                    break;
                }
                List<TrialRecord> batch = all.stream().filter(t -> t.state() == TrialState.PENDING)
                        .limit(config.trials() - finished).toList();
                if (batch.isEmpty()) {
                    int q = (int) Math.min(config.parallel(), config.trials() - finished);
                    batch = store.addPending(propose(config, all, q));
                }
                runBatch(batch, objective, pool, config);
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        return done();
    }

    private Result done() {
        Result result = result();
        say(String.format(Locale.ROOT, "study done: %d complete, %d failed%s", result.complete(), result.failed(),
                result.bestObserved().map(b -> String.format(Locale.ROOT, "; best observed: trial %d, objective %.6g, %s",
                        b.number(), b.objective(), formatParameters(b.parameters()))).orElse("")));
        return result;
    }

    /**
     * A worker of a shared study: registers, beats its heart every grace/4 from a daemon thread,
     * and claims and runs one trial at a time until the budget is finished, waiting while the last
     * trials run elsewhere. Interrupted, it leaves its trial RUNNING: the other workers give it up
     * after the grace period and retry it.
     */
    private Result work(SharedStudyStorage shared, TrialObjective objective) throws InterruptedException {
        StudyConfig config = shared.config();
        Duration grace = heartbeatGrace;
        shared.onNotice(this::say);
        shared.register(grace);
        trialWorkers = 1;
        say(String.format(Locale.ROOT, "study %s: worker %s joins; %d trials over %s, objective %s, %d %s per trial, "
                        + "heartbeat every %.1fs, given up after %.1fs of silence", shared.location(), shared.workerId(),
                config.trials(), String.join(", ", space.names()), config.objective().id(), config.seedsPerTrial(),
                config.seedsPerTrial() == 1 ? "seed" : "seeds", grace.toMillis() / 4000.0, grace.toMillis() / 1000.0));
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "densify-heartbeat");
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean failing = new AtomicBoolean();
        beats.scheduleAtFixedRate(() -> {
            try {
                shared.heartbeat();
                if (failing.getAndSet(false)) {
                    say("heartbeat: the study database answers again");
                }
            } catch (RuntimeException e) {
                if (!failing.getAndSet(true)) {
                    say("warning: heartbeat failed (" + e.getMessage() + "); retrying; after "
                            + grace.toMillis() / 1000.0 + "s other workers give this worker's trial up");
                }
            }
        }, grace.toMillis() / 4, Math.max(25, grace.toMillis() / 4), TimeUnit.MILLISECONDS);
        boolean bars = log != null && log == System.err && Progress.isTerminal();
        boolean waiting = false;
        try {
            while (true) {
                SharedStudyStorage.Claim claim = shared.claim(all -> propose(shared.config(), all, 1).get(0));
                if (claim instanceof SharedStudyStorage.Claim.Trial t) {
                    waiting = false;
                    execute(t.trial(), objective, shared.config(), bars);
                } else if (claim instanceof SharedStudyStorage.Claim.Wait) {
                    if (!waiting) {
                        say("every trial left is running on another worker; waiting for them (or for a lost one to retry)");
                    }
                    waiting = true;
                    Thread.sleep(pollInterval.toMillis());
                } else {
                    break;
                }
            }
        } finally {
            beats.shutdownNow();
            // a beat in flight must not land after the worker is marked stopped
            boolean quiet = false;
            try {
                quiet = beats.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                if (!quiet) {
                    say("warning: the heartbeat thread did not stop within 10 s");
                }
                shared.unregister();
            } catch (RuntimeException e) {
                say("warning: could not mark worker " + shared.workerId() + " stopped: " + e.getMessage());
            }
        }
        return done();
    }

    /** The trials now, counted. */
    public Result result() {
        List<TrialRecord> all = store.trials();
        int complete = (int) all.stream().filter(t -> t.state() == TrialState.COMPLETE).count();
        int failed = (int) all.stream().filter(t -> t.state() == TrialState.FAILED).count();
        return new Result(all, complete, failed, bestObserved(all));
    }

    /** The complete trial with the highest objective (lowest number on ties). */
    public static Optional<TrialRecord> bestObserved(List<TrialRecord> trials) {
        return trials.stream().filter(t -> t.state() == TrialState.COMPLETE)
                .max(Comparator.comparingDouble(TrialRecord::objective)
                        .thenComparing(Comparator.comparingInt(TrialRecord::number).reversed()));
    }

    /** Closes the database (and releases the study's lock). */
    @Override
    public void close() {
        store.close();
    }

    // ---- proposals ---------------------------------------------------------------------------

    private List<StudyStorage.NewTrial> propose(StudyConfig config, List<TrialRecord> all, int q) {
        List<String> names = space.names();
        List<TrialRecord> complete = all.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
        List<Observation> observations = Replicates.of(complete).observations(complete, names);
        // retries repeat lost trials: they take no fixed blend, Sobol index or seed of their own
        int created = (int) all.stream().filter(t -> !TrialRecord.RETRY.equals(t.origin())).count();
        int fixed = config.fixedBlends().size();
        List<double[]> points;
        String origin;
        if (created < fixed) {
            points = new ArrayList<>();
            for (Map<String, Double> blend : config.fixedBlends().subList(created, Math.min(fixed, created + q))) {
                points.add(blend.values().stream().mapToDouble(Double::doubleValue).toArray());
            }
            origin = TrialRecord.FIXED;
        } else if (created - fixed < config.resolvedInitialDesignSize() || observations.size() < 2) {
            points = sobol(config, created - fixed, q);
            origin = TrialRecord.SOBOL;
        } else {
            try {
                // Trials that are proposed or running elsewhere (another worker's) are pending points.
                List<double[]> pending = all.stream()
                        .filter(t -> t.state() == TrialState.RUNNING || t.state() == TrialState.PENDING)
                        .map(t -> t.point(names)).toList();
                Suggestion s = optimizer.suggest(observations, q, pending);
                points = s.points();
                origin = TrialRecord.MODEL;
                // failed trials are not observations, so the model would propose their points again
                List<double[]> failed = all.stream().filter(t -> t.state() == TrialState.FAILED)
                        .map(t -> t.point(names)).toList();
                List<double[]> replacement = null;
                for (int i = 0; i < points.size(); i++) {
                    if (nearAny(points.get(i), failed)) {
                        if (replacement == null) {
                            replacement = sobol(config, created - fixed, q);
                        }
                        say("note: the model proposed the point of a failed trial again; using a Sobol point instead");
                        points.set(i, replacement.get(i));
                        origin = TrialRecord.SOBOL_FALLBACK;
                    }
                }
            } catch (RuntimeException e) {
                say("warning: the optimiser failed (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); proposing Sobol points instead");
                points = sobol(config, created - fixed, q);
                origin = TrialRecord.SOBOL_FALLBACK;
            }
        }
        List<StudyStorage.NewTrial> out = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            LinkedHashMap<String, Double> params = new LinkedHashMap<>();
            for (int j = 0; j < names.size(); j++) {
                params.put(names.get(j), p[j]);
            }
            out.add(new StudyStorage.NewTrial(origin, params, trialSeed(config, created + i)));
        }
        return out;
    }

    /** Whether {@code p} is within {@value #SAME_POINT} (max norm, point coordinates) of one of {@code others}. */
    private static boolean nearAny(double[] p, List<double[]> others) {
        for (double[] o : others) {
            double d = 0;
            for (int i = 0; i < p.length; i++) {
                d = Math.max(d, Math.abs(p[i] - o[i]) / Math.max(1, Math.abs(o[i])));
            }
            if (d < SAME_POINT) {
                return true;
            }
        }
        return false;
    }

    private List<double[]> sobol(StudyConfig config, int start, int q) {
        SobolDesign design = new SobolDesign(space.dimension(), Seeds.mix(config.seed(), 2));
        List<double[]> out = new ArrayList<>();
        for (double[] u : design.points(start, q)) {
            out.add(space.fromUnit(u));
        }
        return out;
    }

    /** The seed of trial {@code number}. */
    static long trialSeed(StudyConfig config, int number) {
        return Seeds.mix(Seeds.mix(config.seed(), 3), number);
    }

    /** The seed of run {@code k} of a trial with seed {@code trialSeed} ({@code k = 0}: the trial's seed). */
    static long runSeed(long trialSeed, int k) {
        return k == 0 ? trialSeed : Seeds.mix(trialSeed, k);
    }

    // ---- running -----------------------------------------------------------------------------

    private void runBatch(List<TrialRecord> batch, TrialObjective objective, ExecutorService pool, StudyConfig config)
            throws InterruptedException {
        if (pool == null) {
            boolean bars = log != null && log == System.err && Progress.isTerminal();
            for (TrialRecord t : batch) {
                runTrial(t, objective, config, bars);
            }
            return;
        }
        List<Future<?>> futures = new ArrayList<>();
        for (TrialRecord t : batch) {
            futures.add(pool.submit(() -> {
                runTrial(t, objective, config, false);
                return null;
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            for (Future<?> f : futures) {
                f.cancel(true);
            }
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            if (c instanceof InterruptedException ie) {
                throw ie;
            }
            throw new StudyException("a trial thread failed: " + c, c);
        } catch (InterruptedException e) {
            for (Future<?> f : futures) {
                f.cancel(true);
            }
            throw e;
        }
    }

    private void runTrial(TrialRecord pending, TrialObjective objective, StudyConfig config, boolean showProgress)
            throws InterruptedException {
        execute(store.markRunning(pending.number()), objective, config, showProgress);
    }

    /** Runs a RUNNING trial's seeds and records its end. */
    private void execute(TrialRecord trial, TrialObjective objective, StudyConfig config, boolean showProgress)
            throws InterruptedException {
        int n = trial.number();
        String label = String.format(Locale.ROOT, "trial %d (of %d)", n, config.trials());
        say(label + " start" + (trial.attempts() > 1 ? " (attempt " + trial.attempts() + ")" : "") + "  "
                + trial.origin() + "  " + formatParameters(trial.parameters()));
        Path dir = trialDirectory(runDirectory, n);
        long t0 = System.nanoTime();
        Aggregate aggregate;
        try {
            emptyDirectory(dir, config.seedsPerTrial() > 1);
            aggregate = runSeeds(trial, objective, config, dir, showProgress ? "trial " + n : null);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception | LinkageError | AssertionError e) {
            String error = describe(e);
            writeError(dir, e);
            if (!record(n, () -> store.markFailed(n, error))) {
                return;
            }
            say(String.format(Locale.ROOT, "%s FAILED after %.1fs: %s", label, (System.nanoTime() - t0) / 1e9, error));
            return;
        }
        if (!record(n, () -> store.markComplete(n, aggregate.objective, aggregate.curve, aggregate.metrics))) {
            return;
        }
        TrialRecord best = bestObserved(store.trials()).orElse(null);
        say(String.format(Locale.ROOT, "%s complete in %.1fs  objective %.6g%s", label,
                (System.nanoTime() - t0) / 1e9, aggregate.objective,
                best == null ? "" : String.format(Locale.ROOT, "  best %.6g (trial %d)", best.objective(),
                        best.number())));
    }

    /**
     * Records a trial's end; false when a shared study gave the trial up meanwhile (this worker was
     * silent for longer than its grace period): the result is discarded, the retry stands.
     */
    private boolean record(int number, Runnable write) {
        try {
            write.run();
            return true;
        } catch (IllegalStateException e) {
            if (!(store instanceof SharedStudyStorage)) {
                throw e;
            }
            say("trial " + number + ": given up as lost while this worker ran it (" + e.getMessage()
                    + "); its result is discarded");
            return false;
        }
    }

    private record Aggregate(double objective, List<Double> curve, Map<String, Double> metrics) {
    }

    private Aggregate runSeeds(TrialRecord trial, TrialObjective objective, StudyConfig config, Path dir,
                               String progressLabel) throws Exception {
        int seeds = config.seedsPerTrial();
        TrialOutcome[] outcomes = new TrialOutcome[seeds];
        List<Integer> toRun = new ArrayList<>();
        for (int k = 0; k < seeds; k++) {
            outcomes[k] = seeds == 1 ? null : readOutcome(dir.resolve("seed-" + k));
            if (outcomes[k] == null) {
                toRun.add(k);
            } else {
                say(String.format(Locale.ROOT, "trial %d seed %d: finished before the interruption, kept (objective "
                        + "%.6g)", trial.number(), k, outcomes[k].objective()));
            }
        }
        // Replicates side by side where the objective can run several at once and this trial has
        // the share of it (the batch's trials may be running side by side too).
        int side = Math.min(toRun.size(), Math.max(1, objective.concurrency() / trialWorkers));
        if (side <= 1) {
            for (int k : toRun) {
                outcomes[k] = runReplicate(trial, objective, dir, k, seeds, progressLabel);
            }
        } else {
            ExecutorService replicates = Executors.newFixedThreadPool(side, daemonThreads());
            try {
                List<Future<TrialOutcome>> futures = new ArrayList<>();
                for (int k : toRun) {
                    futures.add(replicates.submit(() -> runReplicate(trial, objective, dir, k, seeds, progressLabel)));
                }
                for (int i = 0; i < toRun.size(); i++) {
                    try {
                        outcomes[toRun.get(i)] = futures.get(i).get();
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof Exception cause) {
                            throw cause;
                        }
                        throw (Error) e.getCause();
                    }
                }
            } finally {
                replicates.shutdownNow();
            }
        }
        double[] values = new double[seeds];
        List<List<Double>> curves = new ArrayList<>();
        List<Map<String, Double>> metrics = new ArrayList<>();
        for (int k = 0; k < seeds; k++) {
            values[k] = config.objectiveValue(outcomes[k]);
            curves.add(outcomes[k].learningCurve());
            metrics.add(outcomes[k].metrics());
        }
        double mean = 0;
        for (double v : values) {
            mean += v / seeds;
        }
        int length = curves.stream().mapToInt(List::size).min().orElse(0);
        List<Double> curve = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            double s = 0;
            for (List<Double> c : curves) {
                Double y = c.get(i);
                s += y == null ? Double.NaN : y;
            }
            curve.add(s / seeds);
        }
        LinkedHashMap<String, Double> merged = new LinkedHashMap<>();
        for (String key : metrics.get(0).keySet()) {
            if (metrics.stream().allMatch(m -> m.containsKey(key))) {
                double s = 0;
                for (Map<String, Double> m : metrics) {
                    Double v = m.get(key);
                    s += v == null ? Double.NaN : v;
                }
                merged.put(key, s / seeds);
            }
        }
        if (seeds > 1) {
            double ss = 0;
            for (int k = 0; k < seeds; k++) {
                merged.put("objective_seed_" + k, values[k]);
                ss += (values[k] - mean) * (values[k] - mean);
            }
            merged.put("objective_sd", Math.sqrt(ss / (seeds - 1)));
        }
        return new Aggregate(mean, curve, merged);
    }

    /** Runs replicate k of a trial into its directory; with replicates, records its outcome there. */
    private TrialOutcome runReplicate(TrialRecord trial, TrialObjective objective, Path dir, int k, int seeds,
                                      String progressLabel) throws Exception {
        Path runDir = seeds == 1 ? dir : dir.resolve("seed-" + k);
        Files.createDirectories(runDir);
        TrialSpec spec = new TrialSpec(trial.number(), trial.parameters(), runSeed(trial.seed(), k), runDir);
        ProgressListener listener = new ProgressListener(progressLabel == null ? null : log,
                seeds == 1 || progressLabel == null ? progressLabel : progressLabel + " seed " + k);
        TrialOutcome outcome;
        try {
            outcome = objective.run(spec, listener);
        } finally {
            listener.finish();
        }
        if (outcome == null) {
            throw new IllegalStateException("the objective returned no outcome");
        }
        if (seeds > 1) {
            writeOutcome(runDir, outcome);
        }
        return outcome;
    }

    /** A replicate's outcome, written once it finished; what a re-run of its trial keeps. */
    static final String OUTCOME_FILE = "outcome.json";

    private static void writeOutcome(Path runDir, TrialOutcome outcome) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("objective", outcome.objective());
        n.set("learning_curve", StudyJson.list(outcome.learningCurve()));
        n.set("metrics", StudyJson.map(outcome.metrics()));
        AtomicFiles.write(runDir.resolve(OUTCOME_FILE), Json.MAPPER.writeValueAsBytes(n));
    }

    /** The outcome a finished replicate left, or null (none, or unreadable: then it runs again). */
    private static TrialOutcome readOutcome(Path runDir) {
        Path file = runDir.resolve(OUTCOME_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(file.toFile());
            List<Double> curve = new ArrayList<>();
            n.path("learning_curve").forEach(v -> curve.add(v.asDouble()));
            Map<String, Double> metrics = new LinkedHashMap<>();
            n.path("metrics").properties().forEach(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
            JsonNode objective = n.get("objective");
            return objective != null && objective.isNumber() ? new TrialOutcome(objective.asDouble(), curve, metrics) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Feeds a lazily created {@link Progress} bar (when there is a label and a stream). */
    private static final class ProgressListener implements TrialListener {
        private final PrintStream out;
        private final String label;
        private Progress progress;

        ProgressListener(PrintStream out, String label) {
            this.out = out;
            this.label = label;
        }

        @Override
        public synchronized void progress(long step, long total, String metric, double value) {
            if (out == null || label == null) {
                return;
            }
            if (progress == null) {
                progress = Progress.on(out, label, Math.max(0, total), "steps");
            }
            if (metric != null) {
                progress.metric(metric, value);
            }
            progress.set(step);
        }

        synchronized void finish() {
            if (progress != null) {
                progress.finish();
            }
        }
    }

    /**
     * {@code Class: message}, with the causes' messages; a file system error says which file and
     * what went wrong (its exception's message may be the bare path).
     */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getName());
        if (e instanceof java.nio.file.FileSystemException f) {
            sb.append(": file system error on ").append(f.getFile());
            if (f.getOtherFile() != null) {
                sb.append(" and ").append(f.getOtherFile());
            }
            sb.append(": ").append(f.getReason() != null ? f.getReason() : problem(f));
        } else if (e.getMessage() != null) {
            sb.append(": ").append(e.getMessage());
        }
        Throwable c = e.getCause();
        for (int depth = 0; c != null && c != e && depth < 5; depth++, c = c.getCause()) {
            sb.append(" (caused by ").append(c.getClass().getName());
            if (c.getMessage() != null) {
                sb.append(": ").append(c.getMessage());
            }
            sb.append(')');
        }
        String s = sb.toString();
        return s.length() > 4000 ? s.substring(0, 4000) + "…" : s;
    }

    /** What a file system exception without a reason means, in words. */
    private static String problem(java.nio.file.FileSystemException f) {
        return switch (f) {
            case java.nio.file.AccessDeniedException a -> "access denied";
            case java.nio.file.NoSuchFileException n -> "no such file or directory";
            case java.nio.file.FileAlreadyExistsException x -> "it already exists";
            case java.nio.file.DirectoryNotEmptyException d -> "the directory is not empty";
            case java.nio.file.NotDirectoryException d -> "not a directory";
            default -> "the operation failed (" + f.getClass().getSimpleName() + ")";
        };
    }

    private static void writeError(Path dir, Throwable e) {
        try {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("error.txt"), w.toString(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException ignored) {
            // the error is in the database; the stack trace is a convenience
        }
    }

    /**
     * Deletes what an interrupted attempt left, then creates the directory; with replicates, the
     * {@code seed-K} directories of runs that finished (their {@value #OUTCOME_FILE} written) are
     * kept, so that no run is done twice.
     */
    private static void emptyDirectory(Path dir, boolean keepFinishedRuns) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> children = Files.list(dir)) {
                for (Path child : children.toList()) {
                    if (!(keepFinishedRuns && child.getFileName().toString().startsWith("seed-")
                            && Files.isRegularFile(child.resolve(OUTCOME_FILE)))) {
                        AtomicFiles.deleteRecursively(child);
                    }
                }
            }
        }
        Files.createDirectories(dir);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "densify-trial-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---- log ---------------------------------------------------------------------------------

    private void logStart(StudyConfig config, List<TrialRecord> trials, List<Integer> requeued, int workers) {
        long complete = trials.stream().filter(t -> t.state() == TrialState.COMPLETE).count();
        long failed = trials.stream().filter(t -> t.state() == TrialState.FAILED).count();
        StringBuilder sb = new StringBuilder();
        sb.append("study ").append(runDirectory).append(": ").append(config.trials()).append(" trials over ")
                .append(String.join(", ", space.names())).append(", objective ").append(config.objective().id())
                .append(", q = ").append(config.parallel()).append(" (").append(workers).append(workers == 1
                        ? " at a time" : " threads").append("), ").append(config.seedsPerTrial())
                .append(config.seedsPerTrial() == 1 ? " seed" : " seeds").append(" per trial, seed ")
                .append(config.seed());
        if (!trials.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nresuming: %d complete, %d failed", complete, failed));
            if (!requeued.isEmpty()) {
                sb.append(", interrupted trial").append(requeued.size() == 1 ? " " : "s ")
                        .append(requeued)
                        .append(" re-queued");
            }
        }
        say(sb.toString());
    }

    private void say(String line) {
        if (log != null) {
            synchronized (log) {
                log.println(line);
                log.flush();
            }
        }
    }

    static String formatParameters(Map<String, Double> parameters) {
        StringBuilder sb = new StringBuilder();
        parameters.forEach((k, v) -> {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(k).append('=').append(Math.abs(v) < 1e-3 && v != 0
                    ? String.format(Locale.ROOT, "%.3g", v) : String.format(Locale.ROOT, "%.3f", v));
        });
        return sb.toString();
    }
}
