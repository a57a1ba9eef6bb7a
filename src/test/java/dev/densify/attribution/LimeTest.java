package dev.densify.attribution;

import dev.densify.model.RewardModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.densify.attribution.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** LIME through the real library against the Java weighted ridge and the population regression. */
class LimeTest {

    @TempDir
    static Path dir;

    private static RewardModel model;

    @BeforeAll
    static void load() {
        model = Fixtures.reward(dir, Fixtures.SMALL, 21);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The Java reference solve recovers exact linear data; the penalty shrinks as the normal equations say. */
    @Test
    void referenceRidgeSolvesLinearData() {
        Random random = new Random(1);
        int n = 50;
        int p = 4;
        double[][] x = new double[n][p];
        double[] y = new double[n];
        double[] w = new double[n];
        double[] beta = {1.5, -2, 0.25, 3};
        for (int k = 0; k < n; k++) {
            y[k] = 0.5;
            for (int j = 0; j < p; j++) {
                x[k][j] = random.nextInt(2);
                y[k] += beta[j] * x[k][j];
            }
            w[k] = 0.1 + random.nextDouble();
        }
        References.Ridge fit = References.weightedRidge(x, y, w, 0);
        for (int j = 0; j < p; j++) {
            assertClose(beta[j], fit.coefficients()[j], 1e-9, "coefficient " + j);
        }
        assertClose(0.5, fit.intercept(), 1e-9, "intercept");
        assertClose(1, fit.r2(), 1e-12, "R^2");
        // With a penalty the gradient of the objective vanishes at the solution.
        References.Ridge ridge = References.weightedRidge(x, y, w, 2.5);
        for (int j = 0; j < p; j++) {
            double g = 2.5 * ridge.coefficients()[j];
            for (int k = 0; k < n; k++) {
                double fitted = ridge.intercept();
                for (int i = 0; i < p; i++) {
                    fitted += x[k][i] * ridge.coefficients()[i];
                }
                g -= w[k] * (y[k] - fitted) * x[k][j];
            }
            assertClose(0, g, 1e-9, "gradient " + j);
        }
    }

    /**
     * The native solve equals the Java weighted ridge on the same perturbation matrix. The
     * callback reveals which perturbations were drawn, not how often; with M = 3 the possible
     * multiplicities are few, and exactly one assignment consistent with the evaluated rows must
     * reproduce the native values and R² (nonlinear scores, several α and kernel widths).
     */
    @Test
    void nativeSolveEqualsJavaRidgeOnTheSamePerturbations() {
        Random random = new Random(2);
        int vocab = Fixtures.SMALL.vocabSize();
        int baseline = 0;
        int m = 3;
        int checked = 0;
        for (double[] setting : new double[][]{{1, 25}, {0.3, 10}, {5, 40}, {0, 25}}) {
            for (int trial = 0; trial < 3; trial++) {
                int[] prompt = Fixtures.tokens(random, 2, 1, vocab);
                int[] response = Fixtures.tokens(random, m, 1, vocab);
                int samples = 8 + random.nextInt(6);
                Map<Integer, Double> scores = new LinkedHashMap<>();
                RewardFunction recording = (ids, mask) -> {
                    float[] s = model.score(new dev.densify.model.TokenBatch(ids, mask));
                    for (int r = 0; r < ids.length; r++) {
                        int keep = 0;
                        for (int j = 0; j < m; j++) {
                            keep |= (ids[r][prompt.length + j] != baseline ? 1 : 0) << j;
                        }
                        if (scores.put(keep, (double) s[r]) != null) {
                            fail("row " + keep + " evaluated twice");
                        }
                    }
                    return s;
                };
                AttributionOptions options = AttributionOptions.lime().withSamples(samples).withBaselineToken(baseline)
                        .withRidgeAlpha(setting[0]).withKernelWidth(setting[1]).withSeed(random.nextLong());
                Attribution a = Attributor.of(recording, vocab, options).attribute(prompt, response);
                assertEquals(scores.size(), a.evaluations(), "evaluations = distinct rows scored");
                int all = (1 << m) - 1;
                assertTrue(scores.containsKey(all) && scores.containsKey(0), "full and empty rows are scored");
                assertClose(scores.get(all), a.full(), 0, "full");
                assertClose(scores.get(0), a.baseline(), 0, "baseline");
                // Rows other than the full one: seen ones occur >= 1 times (the empty row >= 0), unseen ones never.
                List<Integer> rows = new ArrayList<>();
                for (int keep = 0; keep < all; keep++) {
                    if (scores.containsKey(keep)) {
                        rows.add(keep);
                    }
                }
                int[] counts = new int[rows.size()];
                int[] matches = {0};
                int[] wrong = {0};
                double[] best = {Double.POSITIVE_INFINITY};
                enumerate(counts, 0, samples - 1, rows, () -> {
                    for (int i = 0; i < counts.length; i++) {
                        if (counts[i] == 0 && rows.get(i) != 0) {
                            return;
                        }
                    }
                    References.Ridge fit = reference(rows, counts, m, scores, options);
                    double err = Math.abs(fit.r2() - a.diagnostic());
                    for (int j = 0; j < m; j++) {
                        err = Math.max(err, Math.abs(fit.coefficients()[j] - a.value(j)));
                    }
                    best[0] = Math.min(best[0], err);
                    if (err <= 1e-5) {
                        matches[0]++;
                    }
                    // negative control: another penalty never reproduces the native values
                    References.Ridge other = reference(rows, counts, m, scores, options.withRidgeAlpha(options.ridgeAlpha() + 0.5));
                    double otherErr = 0;
                    for (int j = 0; j < m; j++) {
                        otherErr = Math.max(otherErr, Math.abs(other.coefficients()[j] - a.value(j)));
                    }
                    if (otherErr <= 1e-5) {
                        wrong[0]++;
                    }
                });
                assertEquals(0, wrong[0], "a different alpha also reproduced the native values: the check cannot discriminate");
                assertTrue(matches[0] >= 1, "no multiplicity assignment reproduces the native LIME values "
                        + a + " (closest differs by " + best[0] + ")");
                checked++;
            }
        }
        System.out.printf("[attribution] LIME native solve = Java weighted ridge on the same perturbations: %d cases%n",
                checked);
    }

    private static References.Ridge reference(List<Integer> rows, int[] counts, int m, Map<Integer, Double> scores,
                                              AttributionOptions options) {
        int n = 1;
        for (int c : counts) {
            n += c;
        }
        double[][] x = new double[n][m];
        double[] y = new double[n];
        double[] w = new double[n];
        int k = 0;
        int all = (1 << m) - 1;
        for (int i = -1; i < rows.size(); i++) {
            int keep = i < 0 ? all : rows.get(i);
            int copies = i < 0 ? 1 : counts[i];
            for (int c = 0; c < copies; c++, k++) {
                for (int j = 0; j < m; j++) {
                    x[k][j] = keep >> j & 1;
                }
                y[k] = scores.get(keep);
                w[k] = References.limeKernel(Integer.bitCount(keep), m, options.kernelWidth());
            }
        }
        return References.weightedRidge(x, y, w, options.ridgeAlpha());
    }

    /** Calls body for every way of distributing total over counts[from..]. */
    private static void enumerate(int[] counts, int from, int total, List<Integer> rows, Runnable body) {
        if (from == counts.length - 1) {
            counts[from] = total;
            body.run();
            return;
        }
        for (int c = 0; c <= total; c++) {
            counts[from] = c;
            enumerate(counts, from + 1, total - c, rows, body);
        }
    }

    /**
     * A score linear in the kept tokens: without penalty LIME returns the coefficients (the data are
     * exactly linear, R² = 1); with lime's default α = 1 every coefficient is shrunk by the penalty.
     */
    @Test
    void linearFunctionIsRecovered() {
        Random random = new Random(3);
        int vocab = 50;
        int m = 10;
        int[] prompt = Fixtures.tokens(random, 2, 1, vocab);
        int[] response = Fixtures.tokens(random, m, 1, vocab);
        double[] c = new double[prompt.length + m];
        for (int i = 0; i < c.length; i++) {
            c[i] = random.nextGaussian();
        }
        RewardFunction linear = KernelShapTest.linear(-0.3, c, 0);
        StringBuilder report = new StringBuilder();
        double[] shrinkage = new double[2]; // alpha = 1 at S = 1000 and 20000
        for (double alpha : new double[]{0, 1}) {
            for (int samples : new int[]{1000, 5000, 20000}) {
                Attribution a = Attributor.of(linear, vocab, AttributionOptions.lime().withSamples(samples).withRidgeAlpha(alpha))
                        .attribute(prompt, response);
                double err = 0;
                for (int j = 0; j < m; j++) {
                    err = Math.max(err, Math.abs(a.value(j) - c[prompt.length + j]));
                }
                report.append(String.format(" alpha=%s S=%d: max|beta-c| %.3g (R^2 %.6f);", alpha, samples, err,
                        a.diagnostic()));
                if (alpha == 0) {
                    assertTrue(err <= 1e-4, "alpha=0, S=" + samples + ": coefficients off by " + err);
                    assertClose(1, a.diagnostic(), 1e-5, "R^2 of exactly linear data");
                } else {
                    assertTrue(err <= 0.05, "alpha=1, S=" + samples + ": coefficients off by " + err);
                    if (samples != 5000) {
                        shrinkage[samples == 1000 ? 0 : 1] = err;
                    }
                }
            }
        }
        System.out.printf("[attribution] LIME linear function M=10:%s%n", report);
        // The penalty is fixed while the weighted Gram matrix grows with S: the shrinkage falls as 1/S.
        assertTrue(shrinkage[1] <= 1.5 * shrinkage[0] / 20, "alpha=1 error " + shrinkage[0] + " at S=1000, "
                + shrinkage[1] + " at S=20000");
    }

    /**
     * Statistical check: as S grows (α fixed) LIME converges to the weighted regression over the
     * sampling distribution itself (row probabilities: 1/M for each k = 1..M removed, uniform over
     * the C(M, k) rows), which the Java reference computes exactly by enumerating all 2^M rows.
     */
    @Test
    void largeSampleLimeConvergesToThePopulationRegression() {
        Random random = new Random(4);
        int vocab = Fixtures.SMALL.vocabSize();
        int m = 6;
        int[] prompt = Fixtures.tokens(random, 3, 1, vocab);
        int[] response = Fixtures.tokens(random, m, 1, vocab);
        double[] v = References.coalitionValues(prompt, response, 0, model::score);
        int rows = 1 << m;
        double[][] x = new double[rows][m];
        double[] w = new double[rows];
        for (int keep = 0; keep < rows; keep++) {
            int removed = m - Integer.bitCount(keep);
            for (int j = 0; j < m; j++) {
                x[keep][j] = keep >> j & 1;
            }
            double probability = removed == 0 ? 0 : 1.0 / m / References.binomial(m, removed);
            w[keep] = probability * References.limeKernel(Integer.bitCount(keep), m, 25);
        }
        double[] expected = References.weightedRidge(x, v, w, 0).coefficients();
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        StringBuilder report = new StringBuilder();
        for (int samples : new int[]{1000, 10000, 200000}) {
            Attribution a = Attributor.of(model, AttributionOptions.lime().withSamples(samples)).attribute(prompt, response);
            double err = Fixtures.maxAbsDiff(expected, a.values());
            report.append(String.format(" S=%d: %.3g;", samples, err));
            if (samples == 200000) {
                assertTrue(err <= 0.03 * scale, "S=" + samples + ": max |beta - beta*| " + err + " (scale " + scale + ")");
            }
        }
        System.out.printf("[attribution] LIME vs population regression M=6 (max |beta*| %.3g), max |diff|:%s%n", scale,
                report);
    }
}
