package dev.densify.task.reviews;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Densify;
import dev.densify.engine.Json;
import dev.densify.model.Policy;
import dev.densify.model.RewardModel;
import dev.densify.report.Progress;
import dev.densify.task.NativeThreads;
import dev.densify.task.PrepareOptions;
import dev.densify.task.TaskDirectory;
import dev.densify.task.TaskDirectoryException;
import dev.densify.task.TaskJson;
import dev.densify.text.AtomicFiles;
import dev.densify.text.WordTokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The prepared "reviews" task: an SFT policy and a sentiment reward model trained on the review
 * language, with the data they were trained on, in one directory.
 *
 * <h2>Preparing ({@link #prepare})</h2>
 * <ol>
 *   <li><b>data</b>: {@link ReviewDataset#generate} with the seed and the preset's split sizes;
 *       prompts are the opening 2–5 words of validation (RL training) and test (evaluation)
 *       reviews.</li>
 *   <li><b>SFT policy</b>: a GPT-2 trained with Adam (global-norm clipping 1; a step schedule:
 *       the last 30% of the steps at a tenth of the rate, see {@link ReviewsConfig.Training}) on
 *       next-token loss over {@code bos + words + eos} of the training reviews, in
 *       length-bucketed mini-batches.</li>
 *   <li><b>reward model</b>: a GPT-2 classifier whose score is the logit of "positive", read at
 *       the last token of {@code bos + words} (no eos), trained the same way with the logistic
 *       loss. <em>Soft labels</em> ({@link ReviewsConfig#label}): an example with true sentiment
 *       s is labelled sigmoid(c·s), c = {@link ReviewsConfig#labelScale()} (1.5), so the loss is
 *       least when the score is c·s: the score is about linear in the true sentiment, and the
 *       Shapley values of a linear function of the sentiment are c times the true token
 *       contributions ({@link TokenContributions}). (Hard 0/1 labels push the logit of clear
 *       reviews to large values of no meaning, and SHAP of such a score ranks the words far
 *       worse.) <em>Prefix augmentation</em>: PPO scores partial and unfinished policy samples,
 *       so a quarter of the training reviews (seeded) contribute one extra example: their first
 *       k words, k uniform in [2, n−1], labelled by the prefix's own true sentiment (sigmoid(0) =
 *       0.5 when the prefix has sentiment 0 — no evidence yet, so the score should sit near 0).
 *       {@link ReviewsSummary#rewardPrefixAccuracy} measures it on held-out prefixes. <em>Mask
 *       augmentation</em> ({@link ReviewsConfig.Masks}): attribution explains a score by scoring
 *       coalitions in which removed response tokens are replaced by the mask token, text a
 *       reward model trained on reviews alone never saw and scores arbitrarily. So half of the
 *       rows drawn into the batches are replaced by a fresh masked copy (prompt-like first 2–5
 *       words kept, of the rest a Shapley-kernel-distributed number kept, so mostly near-empty
 *       and near-full coalitions, as KernelSHAP evaluates them), labelled by the true sentiment
 *       of the masked text (the mask counts as a neutral word, as in the oracle's game).
 *       {@link ReviewsSummary#rewardMaskedPearson} measures it on masked test reviews.</li>
 *   <li><b>evaluation</b> of the saved checkpoints: validation perplexity; test accuracy and
 *       Pearson/Spearman correlation of scores with the true sentiment; the same correlation on
 *       one masked copy of each test review; one sample per test
 *       prompt at temperature 1 (stop at eos, at most {@value ReviewGrammar#MAX_WORDS} tokens),
 *       checked with {@link ReviewGrammar#parses} (prompt + response cut at eos) and
 *       {@link SentimentFunction}, and scored by the reward model; a second sample set at
 *       temperature 0.7 for grammaticality alone.</li>
 * </ol>
 *
 * <h2>Threads</h2>
 * The models are tiny, so every native operation runs single-threaded (see
 * {@link NativeThreads}; the previous settings are restored afterwards) and parallelism comes
 * from training (and evaluating) the policy and the reward model at the same time on two Java
 * threads when {@code threads} (or, when 0, the engine's thread count) is at least 2; with 1
 * they run one after the other. More than 2 threads do not help. The numbers do not depend on
 * the choice.
 *
 * <h2>Quality and the documented leniency</h2>
 * Targets: reward-model test accuracy ≥ 95% (default) / ≥ 90% (small); SFT samples ≥ 95%
 * grammatical with both sentiments present, neither above 80%. The default size meets them
 * at temperature 1. The small size, trained for about 20 s per model, reaches 93% grammatical
 * at temperature 1: a small model spreads a little probability over every token and some
 * 15-token samples pick up a wrong one. Its bar is therefore ≥ 95% at the low temperature
 * ({@link ReviewsSummary#lowTemperatureParseShare}, 0.7) and ≥ 90% at temperature 1.
 *
 * <h2>The directory</h2>
 * <pre>
 *   task.json           every parameter ({@link ReviewsConfig#toJson}); decides reuse
 *   tokenizer.json      the word tokenizer over the lexicon
 *   data/*.jsonl        splits and prompts ({@link ReviewDataset#write})
 *   policy.safetensors  the SFT policy
 *   reward.safetensors  the reward model
 *   samples.jsonl       the temperature-1 SFT samples: prompt, response, finished, parses, sentiment, reward
 *   summary.json        sizes and quality ({@link ReviewsSummary})
 *   timings.json        wall-clock seconds per phase, threads, device: NOT under the determinism promise
 *   COMPLETE            the completion marker: SHA-256 of every file above except timings.json
 * </pre>
 * <b>Determinism</b>: the same seed and size on the same build and device give byte-identical
 * files, except {@code timings.json}. Since all native math is single-threaded, this holds for
 * any {@code --threads}; the promise is stated for the same thread count, which is what the
 * tests check. JSON is written with sorted keys and no timestamps.
 *
 * <p><b>Atomicity and reuse</b> follow {@link TaskDirectory}: the build goes to
 * {@code DIR.partial-<random>}, the marker is written last, then the build is renamed to DIR.
 * An existing DIR that is complete with the same task.json is reused (no training); one
 * without a valid marker is reported and rebuilt; a complete one with other parameters is an
 * error unless {@code force}; a directory with foreign entries is never touched.
 *
 * <h2>Using it ({@link #open})</h2>
 * An instance holds the task's configuration, tokenizer, summary and both models on a device;
 * close it to free them. Not thread-safe beyond what {@link Policy} and {@link RewardModel}
 * promise.
 */
public final class ReviewsTask implements AutoCloseable {

    public static final String TASK_FILE = "task.json";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String DATA_DIR = "data";
    public static final String POLICY_FILE = "policy.safetensors";
    public static final String REWARD_FILE = "reward.safetensors";
    public static final String SAMPLES_FILE = "samples.jsonl";
    public static final String SUMMARY_FILE = "summary.json";
    public static final String TIMINGS_FILE = "timings.json";

    /** Files under the determinism promise, listed in the completion marker. */
    static final List<String> PROMISED = List.of(TASK_FILE, TOKENIZER_FILE,
            DATA_DIR + "/train.jsonl", DATA_DIR + "/validation.jsonl", DATA_DIR + "/test.jsonl",
            DATA_DIR + "/prompts-train.jsonl", DATA_DIR + "/prompts-test.jsonl",
            POLICY_FILE, REWARD_FILE, SAMPLES_FILE, SUMMARY_FILE);
    static final Set<String> TOP_LEVEL = Set.of(TASK_FILE, TOKENIZER_FILE, DATA_DIR, POLICY_FILE, REWARD_FILE,
            SAMPLES_FILE, SUMMARY_FILE, TIMINGS_FILE);

    /**
     * The outcome of {@link #prepare}.
     *
     * @param directory the task directory (absolute)
     * @param reused    true when an existing complete directory was used as it is
     * @param summary   its summary
     * @param timings   wall-clock seconds per phase of this run (empty when reused)
     */
    public record Prepared(Path directory, boolean reused, ReviewsSummary summary, Map<String, Double> timings) {
        public Prepared {
            timings = Map.copyOf(timings);
        }
    }

    private final Path directory;
    private final ReviewsConfig config;
    private final WordTokenizer tokenizer;
    private final ReviewsSummary summary;
    private final Policy policy;
    private final RewardModel rewardModel;
    private ReviewDataset dataset;

    private ReviewsTask(Path directory, ReviewsConfig config, WordTokenizer tokenizer, ReviewsSummary summary,
                        Policy policy, RewardModel rewardModel) {
        this.directory = directory;
        this.config = config;
        this.tokenizer = tokenizer;
        this.summary = summary;
        this.policy = policy;
        this.rewardModel = rewardModel;
    }

    // ---- preparing --------------------------------------------------------------------------------------

    /**
     * Prepares the task in {@code directory}, or reuses it when it already holds a complete task
     * with the same parameters.
     *
     * @throws IllegalArgumentException when the path exists and is not a directory, or the device is malformed
     * @throws TaskDirectoryException   when the directory holds a task with other parameters (and not
     *                                  {@code force}), or entries that are not a task's
     * @throws UncheckedIOException     on I/O failures (nothing half-written is left at the target)
     */
    public static Prepared prepare(Path directory, PrepareOptions options) {
        Objects.requireNonNull(options, "options");
        return prepare(directory, options, ReviewsConfig.of(options.seed(), options.size()));
    }

    /** {@link #prepare(Path, PrepareOptions)} with an explicit configuration (tuning, tests). */
    static Prepared prepare(Path directory, PrepareOptions options, ReviewsConfig config) {
        Objects.requireNonNull(directory, "directory");
        Path target = directory.toAbsolutePath().normalize();
        String device = Densify.parseDevice(options.device());
        PrintStream log = options.log();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException(target + " exists and is not a directory");
        }
        byte[] taskJson = TaskJson.bytes(config.toJson());
        return TaskDirectory.locked(target, () -> {
            try {
                TaskDirectory.Inspection found = TaskDirectory.inspect(target, ReviewsConfig.TASK,
                        Set.copyOf(PROMISED), TOP_LEVEL);
                switch (found.status()) {
                    case NOT_A_DIRECTORY -> throw new IllegalArgumentException(target + " exists and is not a directory");
                    case FOREIGN -> throw new TaskDirectoryException(target + " exists and is not a reviews task directory ("
                            + found.reason() + "); refusing to replace it: choose another output directory or remove it");
                    case COMPLETE -> {
                        byte[] existing = Files.readAllBytes(target.resolve(TASK_FILE));
                        boolean same = Arrays.equals(existing, taskJson);
                        if (same && !options.force()) {
                            ReviewsSummary summary = readSummary(target);
                            say(log, "already prepared: " + target + " (same parameters; reusing it)");
                            say(log, summary.humanText());
                            return new Prepared(target, true, summary, Map.of());
                        }
                        if (!same && !options.force()) {
                            List<String> diffs = new ArrayList<>(TaskJson.differences(
                                    Json.MAPPER.readTree(existing), Json.MAPPER.readTree(taskJson), 100));
                            // top-level keys (seed, size) first: they are what people change
                            diffs.sort(java.util.Comparator.comparingLong(d -> d.substring(0, d.indexOf(':')).chars()
                                    .filter(c -> c == '.').count()));
                            if (diffs.size() > 8) {
                                int more = diffs.size() - 8;
                                diffs = new ArrayList<>(diffs.subList(0, 8));
                                diffs.add("and " + more + " more");
                            }
                            throw new TaskDirectoryException(target + " already holds a reviews task prepared with other"
                                    + " parameters (existing vs requested: " + String.join("; ", diffs)
                                    + "); use --force to replace it, or choose another output directory");
                        }
                        say(log, "replacing " + target + " (--force)");
                    }
                    case INCOMPLETE -> say(log, target + " exists but is incomplete (" + found.reason()
                            + "); deleting and rebuilding it");
                    case ABSENT, EMPTY -> {
                    }
                }
                TaskDirectory.deleteStalePartials(target, m -> say(log, m));
                Path partial = TaskDirectory.createPartial(target);
                try {
                    Map<String, Double> timings = new LinkedHashMap<>();
                    ReviewsSummary summary = build(partial, config, options, device, taskJson, timings);
                    TaskDirectory.install(partial, target);
                    say(log, "prepared " + target);
                    say(log, summary.humanText());
                    say(log, String.format(Locale.ROOT,
                            "  time: %.1f s (data %.1f, training %.1f [sft %.1f, reward %.1f], evaluation %.1f)",
                            timings.get("total"), timings.get("data"), timings.get("train"), timings.get("sft"),
                            timings.get("reward"), timings.get("evaluation")));
                    return new Prepared(target, false, summary, timings);
                } catch (RuntimeException | IOException | Error e) {
                    try {
                        TaskDirectory.deleteRecursively(partial);
                    } catch (IOException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        });
    }

    private static void say(PrintStream log, String message) {
        if (log != null) {
            log.println(message);
            log.flush();
        }
    }

    private static ReviewsSummary build(Path dir, ReviewsConfig config, PrepareOptions options, String device,
                                        byte[] taskJson, Map<String, Double> timings) throws IOException {
        PrintStream log = options.log();
        long t0 = System.nanoTime();
        int threads = options.threads() > 0 ? options.threads() : Densify.threads();
        boolean concurrent = threads >= 2;
        say(log, String.format(Locale.ROOT, "preparing reviews task (seed %d, size %s) on %s: policy and reward model %s",
                config.seed(), config.size().id(), device,
                concurrent ? "trained concurrently, one thread each" : "trained one after the other, one thread"));

        // data
        ReviewsConfig.Data sizes = config.data();
        ReviewDataset data = ReviewDataset.generate(config.seed(), sizes.train(), sizes.validation(), sizes.test());
        WordTokenizer tokenizer = ReviewLexicon.tokenizer();
        AtomicFiles.write(dir.resolve(TASK_FILE), taskJson);
        tokenizer.save(dir.resolve(TOKENIZER_FILE));
        data.write(dir.resolve(DATA_DIR));
        Inputs in = Inputs.of(config, data, tokenizer);
        long t1 = System.nanoTime();
        timings.put("data", seconds(t1 - t0));

        try (NativeThreads ignored = NativeThreads.singleThreaded()) {
            // training
            AtomicBoolean stop = new AtomicBoolean();
            TrainBar bar = new TrainBar(Progress.on(log, "train", config.sft().steps() + config.reward().steps(), "steps"),
                    stop);
            Both<Trained, Trained> trained = both(concurrent, stop, () -> {
                long start = System.nanoTime();
                try (Policy policy = Policy.create(config.policyModel(), device, config.seed(1))) {
                    float[] losses = ReviewsTraining.trainPolicy(policy, config.sft(), in.sftSeqs, config.seed(3),
                            bar.monitor(true));
                    policy.save(dir.resolve(POLICY_FILE));
                    return new Trained(policy.parameterCount(), ReviewsTraining.tailMean(losses),
                            seconds(System.nanoTime() - start));
                }
            }, () -> {
                long start = System.nanoTime();
                try (RewardModel reward = RewardModel.create(config.rewardModel(), device, config.seed(2))) {
                    float[] losses = ReviewsTraining.trainReward(reward, config.reward(), in.rmWords, in.rmSeqs,
                            in.rmLabels, config.masks(), config::label, config.seed(7), config.seed(9),
                            bar.monitor(false));
                    reward.save(dir.resolve(REWARD_FILE));
                    return new Trained(reward.parameterCount(), ReviewsTraining.tailMean(losses),
                            seconds(System.nanoTime() - start));
                }
            });
            bar.progress.finish();
            long t2 = System.nanoTime();
            timings.put("sft", trained.first().seconds());
            timings.put("reward", trained.second().seconds());
            timings.put("train", seconds(t2 - t1));

            // evaluation, on the saved checkpoints (what users of the directory get)
            int units = ReviewsTraining.batches(in.valSeqs.size()) + ReviewsTraining.batches(in.prompts.size())
                    + ReviewsTraining.batches(in.testSeqs.size()) + ReviewsTraining.batches(in.prefixSeqs.size())
                    + ReviewsTraining.batches(in.maskedSeqs.size())
                    + 2 * ReviewsTraining.batches(in.prompts.size());
            ReviewsSummary summary;
            try (Progress evalBar = Progress.on(log, "evaluate", units, "batches")) {
                Runnable tick = evalBar::step;
                Both<PolicyEval, float[][]> evals = both(concurrent, new AtomicBoolean(), () -> {
                    try (Policy policy = Policy.load(dir.resolve(POLICY_FILE), device)) {
                        double loss = ReviewsTraining.meanLoss(policy, in.valSeqs, tick);
                        ReviewsConfig.Sampling sampling = config.sampling();
                        int[][] responses = ReviewsTraining.sample(policy, in.prompts, sampling.temperature(),
                                sampling.maxNewTokens(), config.seed(5), tick);
                        int[][] cool = ReviewsTraining.sample(policy, in.prompts, sampling.lowTemperature(),
                                sampling.maxNewTokens(), config.seed(8), tick);
                        return new PolicyEval(loss, responses, cool);
                    }
                }, () -> {
                    try (RewardModel reward = RewardModel.load(dir.resolve(REWARD_FILE), device)) {
                        return new float[][] {ReviewsTraining.score(reward, in.testSeqs, tick),
                                ReviewsTraining.score(reward, in.prefixSeqs, tick),
                                ReviewsTraining.score(reward, in.maskedSeqs, tick)};
                    }
                });
                Samples samples = Samples.of(in, data, tokenizer, evals.first().responses());
                Samples cool = Samples.of(in, data, tokenizer, evals.first().lowTemperatureResponses());
                float[] sampleRewards;
                try (RewardModel reward = RewardModel.load(dir.resolve(REWARD_FILE), device)) {
                    sampleRewards = ReviewsTraining.score(reward, samples.sequences, tick);
                }
                AtomicFiles.write(dir.resolve(SAMPLES_FILE), samples.jsonLines(data, sampleRewards));
                // as summary.json holds it (rounded), so callers see the same numbers as readers of the file
                summary = ReviewsSummary.fromJson(summarise(dir, config, data, in, trained,
                        evals.first().validationLoss(), evals.second()[0], evals.second()[1], evals.second()[2],
                        samples, sampleRewards, cool).toJson());
            }
            AtomicFiles.write(dir.resolve(SUMMARY_FILE), TaskJson.bytes(summary.toJson()));
            long t3 = System.nanoTime();
            timings.put("evaluation", seconds(t3 - t2));
            timings.put("total", seconds(t3 - t0));

            ObjectNode tj = TaskJson.object();
            tj.put("note", "wall-clock seconds of the run that built this directory; not under the determinism promise");
            ObjectNode seconds = tj.putObject("seconds");
            timings.forEach(seconds::put);
            tj.put("threads", threads);
            tj.put("concurrent", concurrent);
            tj.put("device", device);
            AtomicFiles.write(dir.resolve(TIMINGS_FILE), TaskJson.bytes(tj));
            TaskDirectory.writeMarker(dir, ReviewsConfig.TASK, PROMISED);
            return summary;
        }
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e7) / 100.0;
    }

    /** Everything the models see, tokenized once. */
    private static final class Inputs {
        final List<int[]> sftSeqs = new ArrayList<>();
        final List<List<String>> rmWords = new ArrayList<>();
        final List<int[]> rmSeqs = new ArrayList<>();
        float[] rmLabels;
        final List<int[]> maskedSeqs = new ArrayList<>();
        final List<Double> maskedSentiments = new ArrayList<>();
        final List<int[]> valSeqs = new ArrayList<>();
        final List<int[]> testSeqs = new ArrayList<>();
        final List<int[]> prefixSeqs = new ArrayList<>();
        final List<Boolean> prefixPositive = new ArrayList<>();
        final List<int[]> prompts = new ArrayList<>();

        static Inputs of(ReviewsConfig config, ReviewDataset data, WordTokenizer tokenizer) {
            Inputs in = new Inputs();
            for (Review r : data.train()) {
                in.sftSeqs.add(tokenizer.encode(r.text(), true, true));
            }
            // reward-model training set: every review, plus one prefix for a share of them (see the class
            // doc); masked copies are drawn during training (ReviewsTraining.trainReward)
            List<Float> labels = new ArrayList<>();
            SplittableRandom prefixRng = new SplittableRandom(config.seed(4));
            ReviewsConfig.Prefixes prefixes = config.prefixes();
            for (Review r : data.train()) {
                in.rmWords.add(r.words());
                in.rmSeqs.add(tokenizer.encode(r.text(), true, false));
                labels.add((float) config.label(r.sentiment()));
                int n = r.words().size();
                if (prefixRng.nextDouble() < prefixes.fraction() && n - 1 >= prefixes.minWords()) {
                    int k = prefixes.minWords() + prefixRng.nextInt(n - prefixes.minWords());
                    List<String> words = r.words().subList(0, k);
                    in.rmWords.add(words);
                    in.rmSeqs.add(tokenizer.encode(String.join(" ", words), true, false));
                    labels.add((float) config.label(SentimentFunction.sentiment(words)));
                }
            }
            in.rmLabels = new float[labels.size()];
            for (int i = 0; i < labels.size(); i++) {
                in.rmLabels[i] = labels.get(i);
            }
            for (Review r : data.validation()) {
                in.valSeqs.add(tokenizer.encode(r.text(), true, true));
            }
            // test reviews, and one prefix of each (2..n-1 words) whose own sentiment is not 0
            SplittableRandom testPrefixRng = new SplittableRandom(config.seed(6));
            for (Review r : data.test()) {
                in.testSeqs.add(tokenizer.encode(r.text(), true, false));
                int k = 2 + testPrefixRng.nextInt(r.words().size() - 2);
                List<String> words = r.words().subList(0, k);
                double ps = SentimentFunction.sentiment(words);
                if (ps != 0) {
                    in.prefixSeqs.add(tokenizer.encode(String.join(" ", words), true, false));
                    in.prefixPositive.add(ps > 0);
                }
            }
            // one masked copy of each test review, drawn as in training (every copy masked)
            SplittableRandom testMaskRng = new SplittableRandom(config.seed(10));
            ReviewsConfig.Masks allMasked = new ReviewsConfig.Masks(1, config.masks().emptyShare());
            for (int i = 0; i < data.test().size(); i++) {
                ReviewsTraining.Masked m = ReviewsTraining.mask(data.test().get(i).words(), in.testSeqs.get(i), allMasked,
                        testMaskRng);
                in.maskedSeqs.add(m.ids());
                in.maskedSentiments.add(SentimentFunction.sentiment(m.words()));
            }
            for (ReviewDataset.Prompt p : data.testPrompts()) {
                in.prompts.add(tokenizer.encode(p.text(), true, false));
            }
            return in;
        }
    }

    private record Trained(long parameters, double finalLoss, double seconds) {
    }

    private record PolicyEval(double validationLoss, int[][] responses, int[][] lowTemperatureResponses) {
    }

    private record Both<A, B>(A first, B second) {
    }

    private interface Job<T> {
        T call() throws IOException;
    }

    /**
     * Runs two jobs, concurrently (the second on a helper thread) or one after the other. When
     * one fails, {@code stop} is set so the other's training ends early, and the first real
     * failure is thrown.
     */
    private static <A, B> Both<A, B> both(boolean concurrent, AtomicBoolean stop, Job<A> a, Job<B> b)
            throws IOException {
        if (!concurrent) {
            return new Both<>(a.call(), b.call());
        }
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "densify-prepare");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<B> fb = pool.submit(() -> {
                try {
                    return b.call();
                } catch (Throwable t) {
                    stop.set(true);
                    throw t;
                }
            });
            A ra;
            try {
                ra = a.call();
            } catch (Throwable t) {
                stop.set(true);
                try {
                    fb.get();
                } catch (ExecutionException e) {
                    if (t instanceof ReviewsTraining.Stopped) {
                        throw rethrow(e.getCause());
                    }
                    if (!(e.getCause() instanceof ReviewsTraining.Stopped)) {
                        t.addSuppressed(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw t;
            }
            try {
                return new Both<>(ra, fb.get());
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
                throw new IllegalStateException("interrupted while training", e);
            }
        } finally {
            pool.shutdown();
        }
    }

    private static RuntimeException rethrow(Throwable t) throws IOException {
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /** One progress bar over both training runs, showing both losses (moving averages). */
    private static final class TrainBar {
        final Progress progress;
        final AtomicBoolean stop;
        private double sft = Double.NaN;
        private double reward = Double.NaN;

        TrainBar(Progress progress, AtomicBoolean stop) {
            this.progress = progress;
            this.stop = stop;
        }

        ReviewsTraining.Monitor monitor(boolean policy) {
            return new ReviewsTraining.Monitor() {
                @Override
                public void step(float loss) {
                    synchronized (TrainBar.this) {
                        if (policy) {
                            sft = Double.isNaN(sft) ? loss : 0.95 * sft + 0.05 * loss;
                        } else {
                            reward = Double.isNaN(reward) ? loss : 0.95 * reward + 0.05 * loss;
                        }
                        progress.status(String.format(Locale.ROOT, "sft loss %s  reward loss %s", fmt(sft), fmt(reward)));
                    }
                    progress.step();
                }

                @Override
                public boolean stopped() {
                    return stop.get();
                }
            };
        }

        private static String fmt(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
        }
    }

    /** The SFT samples of the summary, checked against the grammar and the sentiment function. */
    private static final class Samples {
        final List<int[]> sequences = new ArrayList<>(); // bos + prompt + response (no eos): what the reward model scores
        final List<String> responses = new ArrayList<>();
        boolean[] parses;
        boolean[] finished;
        double[] sentiments;
        long responseTokens;

        static Samples of(Inputs in, ReviewDataset data, WordTokenizer tokenizer, int[][] generated) {
            Samples s = new Samples();
            int n = generated.length;
            s.parses = new boolean[n];
            s.finished = new boolean[n];
            s.sentiments = new double[n];
            for (int i = 0; i < n; i++) {
                int[] gen = generated[i];
                int cut = gen.length;
                for (int j = 0; j < gen.length; j++) {
                    if (gen[j] == WordTokenizer.EOS) {
                        cut = j;
                        break;
                    }
                }
                s.finished[i] = cut < gen.length;
                List<String> response = new ArrayList<>();
                for (int j = 0; j < cut; j++) {
                    response.add(tokenizer.token(gen[j]));
                }
                List<String> words = new ArrayList<>(data.testPrompts().get(i).words());
                words.addAll(response);
                s.responses.add(String.join(" ", response));
                s.parses[i] = ReviewGrammar.parses(words);
                s.sentiments[i] = SentimentFunction.sentiment(words);
                s.responseTokens += cut;
                int[] prompt = in.prompts.get(i);
                int[] seq = Arrays.copyOf(prompt, prompt.length + cut);
                System.arraycopy(gen, 0, seq, prompt.length, cut);
                s.sequences.add(seq);
            }
            return s;
        }

        byte[] jsonLines(ReviewDataset data, float[] rewards) throws IOException {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < parses.length; i++) {
                ObjectNode o = TaskJson.object();
                o.put("finished", finished[i]);
                o.put("parses", parses[i]);
                o.put("prompt", data.testPrompts().get(i).text());
                o.put("response", responses.get(i));
                o.put("reward", rewards[i]);
                o.put("sentiment", sentiments[i]);
                lines.append(Json.MAPPER.writeValueAsString(o)).append('\n');
            }
            return lines.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    private static ReviewsSummary summarise(Path dir, ReviewsConfig config, ReviewDataset data, Inputs in,
                                            Both<Trained, Trained> trained, double validationLoss, float[] testScores,
                                            float[] prefixScores, float[] maskedScores, Samples samples,
                                            float[] sampleRewards, Samples cool) throws IOException {
        double[] truth = new double[data.test().size()];
        double[] scores = new double[truth.length];
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            Review r = data.test().get(i);
            truth[i] = r.sentiment();
            scores[i] = testScores[i];
            if ((testScores[i] > 0) == r.positive()) {
                correct++;
            }
        }
        int prefixCorrect = 0;
        for (int i = 0; i < prefixScores.length; i++) {
            if ((prefixScores[i] > 0) == in.prefixPositive.get(i)) {
                prefixCorrect++;
            }
        }
        double[] maskedTruth = new double[maskedScores.length];
        double[] masked = new double[maskedScores.length];
        for (int i = 0; i < masked.length; i++) {
            maskedTruth[i] = in.maskedSentiments.get(i);
            masked[i] = maskedScores[i];
        }
        int n = samples.parses.length;
        int parsed = 0;
        int finished = 0;
        int positive = 0;
        int negative = 0;
        double rewardSum = 0;
        for (int i = 0; i < n; i++) {
            parsed += samples.parses[i] ? 1 : 0;
            finished += samples.finished[i] ? 1 : 0;
            positive += samples.sentiments[i] > 0 ? 1 : 0;
            negative += samples.sentiments[i] < 0 ? 1 : 0;
            rewardSum += sampleRewards[i];
        }
        return new ReviewsSummary(config.seed(), config.size().id(),
                data.train().size(), data.validation().size(), data.test().size(), data.trainPrompts().size(),
                data.testPrompts().size(),
                trained.first().parameters(), Files.size(dir.resolve(POLICY_FILE)), trained.first().finalLoss(),
                validationLoss, Math.exp(validationLoss),
                trained.second().parameters(), Files.size(dir.resolve(REWARD_FILE)), in.rmSeqs.size(),
                trained.second().finalLoss(),
                (double) correct / truth.length, ReviewsTraining.pearson(scores, truth),
                ReviewsTraining.spearman(scores, truth),
                prefixScores.length == 0 ? Double.NaN : (double) prefixCorrect / prefixScores.length,
                prefixScores.length, ReviewsTraining.pearson(masked, maskedTruth), masked.length,
                n, (double) parsed / n, share(cool.parses), (double) finished / n, (double) positive / n, (double) negative / n,
                (double) (n - positive - negative) / n, rewardSum / n, (double) samples.responseTokens / n);
    }

    private static double share(boolean[] flags) {
        int k = 0;
        for (boolean f : flags) {
            k += f ? 1 : 0;
        }
        return (double) k / flags.length;
    }

    private static ReviewsSummary readSummary(Path dir) throws IOException {
        return ReviewsSummary.fromJson(TaskJson.read(dir.resolve(SUMMARY_FILE)));
    }

    // ---- opening ----------------------------------------------------------------------------------------

    /** {@link #open(Path, String)} on the cpu. */
    public static ReviewsTask open(Path directory) {
        return open(directory, "cpu");
    }

    /**
     * Opens a prepared task: checks the completion marker (every file's hash), reads the
     * configuration, tokenizer and summary, and loads both models on {@code device}.
     *
     * @throws TaskDirectoryException when the directory is not a complete reviews task
     */
    public static ReviewsTask open(Path directory, String device) {
        Objects.requireNonNull(directory, "directory");
        Path dir = directory.toAbsolutePath().normalize();
        TaskDirectory.verify(dir, ReviewsConfig.TASK, Set.copyOf(PROMISED));
        ReviewsConfig config;
        WordTokenizer tokenizer;
        ReviewsSummary summary;
        try {
            config = ReviewsConfig.fromJson(TaskJson.read(dir.resolve(TASK_FILE)));
            tokenizer = WordTokenizer.load(dir.resolve(TOKENIZER_FILE));
            summary = readSummary(dir);
        } catch (IOException | IllegalArgumentException e) {
            throw new TaskDirectoryException(dir + ": " + e.getMessage(), e);
        }
        Policy policy = Policy.load(dir.resolve(POLICY_FILE), device);
        try {
            RewardModel reward = RewardModel.load(dir.resolve(REWARD_FILE), device);
            return new ReviewsTask(dir, config, tokenizer, summary, policy, reward);
        } catch (RuntimeException e) {
            policy.close();
            throw e;
        }
    }

    /** The task directory (absolute). */
    public Path directory() {
        return directory;
    }

    /** Every parameter the task was prepared with. */
    public ReviewsConfig config() {
        return config;
    }

    public WordTokenizer tokenizer() {
        return tokenizer;
    }

    public ReviewsSummary summary() {
        return summary;
    }

    /** The SFT policy (also the natural PPO reference: load a second copy from {@link #policyPath()}). */
    public Policy policy() {
        return policy;
    }

    /** The reward model: score = logit of "positive" of {@code bos + words}. */
    public RewardModel rewardModel() {
        return rewardModel;
    }

    public Path policyPath() {
        return directory.resolve(POLICY_FILE);
    }

    public Path rewardPath() {
        return directory.resolve(REWARD_FILE);
    }

    /** The splits and prompts, read from {@code data/} on first use. */
    public synchronized ReviewDataset dataset() {
        if (dataset == null) {
            try {
                dataset = ReviewDataset.read(directory.resolve(DATA_DIR), config.seed());
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
        return dataset;
    }

    /** Closes both models. Idempotent. */
    @Override
    public void close() {
        try {
            policy.close();
        } finally {
            rewardModel.close();
        }
    }
}
