package dev.densify.task.reviews;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Densify;
import dev.densify.engine.Json;
import dev.densify.model.Policy;
import dev.densify.model.RewardModel;
import dev.densify.report.Progress;
import dev.densify.task.NativeThreads;
import dev.densify.task.PrepareOptions;
import dev.densify.task.TaskDirectory;
import dev.densify.task.TaskJson;
import dev.densify.text.AtomicFiles;
import dev.densify.text.WordTokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.densify.task.reviews.ReviewsTask.DATA_DIR;
import static dev.densify.task.reviews.ReviewsTask.POLICY_FILE;
import static dev.densify.task.reviews.ReviewsTask.PROMISED;
import static dev.densify.task.reviews.ReviewsTask.REWARD_FILE;
import static dev.densify.task.reviews.ReviewsTask.SAMPLES_FILE;
import static dev.densify.task.reviews.ReviewsTask.SUMMARY_FILE;
import static dev.densify.task.reviews.ReviewsTask.TASK_FILE;
import static dev.densify.task.reviews.ReviewsTask.TIMINGS_FILE;
import static dev.densify.task.reviews.ReviewsTask.TOKENIZER_FILE;

/**
 * Builds the reviews task into a directory ({@link ReviewsTask#prepare} runs it under the task
 * directory protocol): data, the SFT policy and the reward model trained side by side, the
 * evaluation, {@code summary.json}, {@code timings.json} and, last, the marker. See
 * {@link ReviewsTask} for what each step does and why.
 */
final class ReviewsPreparation {

    private ReviewsPreparation() {
    }

    static void say(PrintStream log, String message) {
        if (log != null) {
            log.println(message);
            log.flush();
        }
    }

    static ReviewsSummary build(Path dir, ReviewsConfig config, PrepareOptions options, String device,
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
}
