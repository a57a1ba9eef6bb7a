package dev.densify.attribution;

import dev.densify.model.RewardModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static dev.densify.attribution.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KernelSHAP with feature selection ({@link FeatureSelection}): scores with a known sparse
 * structure, where the tokens outside it must get exactly 0 and the others their coefficients.
 */
class KernelShapSelectionTest {

    @TempDir
    static Path dir;

    private static final int VOCAB = 50;
    private static final int BASELINE = 0;

    /** c0 + Σ c_t [token t kept] + sigma · (a fixed Gaussian draw per set of kept tokens). */
    static RewardFunction sparseNoisy(double[] c, double sigma) {
        RewardFunction linear = KernelShapTest.linear(0.3, c, BASELINE);
        return (ids, mask) -> {
            float[] out = linear.score(ids, mask);
            for (int r = 0; r < ids.length; r++) {
                long kept = 0;
                for (int t = 0; t < ids[r].length; t++) {
                    kept = kept * 31 + (mask[r][t] == 1 && ids[r][t] != BASELINE ? 1 : 2);
                }
                out[r] += (float) (sigma * new Random(kept).nextGaussian());
            }
            return out;
        };
    }

    /** m coefficients, the first `relevant` of a random permutation nonzero (|c| in [0.5, 1.5]), the rest 0. */
    static double[] sparse(Random random, int m, int relevant) {
        double[] c = new double[m];
        int[] order = shuffled(random, m);
        for (int i = 0; i < relevant; i++) {
            c[order[i]] = (random.nextBoolean() ? 1 : -1) * (0.5 + random.nextDouble());
        }
        return c;
    }

