package dev.densify.task.reviews;

import dev.densify.engine.Densify;
import dev.densify.model.Policy;
import dev.densify.model.RewardModel;
import dev.densify.task.NativeThreads;
import dev.densify.task.PrepareOptions;
import dev.densify.task.TaskDirectory;
import dev.densify.task.TaskDirectoryException;
import dev.densify.task.TaskJson;
import dev.densify.text.WordTokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The prepared "reviews" task: an SFT policy and a sentiment reward model trained on the review
 * language, with the data they were trained on, in one directory.
 *
 * <h2>Preparing ({@link #prepare})</h2>
 * {@link ReviewsPreparation} builds it, under the protocol of {@link TaskDirectory#prepare}:
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
        String device = Densify.parseDevice(options.device());
        PrintStream log = options.log();
        byte[] taskJson = TaskJson.bytes(config.toJson());
        Map<String, Double> timings = new LinkedHashMap<>();
        TaskDirectory.Outcome<ReviewsSummary> done = TaskDirectory.prepare(directory,
                new TaskDirectory.Spec(ReviewsConfig.TASK, TASK_FILE, taskJson, Set.copyOf(PROMISED), TOP_LEVEL),
                options.force(), m -> ReviewsPreparation.say(log, m), ReviewsTask::readSummary,
                partial -> ReviewsPreparation.build(partial, config, options, device, taskJson, timings));
        ReviewsPreparation.say(log, done.result().humanText());
        if (!done.reused()) {
            ReviewsPreparation.say(log, String.format(Locale.ROOT,
                    "  time: %.1f s (data %.1f, training %.1f [sft %.1f, reward %.1f], evaluation %.1f)",
                    timings.get("total"), timings.get("data"), timings.get("train"), timings.get("sft"),
                    timings.get("reward"), timings.get("evaluation")));
        }
        return new Prepared(done.directory(), done.reused(), done.result(), done.reused() ? Map.of() : timings);
    }


    static ReviewsSummary readSummary(Path dir) throws IOException {
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
