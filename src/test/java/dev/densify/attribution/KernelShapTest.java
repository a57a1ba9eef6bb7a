package dev.densify.attribution;

import dev.densify.model.RewardModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.densify.attribution.Fixtures.assertArrayClose;
import static dev.densify.attribution.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** KernelSHAP through the real library against exact Shapley values computed in Java. */
class KernelShapTest {

    @TempDir
    static Path dir;

    private static final List<RewardModel> MODELS = new ArrayList<>();

    @BeforeAll
    static void models() {
        for (long seed = 1; seed <= 3; seed++) {
            MODELS.add(Fixtures.reward(dir, Fixtures.SMALL, seed));
        }
    }

    @AfterAll
    static void close() {
        MODELS.forEach(RewardModel::close);
    }

    private static double[] exact(RewardModel model, int[] prompt, int[] response, int baseline) {
        double[] v = References.coalitionValues(prompt, response, baseline, model::score);
        return References.exactShapley(v, response.length);
    }

    /** With 2^M - 2 <= S every coalition is evaluated: the values are the exact Shapley values. */
    @Test
    void fullBudgetGivesExactShapleyValues() {
        Random random = new Random(11);
        int vocab = Fixtures.SMALL.vocabSize();
        double worst = 0;
        int checked = 0;
        for (RewardModel model : MODELS) {
            for (int m : new int[]{1, 2, 3, 5, 8, 10}) {
                int[] prompt = Fixtures.tokens(random, random.nextInt(4), 0, vocab);
                int[] response = Fixtures.tokens(random, m, 0, vocab);
                int baseline = random.nextInt(vocab);
                int budget = Math.max(2, (1 << m) - 2);
                Attribution a = Attributor.of(model, AttributionOptions.kernelShap().withSamples(budget).withBaselineToken(baseline)
                        .withSeed(random.nextLong())).attribute(prompt, response);
                double[] expected = exact(model, prompt, response, baseline);
                assertArrayClose(expected, a.values(), 1e-4, "M=" + m + " exact Shapley");
                worst = Math.max(worst, Fixtures.maxAbsDiff(expected, a.values()));
                assertEquals(0f, a.diagnostic(), "exact values have no standard error");
                assertEquals(1L << m, a.evaluations(), "every coalition once");
                float[] scores = model.score(new int[][]{concat(prompt, response), concat(prompt, filled(m, baseline))});
                assertClose(scores[0], a.full(), 1e-5, "full");
                assertClose(scores[1], a.baseline(), 1e-5, "baseline");
                checked++;
            }
        }
        System.out.printf("[attribution] SHAP full budget vs exact Shapley: %d sequences, max |diff| %.3g%n", checked, worst);
    }

    /** Efficiency holds at every budget; the error against the exact values shrinks with the budget. */
    @Test
    void efficiencyAtEveryBudget() {
        Random random = new Random(12);
        int vocab = Fixtures.SMALL.vocabSize();
        RewardModel model = MODELS.getFirst();
        int m = 10;
        int[] prompt = Fixtures.tokens(random, 3, 0, vocab);
        int[] response = Fixtures.tokens(random, m, 5, vocab);
        double[] expected = exact(model, prompt, response, 4);
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        StringBuilder report = new StringBuilder();
        for (int budget : new int[]{2, 3, 7, 20, 21, 50, 100, 300, 600, 1000, 1021}) {
            Attribution a = Attributor.of(model, AttributionOptions.kernelShap().withSamples(budget).withBaselineToken(4))
                    .attribute(prompt, response);
            assertClose(a.full() - a.baseline(), a.sum(), 1e-4, "S=" + budget + ": sum of values vs f(x) - f(baseline)");
            assertTrue(a.evaluations() <= budget + 2, "S=" + budget + ": " + a.evaluations() + " evaluations");
            assertTrue(a.diagnostic() >= 0 && Float.isFinite(a.diagnostic()), "S=" + budget + ": diagnostic " + a.diagnostic());
            report.append(String.format(" S=%d: max|err| %.3g, se %.3g, evals %d;", budget,
                    Fixtures.maxAbsDiff(expected, a.values()), a.diagnostic(), a.evaluations()));
            if (budget >= 300) {
                assertArrayClose(expected, a.values(), 0.05 * scale, "S=" + budget + " close to exact");
            }
        }
        System.out.printf("[attribution] SHAP M=10 (max |phi| %.3g), errors vs exact:%s%n", scale, report);
    }

