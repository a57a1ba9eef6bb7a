package dev.densify.task.reviews;

import dev.densify.model.ForwardOutputs;
import dev.densify.model.Generation;
import dev.densify.model.GenerationOptions;
import dev.densify.model.Optimizer;
import dev.densify.model.Policy;
import dev.densify.model.PolicyOutput;
import dev.densify.model.RewardModel;
import dev.densify.model.TokenBatch;
import dev.densify.model.TrainStep;
import dev.densify.text.WordTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** The training and evaluation loops of {@link ReviewsTask}; everything heavy runs natively. */
final class ReviewsTraining {

    /** Rows per forward in evaluation. */
    static final int EVAL_BATCH = 128;
    /** Batches per length pool (see {@link Batches}). */
    static final int POOL_BATCHES = 16;

    private ReviewsTraining() {
    }

    /**
     * Mini-batches of example indices for the steps of a run: each epoch shuffles the examples,
     * cuts the order into pools of {@value #POOL_BATCHES} batches, sorts each pool by length (so
     * a batch pads little) and shuffles the batch order. Deterministic for a seed.
     */
    static final class Batches {
        private final int[] lengths;
        private final int batchSize;
        private final SplittableRandom rng;
        private final List<int[]> epoch = new ArrayList<>();
        private int next;

        Batches(int[] lengths, int batchSize, SplittableRandom rng) {
            if (lengths.length == 0) {
                throw new IllegalArgumentException("no training examples");
            }
            this.lengths = lengths;
            this.batchSize = Math.min(batchSize, lengths.length);
            this.rng = rng;
        }

        int[] next() {
            if (next == epoch.size()) {
                refill();
            }
            return epoch.get(next++);
        }

        private void refill() {
            epoch.clear();
            next = 0;
            Integer[] order = new Integer[lengths.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            shuffle(order, rng);
            int pool = batchSize * POOL_BATCHES;
            for (int start = 0; start < order.length; start += pool) {
                Integer[] p = Arrays.copyOfRange(order, start, Math.min(order.length, start + pool));
                Arrays.sort(p, Comparator.comparingInt(i -> lengths[i])); // stable
                for (int b = 0; b + batchSize <= p.length; b += batchSize) {
                    int[] batch = new int[batchSize];
                    for (int j = 0; j < batchSize; j++) {
                        batch[j] = p[b + j];
                    }
                    epoch.add(batch);
                }
            }
            if (epoch.isEmpty()) { // fewer examples than a batch: one batch of all
                int[] all = new int[lengths.length];
                for (int i = 0; i < all.length; i++) {
                    all[i] = i;
                }
                epoch.add(all);
            }
            for (int i = epoch.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int[] t = epoch.get(i);
                epoch.set(i, epoch.get(j));
                epoch.set(j, t);
            }
        }
    }