    static int[] shuffled(Random random, int m) {
        int[] order = IntStream.range(0, m).toArray();
        for (int i = m - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static Attribution shap(RewardFunction f, int samples, FeatureSelection selection, int[] response) {
        return Attributor.of(f, VOCAB, AttributionOptions.kernelShap().withSamples(samples).withBaselineToken(BASELINE)
                .withSelection(selection)).attribute(new int[0], response);
    }

    static int nonzero(Attribution a) {
        int n = 0;
        for (float v : a.values()) {
            n += v != 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * An exactly linear score with zero coefficients: every selecting rule returns the nonzero
     * coefficients and exact zeros, sampled or enumerated (AIC and BIC select on exact designs too).
     */
    @Test
    void sparseLinearScoreGivesExactZeros() {
        Random random = new Random(21);
        for (int[] shape : new int[][]{{20, 64}, {20, 200}, {20, 512}, {8, 254}, {12, 4094}}) {
            int m = shape[0];
            int samples = shape[1];
            double[] c = sparse(random, m, m / 3);
            int[] response = Fixtures.tokens(random, m, 1, VOCAB);
            RewardFunction f = KernelShapTest.linear(0.3, c, BASELINE);
            for (FeatureSelection selection : new FeatureSelection[]{FeatureSelection.auto(), FeatureSelection.aic(),
                    FeatureSelection.bic(), FeatureSelection.top(m / 3)}) {
                String what = "M=" + m + " S=" + samples + " " + selection;
                Attribution a = shap(f, samples, selection, response);
                boolean selects = !(selection.kind() == FeatureSelection.Kind.AUTO && samples >= 0.2 * ((1 << m) - 2));
                for (int j = 0; j < m; j++) {
                    if (c[j] == 0 && selects) {
                        assertEquals(0f, a.value(j), what + ": token " + j + " has no effect");
                    } else {
                        assertClose(c[j], a.value(j), 1e-4, what + ": token " + j);
                    }
                }
                assertClose(a.full() - a.baseline(), a.sum(), 1e-4, what + ": efficiency");
            }
        }
    }

    /**
     * Noise on top of a sparse linear score: AIC and BIC keep every token with an effect, at
     * about its coefficient, and give nearly all the others exactly 0, where plain KernelSHAP
     * gives every token a value. A noise token passes AIC's penalty of 2 with probability
     * P(chi2_1 > 2) = 0.157 and BIC's of log 512 with P(chi2_1 > 6.24) = 0.0125 (fewer on the
     * Lasso path, which does not try every subset).
     */
    @Test
    void noisySparseScoreSelectsTheTokensWithAnEffect() {
        Random random = new Random(22);
        int m = 24;
        int trials = 10;
        int relevant = 6;
        int[] noiseKept = new int[2];
        for (int trial = 0; trial < trials; trial++) {
            double[] c = sparse(random, m, relevant);
            int[] response = Fixtures.tokens(random, m, 1, VOCAB);
            RewardFunction f = sparseNoisy(c, 0.02);
            FeatureSelection[] rules = {FeatureSelection.aic(), FeatureSelection.bic()};
            for (int r = 0; r < rules.length; r++) {
                String what = "trial " + trial + " " + rules[r];
                Attribution a = shap(f, 512, rules[r], response);
                for (int j = 0; j < m; j++) {
                    assertClose(c[j], a.value(j), 0.05, what + ": token " + j);
                    if (c[j] != 0) {
                        assertTrue(a.value(j) != 0, what + ": token " + j + " has an effect");
                    } else if (a.value(j) != 0) {
                        noiseKept[r]++;
                    }
                }
                assertClose(a.full() - a.baseline(), a.sum(), 1e-4, what + ": efficiency");
            }
            assertEquals(m, nonzero(shap(f, 512, FeatureSelection.none(), response)), "plain KernelSHAP values every token");
        }
        int noise = trials * (m - relevant);
        System.out.printf("[attribution] SHAP selection, %d noise tokens: AIC kept %d, BIC kept %d%n", noise, noiseKept[0],
                noiseKept[1]);
        assertTrue(noiseKept[0] <= 0.157 * noise, "AIC kept " + noiseKept[0] + " of " + noise + " noise tokens");
        assertTrue(noiseKept[1] <= Math.max(1, 0.0125 * noise), "BIC kept " + noiseKept[1] + " of " + noise + " noise tokens");
    }

    /**
     * BIC's penalty (log n per token) exceeds AIC's (2) and both pick a knot on the same Lasso
     * path, so BIC never keeps more tokens; with more noise AIC does keep some noise tokens.
     */
    @Test
    void bicKeepsNoMoreTokensThanAic() {
        Random random = new Random(23);
        int aicTotal = 0;
        int bicTotal = 0;
        for (int trial = 0; trial < 12; trial++) {
            int m = 16 + random.nextInt(16);
            double[] c = sparse(random, m, 4 + random.nextInt(6));
            int[] response = Fixtures.tokens(random, m, 1, VOCAB);
            RewardFunction f = sparseNoisy(c, 0.3);
            int samples = 64 + random.nextInt(400);
            int aic = nonzero(shap(f, samples, FeatureSelection.aic(), response));
            int bic = nonzero(shap(f, samples, FeatureSelection.bic(), response));
            assertTrue(bic <= aic, "trial " + trial + ": BIC kept " + bic + " tokens, AIC " + aic);
            aicTotal += aic;
            bicTotal += bic;
        }
        assertTrue(bicTotal < aicTotal, "BIC " + bicTotal + " vs AIC " + aicTotal + " tokens over the trials");
    }

    /** top:k keeps the k tokens of largest effect (well separated, effects summing to 0), and no more. */
    @Test
    void topKeepsTheLargestEffects() {
        Random random = new Random(24);
        int m = 15;
        double[] magnitudes = {1.6, -1.4, 1.2, -1.0, 0.8, -0.6, 0.4, -0.2, 0.1, -0.1, 0, 0, 0, 0.05, -0.05};
        for (int trial = 0; trial < 3; trial++) {
            int[] order = shuffled(random, m);
            double[] c = new double[m];
            for (int i = 0; i < m; i++) {
                c[order[i]] = magnitudes[i];
            }
            int[] response = Fixtures.tokens(random, m, 1, VOCAB);
            RewardFunction f = sparseNoisy(c, 0.01);
            for (int k = 1; k <= 6; k++) {
                Attribution a = shap(f, 256, FeatureSelection.top(k), response);
                int[] expected = Arrays.stream(order, 0, k).sorted().toArray();
                int[] got = IntStream.range(0, m).filter(j -> a.value(j) != 0).toArray();
                assertArrayEquals(expected, got, "trial " + trial + " top:" + k + " " + Arrays.toString(a.values()));
                assertClose(a.full() - a.baseline(), a.sum(), 1e-4, "top:" + k + " efficiency");
            }
        }
    }

    /** auto is shap's rule: AIC below 20% of the 2^M - 2 coalitions, plain KernelSHAP from there. */
    @Test
    void autoSelectsOnlyBelowAFifthOfTheSpace() {
        Random random = new Random(25);
        int m = 12;
        double[] c = sparse(random, m, 4);
        int[] response = Fixtures.tokens(random, m, 1, VOCAB);
        RewardFunction f = sparseNoisy(c, 0.05);
        for (int samples : new int[]{64, 512, 818, 819, 1000, 4094}) {
            Attribution auto = shap(f, samples, FeatureSelection.auto(), response);
            boolean below = samples < 0.2 * 4094;
            Attribution expected = shap(f, samples, below ? FeatureSelection.aic() : FeatureSelection.none(), response);
            assertArrayEquals(expected.values(), auto.values(), "S=" + samples);
            assertTrue(below ? nonzero(auto) < m : nonzero(auto) == m, "S=" + samples + ": " + nonzero(auto) + " values");
        }
    }

    /**
     * Edge shapes: two tokens, fewer coalitions than tokens (no noise estimate: the sparsest exact
     * fit), and a long response. Every rule keeps the sum, gives finite values and top:k keeps k.
     */
    @Test
    void edgeShapesKeepTheSumAndStayFinite() {
        Random random = new Random(27);
        for (int[] shape : new int[][]{{2, 2}, {3, 6}, {40, 2}, {40, 16}, {300, 600}}) {
            int m = shape[0];
            double[] c = sparse(random, m, Math.max(1, m / 10));
            int[] response = Fixtures.tokens(random, m, 1, VOCAB);
            RewardFunction f = sparseNoisy(c, 0.05);
            for (FeatureSelection selection : new FeatureSelection[]{FeatureSelection.auto(), FeatureSelection.aic(),
                    FeatureSelection.bic(), FeatureSelection.top(1), FeatureSelection.top(m)}) {
                String what = "M=" + m + " S=" + shape[1] + " " + selection;
                Attribution a = shap(f, shape[1], selection, response);
                for (float v : a.values()) {
                    assertTrue(Float.isFinite(v), what + ": " + v);
                }
                assertClose(a.full() - a.baseline(), a.sum(), 1e-4 * Math.max(1, Math.abs(a.full() - a.baseline())),
                        what + ": efficiency");
                if (selection.kind() == FeatureSelection.Kind.TOP) {
                    assertTrue(nonzero(a) <= selection.maxFeatures(), what + ": " + nonzero(a) + " values");
                }
            }
        }
    }

    /**
     * On a reward model the selection runs on the engine's own forwards exactly as on the same
     * scores from a Java function, and batching changes nothing.
     */
    @Test
    void rewardModelAndFunctionPathsAgree() {
        Random random = new Random(26);
        try (RewardModel model = Fixtures.reward(dir, Fixtures.SMALL, 7)) {
            int vocab = Fixtures.SMALL.vocabSize();
            List<ScoredSequence> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                batch.add(new ScoredSequence(Fixtures.tokens(random, 1 + random.nextInt(3), 0, vocab),
                        Fixtures.tokens(random, 6 + random.nextInt(14), 0, vocab)));
            }
            for (FeatureSelection selection : new FeatureSelection[]{FeatureSelection.aic(), FeatureSelection.bic(),
                    FeatureSelection.top(3)}) {
                AttributionOptions o = AttributionOptions.kernelShap().withSamples(200).withBaselineToken(3).withSelection(selection);
                List<Attribution> native_ = Attributor.of(model, o).attribute(batch);
                List<Attribution> java = Attributor.of(Fixtures.function(model), vocab, o).attribute(batch);
                for (int i = 0; i < batch.size(); i++) {
                    String what = selection + " sequence " + i;
                    Fixtures.assertSameResult(native_.get(i), java.get(i), 1e-5, what);
                    Fixtures.assertSameResult(native_.get(i), Attributor.of(model, o).attribute(batch.get(i)), 1e-5,
                            what + " alone");
                    Attribution a = native_.get(i);
                    assertClose(a.full() - a.baseline(), a.sum(), 1e-4, what + ": efficiency");
                }
            }
        }
    }
}
