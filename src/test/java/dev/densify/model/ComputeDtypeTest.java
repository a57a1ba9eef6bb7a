package dev.densify.model;

import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.ScoredSequence;
import dev.densify.engine.ComputeDtype;
import dev.densify.engine.Densify;
import dev.densify.engine.InvalidArgumentException;
import dev.densify.engine.internal.EngineCalls;
import dev.densify.rl.KlEstimator;
import dev.densify.rl.PpoOptions;
import dev.densify.rl.PpoStats;
import dev.densify.rl.PpoStep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bfloat16 inference forwards against float32 on the same weights: the relative error of
 * logits, values and scores is that of bf16 operands (between 1e-4 and 2e-2: nonzero, so the
 * setting is in effect, and small), log-probs and SHAP values stay close; float16 is refused on
 * the CPU; PPO steps ignore the setting (bit for bit).
 */
@ExtendWith(ModelFixtures.SingleThreaded.class)
class ComputeDtypeTest {

    static final ModelConfig C = new ModelConfig(97, 40, 64, 3, 4);

    @AfterEach
    void restore() {
        Densify.setComputeDtype(ComputeDtype.FLOAT32);
    }

    private static double relative(float[] ref, float[] x) {
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (double) (x[i] - ref[i]) * (x[i] - ref[i]);
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }

    private static float[] flat(float[][] a) {
        int n = 0;
        for (float[] r : a) {
            n += r.length;
        }
        float[] out = new float[n];
        int k = 0;
        for (float[] r : a) {
            System.arraycopy(r, 0, out, k, r.length);
            k += r.length;
        }
        return out;
    }

    @Test
    void bfloat16ForwardsAgreeWithFloat32AtBf16Precision() {
        assertEquals(ComputeDtype.FLOAT32, Densify.computeDtype(), "the default");
        Random random = new Random(3);
        int[][] seqs = {ModelFixtures.tokens(random, 30, C.vocabSize()), ModelFixtures.tokens(random, 9, C.vocabSize()),
                ModelFixtures.tokens(random, 17, C.vocabSize())};
        TokenBatch left = TokenBatch.leftPadded(seqs, 0);
        List<ScoredSequence> attributed = List.of(new ScoredSequence(seqs[1], seqs[2]));
        try (Policy policy = Policy.create(C, "cpu", 51); RewardModel reward = RewardModel.create(C, "cpu", 52)) {
            PolicyOutput f32 = policy.forward(left, ForwardOutputs.ALL);
            float[] s32 = reward.score(left);
            float[] a32 = Attributor.of(reward, AttributionOptions.kernelShap().withSamples(64)).attribute(attributed).get(0).values();
            Densify.setComputeDtype(ComputeDtype.BFLOAT16);
            assertEquals(ComputeDtype.BFLOAT16, Densify.computeDtype());
            assertTrue(EngineCalls.runtimeInfoJson().contains("\"compute_dtype\":\"bfloat16\""));
            PolicyOutput b16 = policy.forward(left, ForwardOutputs.ALL);
            float[] s16 = reward.score(left);
            float[] a16 = Attributor.of(reward, AttributionOptions.kernelShap().withSamples(64)).attribute(attributed).get(0).values();
            double logits = relative(f32.logits(), b16.logits());
            double values = relative(flat(f32.values()), flat(b16.values()));
            double logprobs = relative(flat(f32.tokenLogprobs()), flat(b16.tokenLogprobs()));
            double scores = relative(s32, s16);
            double shap = relative(a32, a16);
            System.out.printf("[dtype] bfloat16 vs float32 relative error: logits %.2e, values %.2e, log-probs %.2e, "
                    + "scores %.2e, SHAP %.2e%n", logits, values, logprobs, scores, shap);
            for (double e : new double[]{logits, values, scores}) {
                assertTrue(e > 1e-4 && e < 2e-2, "relative error " + e);
            }
            // Log-probs of near-uniform distributions move least (here 1.2e-4): bounded above only.
            assertTrue(logprobs > 0 && logprobs < 2e-2, "log-probs relative error " + logprobs);
            assertTrue(shap < 0.1, "SHAP values relative error " + shap);
            Generation g = policy.generate(new int[][]{seqs[1]}, GenerationOptions.defaults().withTemperature(0).withMaxNewTokens(5));
            assertEquals(5, g.lengths()[0]);

            Densify.setComputeDtype(ComputeDtype.FLOAT16);
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> policy.forward(left, ForwardOutputs.ALL));
            assertTrue(e.getMessage().contains("CUDA"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> reward.score(left));

            Densify.setComputeDtype(ComputeDtype.FLOAT32);
            assertArrayEquals(f32.logits(), policy.forward(left, ForwardOutputs.ALL).logits(), "float32 again, bit for bit");
        }
        assertThrows(IllegalArgumentException.class, () -> ComputeDtype.parse("float64"));
        assertEquals(ComputeDtype.BFLOAT16, ComputeDtype.parse(" BFloat16 "));
    }

    /** PPO's forwards stay float32: a step under bfloat16 equals one under float32 bit for bit. */
    @Test
    void ppoStepsIgnoreTheSetting() {
        int[][] seqs = {{1, 5, 9, 13, 17, 21}, {2, 4, 6, 8, 10, 12}};
        int[] starts = {2, 3};
        float[][] rewards = {{0, 0, 0, 1}, {0, 0, -1}};
        PpoOptions o = new PpoOptions(1.0, 0.95, 0.2, 0.2, 0.1, 0.0, 0.05, KlEstimator.K1, true, 2, 2, 3);
        float[][] after = new float[2][];
        PpoStats[] stats = new PpoStats[2];
        for (int k = 0; k < 2; k++) {
            Densify.setComputeDtype(k == 0 ? ComputeDtype.FLOAT32 : ComputeDtype.BFLOAT16);
            try (Policy policy = Policy.create(C, "cpu", 61); Policy reference = policy.copy("cpu");
                 Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults().withLearningRate(1e-3))) {
                stats[k] = PpoStep.run(policy, reference, adam, seqs, starts, rewards, o);
                Densify.setComputeDtype(ComputeDtype.FLOAT32);
                after[k] = policy.forward(TokenBatch.rightPadded(seqs, 0), ForwardOutputs.LOGITS).logits();
            }
        }
        assertEquals(stats[0], stats[1]);
        assertArrayEquals(after[0], after[1]);
    }
}