    /**
     * Below about 2(M - 1) coalitions the sampled design does not identify every value. The solve
     * must then return the minimum-norm least-squares solution (as shap's lstsq does), not amplify
     * rounding noise along the unidentified directions: a jittered Cholesky factorisation gave
     * standard errors of 1e4 to 1e5 here (and 1.5e6 on another model). How far the values are from
     * the exact ones at such budgets is sampling error, reported, not asserted.
     */
    @Test
    void budgetsThatDoNotIdentifyEveryValueKeepFiniteStandardErrors() {
        Random random = new Random(14);
        int vocab = Fixtures.SMALL.vocabSize();
        int m = 12;
        double worstError = 0;
        double worstSe = 0;
        for (RewardModel model : MODELS) {
            int[] prompt = Fixtures.tokens(random, 3, 0, vocab);
            int[] response = Fixtures.tokens(random, m, 5, vocab);
            double[] expected = exact(model, prompt, response, 4);
            double norm = 0;
            for (double v : expected) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int budget = 12; budget <= 2 * (m - 1) + 4; budget += 2) {
                for (long seed = 1; seed <= 6; seed++) {
                    Attribution a = Attributor.of(model, AttributionOptions.kernelShap().withSamples(budget).withBaselineToken(4)
                            .withSeed(seed)).attribute(prompt, response);
                    double error = 0;
                    for (int j = 0; j < m; j++) {
                        error += (a.value(j) - expected[j]) * (a.value(j) - expected[j]);
                    }
                    error = Math.sqrt(error) / norm;
                    String what = "S=" + budget + " seed " + seed;
                    // Few residual degrees of freedom make the estimate itself rough: of the order of
                    // the values, not orders of magnitude above them.
                    assertTrue(Float.isFinite(a.diagnostic()) && a.diagnostic() <= 5 * norm, what + ": standard error "
                            + a.diagnostic() + " against ||exact|| " + norm);
                    assertClose(a.full() - a.baseline(), a.sum(), 1e-4, what + ": efficiency");
                    worstError = Math.max(worstError, error);
                    worstSe = Math.max(worstSe, a.diagnostic());
                }
            }
        }
        System.out.printf("[attribution] SHAP M=12 at S=12..26: worst relative error %.3g, worst standard error %.3g%n",
                worstError, worstSe);
    }

    /** A score linear in the kept tokens is explained exactly, with a budget far below 2^M - 2. */
    @Test
    void linearFunctionIsRecoveredExactlyWithSmallBudgets() {
        Random random = new Random(13);
        int vocab = 50;
        int baseline = 0;
        int m = 12;
        int[] prompt = Fixtures.tokens(random, 2, 1, vocab);
        int[] response = Fixtures.tokens(random, m, 1, vocab);
        double[] c = new double[prompt.length + m];
        for (int i = 0; i < c.length; i++) {
            c[i] = random.nextGaussian();
        }
        RewardFunction linear = linear(0.7, c, baseline);
        StringBuilder report = new StringBuilder();
        for (int budget : new int[]{2, 6, 11, 24, 30, 64, 200, 1000}) {
            Attribution a = Attributor.of(linear, vocab, AttributionOptions.kernelShap().withSamples(budget).withBaselineToken(baseline))
                    .attribute(prompt, response);
            double err = 0;
            for (int j = 0; j < m; j++) {
                err = Math.max(err, Math.abs(a.value(j) - c[prompt.length + j]));
            }
            report.append(String.format(" S=%d: %.2g;", budget, err));
            if (budget >= 2 * m) {
                for (int j = 0; j < m; j++) {
                    assertClose(c[prompt.length + j], a.value(j), 1e-4, "S=" + budget + " coefficient " + j);
                }
            }
            assertClose(a.full() - a.baseline(), a.sum(), 1e-4, "efficiency S=" + budget);
        }
        System.out.printf("[attribution] SHAP linear function M=12, max |phi - c|:%s%n", report);
    }

    /** score = c0 + Σ_t c_t [ids[t] != baseline] over the real positions of each row. */
    static RewardFunction linear(double c0, double[] c, int baseline) {
        return (ids, mask) -> {
            float[] out = new float[ids.length];
            for (int r = 0; r < ids.length; r++) {
                double s = c0;
                for (int t = 0; t < ids[r].length; t++) {
                    if (mask[r][t] == 1 && ids[r][t] != baseline) {
                        s += c[t];
                    }
                }
                out[r] = (float) s;
            }
            return out;
        };
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static int[] filled(int n, int value) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
