package dev.densify.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.densify.engine.InvalidArgumentException;
import dev.densify.model.AdamOptions;
import dev.densify.model.ForwardOutputs;
import dev.densify.model.ModelConfig;
import dev.densify.model.Optimizer;
import dev.densify.model.Policy;
import dev.densify.model.TokenBatch;
import dev.densify.testing.TestThreads;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PpoStepTest {

    static final ModelConfig CONFIG = new ModelConfig(53, 32, 32, 2, 4);

    /** Random rollouts: sequences of prompt + response, with per-token rewards. */
    record Batch(int[][] sequences, int[] starts, float[][] rewards) {
        static Batch random(long seed, int n) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[][] s = new int[n][];
            int[] starts = new int[n];
            float[][] r = new float[n][];
            for (int i = 0; i < n; i++) {
                int p = 1 + rng.nextInt(4);
                int m = 1 + rng.nextInt(8);
                s[i] = rng.ints(p + m, 1, CONFIG.vocabSize()).toArray();
                starts[i] = p;
                r[i] = new float[m];
                r[i][m - 1] = (float) rng.nextGaussian();
            }
            return new Batch(s, starts, r);
        }
    }

    static PpoOptions options(double klCoef) {
        return new PpoOptions(1.0, 0.95, 0.2, 0.2, 0.1, 0.01, klCoef, KlEstimator.K3, true, 2, 4, 11);
    }

    @Test
    void anUpdateOnAFixedBatchLowersTheLoss() {
        try (Policy policy = Policy.create(CONFIG, "cpu", 1); Policy reference = policy.copy("cpu");
             Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults().withLearningRate(1e-3))) {
            Batch b = Batch.random(5, 8);
            PpoStats first = PpoStep.run(policy, reference, adam, b.sequences(), b.starts(), b.rewards(), options(0.05));
            assertTrue(first.lossAfter() < first.lossBefore(), first.lossBefore() + " -> " + first.lossAfter());
            assertEquals(0, first.klReference(), 1e-6, "the reference is an exact copy before the update");
            PpoStats second = PpoStep.run(policy, reference, adam, b.sequences(), b.starts(), b.rewards(), options(0.05));
            assertTrue(second.klReference() > 0, "after an update the policy differs from the reference");
            assertTrue(Double.isFinite(second.entropy()) && second.entropy() > 0);
        }
    }

    @Test
    void learningRateZeroChangesNothing() {
        try (Policy policy = Policy.create(CONFIG, "cpu", 2); Policy reference = policy.copy("cpu");
             Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults().withLearningRate(0))) {
            Batch b = Batch.random(6, 8);
            TokenBatch probe = TokenBatch.rightPadded(b.sequences(), 0);
            float[] before = policy.forward(probe, ForwardOutputs.LOGITS).logits();
            PpoStats entropy = PpoStep.run(policy, reference, adam, b.sequences(), b.starts(), b.rewards(), options(0.1));
            assertArrayEquals(before, policy.forward(probe, ForwardOutputs.LOGITS).logits());
            // The loss before is read off the old forward, the loss after from a forward of its own:
            // with the weights unchanged they are the same number, with and without an entropy bonus.
            assertEquals(entropy.lossBefore(), entropy.lossAfter(), 1e-6 * Math.abs(entropy.lossBefore()),
                    "entropy bonus 0.01: loss before vs after");
            PpoStats plain = PpoStep.run(policy, reference, adam, b.sequences(), b.starts(), b.rewards(),
                    new PpoOptions(1.0, 0.95, 0.2, 0.2, 0.1, 0, 0.1, KlEstimator.K3, true, 2, 4, 11));
            assertEquals(plain.lossBefore(), plain.lossAfter(), 1e-6 * Math.abs(plain.lossBefore()),
                    "no entropy bonus: loss before vs after");
            assertTrue(entropy.lossBefore() < plain.lossBefore(), "the entropy bonus lowers the loss");
        }
    }

    /**
     * With several threads the engine splits each minibatch into row pieces whose forwards and
     * backwards run concurrently, and runs the old policy's and the reference's forwards side by
     * side. The sums differ from one thread's only by rounding: statistics and the trained weights
     * must agree with the single-threaded run, including an uneven split (4 rows in 3 pieces).
     */
    @Test
    void concurrentPiecesMatchOneThread() {
        PpoOptions o = new PpoOptions(1.0, 0.95, 0.2, 0.2, 0.1, 0.01, 0.1, KlEstimator.K3, true, 2, 4, 13);
        Batch b = Batch.random(8, 8);
        Trained expected = TestThreads.with(1, () -> twoSteps(b, o));
        for (int threads : new int[] {2, 3}) {
            Trained actual = TestThreads.with(threads, () -> twoSteps(b, o));
            for (int step = 0; step < expected.stats().length; step++) {
                assertStatsClose(expected.stats()[step], actual.stats()[step], threads + " threads, step " + step);
            }
            for (int i = 0; i < expected.logits().length; i++) {
                assertEquals(expected.logits()[i], actual.logits()[i], 1e-4, threads + " threads: logit " + i);
            }
        }
    }

    /**
     * A token budget smaller than a minibatch runs it in micro-batches with accumulated gradients:
     * the same two steps as whole minibatches, up to float rounding, on one thread and on two.
     */
    @Test
    void microBatchesGiveTheWholeMinibatchUpdate() {
        Batch b = Batch.random(21, 8);
        int width = 0;
        for (int[] s : b.sequences()) {
            width = Math.max(width, s.length);
        }
        for (int threads : new int[]{1, 2}) {
            final int w = width;
            Trained whole = TestThreads.with(threads, () -> twoSteps(b, options(0.05), 0));
            Trained micro = TestThreads.with(threads, () -> twoSteps(b, options(0.05), w));  // one row per forward
            for (int step = 0; step < 2; step++) {
                assertStatsClose(whole.stats()[step], micro.stats()[step], threads + " threads, step " + step);
            }
            for (int i = 0; i < whole.logits().length; i++) {
                assertEquals(whole.logits()[i], micro.logits()[i], 1e-4, threads + " threads: logit " + i);
            }
        }
        try (Policy policy = Policy.create(CONFIG, "cpu", 9); Policy reference = policy.copy("cpu");
             Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults())) {
            assertThrows(IllegalArgumentException.class, () -> PpoStep.run(policy, reference, adam, b.sequences(),
                    b.starts(), b.rewards(), options(0.05), -1));
        }
    }

    private static Trained twoSteps(Batch b, PpoOptions o, long maxBatchTokens) {
        try (Policy policy = Policy.create(CONFIG, "cpu", 9); Policy reference = policy.copy("cpu");
             Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults().withLearningRate(1e-3))) {
            PpoStats[] stats = new PpoStats[2];
            for (int step = 0; step < stats.length; step++) {
                stats[step] = PpoStep.run(policy, reference, adam, b.sequences(), b.starts(), b.rewards(), o, maxBatchTokens);
            }
            return new Trained(stats, policy.forward(TokenBatch.rightPadded(b.sequences(), 0), ForwardOutputs.LOGITS).logits());
        }
    }

    /** Statistics of two steps from fixed weights, and the trained policy's logits on the batch. */
    record Trained(PpoStats[] stats, float[] logits) {
    }

    private static Trained twoSteps(Batch b, PpoOptions o) {
        try (Policy policy = Policy.create(CONFIG, "cpu", 9); Policy reference = policy.copy("cpu");
             Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults().withLearningRate(1e-3))) {
            PpoStats[] stats = new PpoStats[2];
            for (int step = 0; step < stats.length; step++) {
                stats[step] = PpoStep.run(policy, reference, adam, b.sequences(), b.starts(), b.rewards(), o);
            }
            return new Trained(stats, policy.forward(TokenBatch.rightPadded(b.sequences(), 0), ForwardOutputs.LOGITS).logits());
        }
    }

    private static void assertStatsClose(PpoStats a, PpoStats b, String what) {
        double[] x = {a.policyLoss(), a.valueLoss(), a.entropy(), a.approxKl(), a.clipFraction(), a.valueClipFraction(),
                a.explainedVariance(), a.gradNorm(), a.klReference(), a.reward(), a.lossBefore(), a.lossAfter()};
        double[] y = {b.policyLoss(), b.valueLoss(), b.entropy(), b.approxKl(), b.clipFraction(), b.valueClipFraction(),
                b.explainedVariance(), b.gradNorm(), b.klReference(), b.reward(), b.lossBefore(), b.lossAfter()};
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], y[i], 1e-5 * Math.max(1, Math.abs(x[i])), what + ": statistic " + i);
        }
    }

    /** {@link #options} with the update's matrix products in {@code dtype}. */
    static PpoOptions options(double klCoef, dev.densify.engine.ComputeDtype dtype) {
        PpoOptions o = options(klCoef);
        return new PpoOptions(o.gamma(), o.lam(), o.clipRange(), o.clipRangeValue(), o.valueCoef(), o.entropyCoef(),
                o.klCoef(), o.klEstimator(), o.whitenAdvantages(), o.epochs(), o.minibatchSize(), o.seed(), dtype);
    }

    @Test
    void bfloat16UpdatesAreMixedPrecisionNearTheFloat32Update() {
        Batch b = Batch.random(31, 8);
        Trained single = twoSteps(b, options(0.05));
        Trained mixed = twoSteps(b, options(0.05, dev.densify.engine.ComputeDtype.BFLOAT16));
        Trained again = twoSteps(b, options(0.05, dev.densify.engine.ComputeDtype.BFLOAT16));
        assertArrayEquals(mixed.logits(), again.logits(), "bfloat16 steps are deterministic");
        // bfloat16 products (8-bit mantissa) change the numbers, slightly
        double worstStat = 0;
        for (int step = 0; step < 2; step++) {
            PpoStats x = single.stats()[step], y = mixed.stats()[step];
            double[] a = {x.policyLoss(), x.valueLoss(), x.entropy(), x.lossBefore(), x.lossAfter(), x.klReference()};
            double[] c = {y.policyLoss(), y.valueLoss(), y.entropy(), y.lossBefore(), y.lossAfter(), y.klReference()};
            for (int i = 0; i < a.length; i++) {
                worstStat = Math.max(worstStat, Math.abs(a[i] - c[i]) / Math.max(1e-3, Math.abs(a[i])));
            }
        }
        double worstLogit = 0, scale = 0;
        for (int i = 0; i < single.logits().length; i++) {
            worstLogit = Math.max(worstLogit, Math.abs(single.logits()[i] - mixed.logits()[i]));
            scale = Math.max(scale, Math.abs(single.logits()[i]));
        }
        System.out.printf("PPO update in bfloat16 vs float32 (2 steps): statistics within %.2e relative, "
                + "trained logits within %.2e (of |logit| <= %.2f)%n", worstStat, worstLogit, scale);
        assertTrue(worstLogit > 0, "the bfloat16 update must differ from the float32 one");
        assertTrue(worstLogit < 2e-2 * Math.max(1, scale), "trained logits " + worstLogit);
        assertTrue(worstStat < 5e-2, "statistics " + worstStat);
        try (Policy policy = Policy.create(CONFIG, "cpu", 3); Policy reference = policy.copy("cpu");
             Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults())) {
            var half = assertThrows(InvalidArgumentException.class, () -> PpoStep.run(policy, reference, adam,
                    b.sequences(), b.starts(), b.rewards(), options(0.05, dev.densify.engine.ComputeDtype.FLOAT16)));
            assertTrue(half.getMessage().contains("float16 needs a CUDA device"), half.getMessage());
        }
    }

    @Test
    void badRolloutsAreClearErrors() {
        try (Policy policy = Policy.create(CONFIG, "cpu", 3); Policy reference = policy.copy("cpu");
             Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults())) {
            Batch b = Batch.random(7, 8);
            var minibatch = assertThrows(InvalidArgumentException.class, () -> PpoStep.run(policy, reference, adam,
                    b.sequences(), b.starts(), b.rewards(),
                    new PpoOptions(1, 0.95, 0.2, 0.2, 0.1, 0, 0.05, KlEstimator.K1, true, 1, 3, 1)));
            assertTrue(minibatch.getMessage().contains("minibatch_size"), minibatch.getMessage());
            float[][] nan = b.rewards().clone();
            nan[0] = new float[nan[0].length];
            nan[0][0] = Float.NaN;
            var notFinite = assertThrows(InvalidArgumentException.class, () -> PpoStep.run(policy, reference, adam,
                    b.sequences(), b.starts(), nan, options(0.05)));
            assertTrue(notFinite.getMessage().contains("not finite"), notFinite.getMessage());
            var noReference = assertThrows(InvalidArgumentException.class, () -> PpoStep.run(policy, null, adam,
                    b.sequences(), b.starts(), b.rewards(), options(0.05)));
            assertTrue(noReference.getMessage().contains("reference"), noReference.getMessage());
            int[] zeroStart = b.starts().clone();
            zeroStart[0] = 0;
            assertThrows(InvalidArgumentException.class, () -> PpoStep.run(policy, reference, adam, b.sequences(),
                    zeroStart, b.rewards(), options(0.05)));
        }
    }
}