    static <T> void shuffle(T[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int[] lengths(List<int[]> seqs) {
        int[] out = new int[seqs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = seqs.get(i).length;
        }
        return out;
    }

    private static int[][] rows(List<int[]> seqs, int[] idx) {
        int[][] out = new int[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = seqs.get(idx[i]);
        }
        return out;
    }

    /** Receives each step's loss; {@link #stopped()} ends a run early (another job failed). */
    interface Monitor {
        void step(float loss);

        boolean stopped();
    }

    /** Thrown by a run that was stopped because another job failed. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    /** One optimiser step of some model with some optimizer. */
    interface Step {
        TrainStep run(Optimizer optimizer, int[] batch);
    }

    /**
     * Runs {@code t.steps()} steps with the step schedule of {@link ReviewsConfig.Training}: a
     * fresh Adam at the lower rate from {@link ReviewsConfig.Training#decayStart()} on.
     *
     * @return the loss of every step
     */
    static float[] train(dev.densify.model.Model model, ReviewsConfig.Training t, int[] lengths, long seed,
                         Monitor monitor, Step step) {
        float[] losses = new float[t.steps()];
        Batches batches = new Batches(lengths, t.batchSize(), new SplittableRandom(seed));
        Optimizer opt = Optimizer.adam(model, t.adam());
        try {
            for (int s = 0; s < t.steps(); s++) {
                if (monitor.stopped()) {
                    throw new Stopped();
                }
                if (s == t.decayStart() && s > 0) {
                    opt.close();
                    opt = Optimizer.adam(model, t.adam().withLearningRate(t.adam().learningRate() * t.decayFactor()));
                }
                losses[s] = step.run(opt, batches.next()).loss();
                monitor.step(losses[s]);
            }
        } finally {
            opt.close();
        }
        return losses;
    }

    /** SFT: next-token steps over the sequences (bos + words + eos). */
    static float[] trainPolicy(Policy policy, ReviewsConfig.Training t, List<int[]> seqs, long seed, Monitor monitor) {
        return train(policy, t, lengths(seqs), seed, monitor, (opt, idx) ->
                policy.lmStep(opt, TokenBatch.rightPadded(rows(seqs, idx), WordTokenizer.PAD)));
    }

    /**
     * Reward model: logistic-loss steps over the examples (bos + words) and their labels. With
     * mask augmentation ({@link ReviewsConfig.Masks}), each drawn row is, with probability
     * {@code masks.fraction()}, replaced by a fresh masked copy ({@link #mask}) labelled by
     * {@code label} of its true sentiment; the masks come from {@code maskSeed}'s stream, drawn
     * in step order (deterministic for the seeds).
     *
     * @param words  each example's words (what {@code seqs} encodes after bos)
     * @param seqs   each example as ids: bos + words
     * @param labels each unmasked example's label
     */
    static float[] trainReward(RewardModel reward, ReviewsConfig.Training t, List<List<String>> words, List<int[]> seqs,
                               float[] labels, ReviewsConfig.Masks masks, java.util.function.DoubleUnaryOperator label,
                               long seed, long maskSeed, Monitor monitor) {
        SplittableRandom maskRng = new SplittableRandom(maskSeed);
        return train(reward, t, lengths(seqs), seed, monitor, (opt, idx) -> {
            int[][] rows = new int[idx.length][];
            float[] y = new float[idx.length];
            for (int i = 0; i < idx.length; i++) {
                int e = idx[i];
                if (masks.fraction() > 0 && maskRng.nextDouble() < masks.fraction()) {
                    Masked m = mask(words.get(e), seqs.get(e), masks, maskRng);
                    rows[i] = m.ids();
                    y[i] = (float) label.applyAsDouble(SentimentFunction.sentiment(m.words()));
                } else {
                    rows[i] = seqs.get(e);
                    y[i] = labels[e];
                }
            }
            return reward.classifierStep(opt, TokenBatch.rightPadded(rows, WordTokenizer.PAD), y);
        });
    }

    /** A masked copy: its words (removed ones are {@link WordTokenizer#MASK_TOKEN}) and ids (bos + words). */
    record Masked(List<String> words, int[] ids) {
    }

    /**
     * A masked copy of an example as {@link ReviewsConfig.Masks} describes: the first p words
     * kept (p uniform in [{@value ReviewDataset#MIN_PROMPT_WORDS},
     * {@value ReviewDataset#MAX_PROMPT_WORDS}], at most n − 1); of the other m, none kept with
     * probability {@code emptyShare} (always when m = 1), else k in [1, m − 1] with probability
     * ∝ 1/(k(m − k)), at uniform positions; the rest replaced by the mask token.
     *
     * @param words the example's n &gt;= 2 words
     * @param ids   bos + the words' ids
     */
    static Masked mask(List<String> words, int[] ids, ReviewsConfig.Masks masks, SplittableRandom rng) {
        int n = words.size();
        if (n < 2 || ids.length != n + 1) {
            throw new IllegalArgumentException("cannot mask " + n + " words (" + ids.length + " ids)");
        }
        int p = Math.min(n - 1, ReviewDataset.MIN_PROMPT_WORDS
                + rng.nextInt(ReviewDataset.MAX_PROMPT_WORDS - ReviewDataset.MIN_PROMPT_WORDS + 1));
        int m = n - p;
        int keep = 0;
        if (m >= 2 && !(rng.nextDouble() < masks.emptyShare())) {
            double total = 0;
            for (int k = 1; k < m; k++) {
                total += 1.0 / (k * (m - k));
            }
            double u = rng.nextDouble() * total;
            keep = m - 1;
            for (int k = 1; k < m; k++) {
                u -= 1.0 / (k * (m - k));
                if (u < 0) {
                    keep = k;
                    break;
                }
            }
        }
        // the first `keep` of a partial Fisher-Yates shuffle of the m response positions are kept
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        boolean[] kept = new boolean[m];
        for (int i = 0; i < keep; i++) {
            int j = i + rng.nextInt(m - i);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
            kept[order[i]] = true;
        }
        List<String> out = new ArrayList<>(words);
        int[] outIds = ids.clone();
        for (int i = 0; i < m; i++) {
            if (!kept[i]) {
                out.set(p + i, WordTokenizer.MASK_TOKEN);
                outIds[1 + p + i] = WordTokenizer.MASK;
            }
        }
        return new Masked(out, outIds);
    }

    /** Mean of the last tenth (at least one) of the values. */
    static double tailMean(float[] values) {
        int n = Math.max(1, values.length / 10);
        double sum = 0;
        for (int i = values.length - n; i < values.length; i++) {
            sum += values[i];
        }
        return sum / n;
    }

    /** Mean next-token loss (nats/token) over every predicted token of the sequences. */
    static double meanLoss(Policy policy, List<int[]> seqs, Runnable tick) {
        double sum = 0;
        long count = 0;
        {
            for (int start = 0; start < seqs.size(); start += EVAL_BATCH) {
                List<int[]> chunk = seqs.subList(start, Math.min(seqs.size(), start + EVAL_BATCH));
                TokenBatch batch = TokenBatch.rightPadded(chunk.toArray(int[][]::new), WordTokenizer.PAD);
                PolicyOutput out = policy.forward(batch, ForwardOutputs.TOKEN_LOGPROBS);
                for (int b = 0; b < chunk.size(); b++) {
                    int n = chunk.get(b).length;
                    for (int t = 0; t + 1 < n; t++) {
                        sum -= out.tokenLogprobs()[b][t];
                        count++;
                    }
                }
                tick.run();
            }
        }
        return sum / count;
    }

    /** Number of evaluation batches for n rows. */
    static int batches(int n) {
        return (n + EVAL_BATCH - 1) / EVAL_BATCH;
    }

    /** Scores of the sequences, in order. */
    static float[] score(RewardModel reward, List<int[]> seqs, Runnable tick) {
        float[] out = new float[seqs.size()];
        for (int start = 0; start < seqs.size(); start += EVAL_BATCH) {
            List<int[]> chunk = seqs.subList(start, Math.min(seqs.size(), start + EVAL_BATCH));
            float[] s = reward.score(TokenBatch.rightPadded(chunk.toArray(int[][]::new), WordTokenizer.PAD));
            System.arraycopy(s, 0, out, start, s.length);
            tick.run();
        }
        return out;
    }

    /** Samples continuations of the prompts (ids starting with bos), in chunks; row i answers prompt i. */
    static int[][] sample(Policy policy, List<int[]> prompts, double temperature, int maxNewTokens, long seed,
                          Runnable tick) {
        int[][] out = new int[prompts.size()][];
        int chunks = batches(prompts.size());
        {
            for (int c = 0; c < chunks; c++) {
                int start = c * EVAL_BATCH;
                List<int[]> chunk = prompts.subList(start, Math.min(prompts.size(), start + EVAL_BATCH));
                GenerationOptions options = GenerationOptions.defaults()
                        .withMaxNewTokens(maxNewTokens)
                        .withTemperature(temperature)
                        .withStopToken(WordTokenizer.EOS)
                        .withPadToken(WordTokenizer.PAD)
                        .withSeed(seed + c);
                Generation g = policy.generate(chunk.toArray(int[][]::new), options);
                System.arraycopy(g.tokens(), 0, out, start, chunk.size());
                tick.run();
            }
        }
        return out;
    }

    /** Pearson correlation; NaN when either side is constant. */
    static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /** Spearman correlation: Pearson of the ranks, ties given their average rank. */
    static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = rank;
            }
            i = j + 1;
        }
        return r;
    }
}
