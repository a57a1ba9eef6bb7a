package dev.densify.bo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class LogNoisyExpectedImprovementTest {

    private static GaussianProcess model(double noise) {
        Random rng = new Random(31);
        double[][] x = new double[8][2];
        double[] y = new double[8];
        for (int i = 0; i < 8; i++) {
            x[i][0] = rng.nextDouble();
            x[i][1] = rng.nextDouble();
            y[i] = Math.sin(5 * x[i][0]) + x[i][1] + Math.sqrt(noise) * rng.nextGaussian();
        }
        return GaussianProcess.withHyperparameters(x, y, new GpHyperparameters(new double[] {0.3, 0.6}, 1, noise, 0));
    }

    /**
     * log E[max(0, max_j f(c_j) − max_i f(x_i))] by plain Monte Carlo over the joint posterior,
     * from {@link GaussianProcess#posterior} and pseudo-random normals.
     */
    private static double reference(GaussianProcess gp, double[][] candidates, int samples) {
        double[][] train = gp.inputs();
        int n = train.length;
        int q = candidates.length;
        double[][] all = new double[n + q][];
        System.arraycopy(train, 0, all, 0, n);
        System.arraycopy(candidates, 0, all, n, q);
        GaussianProcess.JointPosterior post = gp.posterior(all);
        Cholesky l = post.cholesky();
        Well19937c rng = new Well19937c(99);
        double sum = 0;
        double[] z = new double[n + q];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < z.length; i++) {
                z[i] = rng.nextGaussian();
            }
            double[] f = l.multiplyLower(z);
            double best = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                best = Math.max(best, post.mean()[i] + f[i]);
            }
            double top = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < q; j++) {
                top = Math.max(top, post.mean()[n + j] + f[n + j]);
            }
            sum += Math.max(0, top - best);
        }
        return Math.log(sum / samples);
    }

    private static final LogNoisyExpectedImprovement.Options MANY =
            LogNoisyExpectedImprovement.Options.defaults().withSamples(8192).withPruneBaseline(false).withSeed(3);

    @Test
    void equalsDirectMonteCarloOverTheJointPosterior() {
        GaussianProcess gp = model(0.05);
        LogNoisyExpectedImprovement acq = LogNoisyExpectedImprovement.create(gp, MANY);
        // Where the improvement is not a rare event (log NEI > −4), both estimators are accurate.
        int compared = 0;
        for (double a = 0.125; a < 1; a += 0.25) {
            for (double b = 0.125; b < 1; b += 0.25) {
                double[] c = {a, b};
                double expected = reference(gp, new double[][] {c}, 200_000);
                double actual = acq.evaluate(new double[][] {c});
                assertTrue(Double.isFinite(actual));
                if (expected > -4) {
                    assertEquals(expected, actual, 0.05, "candidate " + java.util.Arrays.toString(c));
                    compared++;
                }
            }
        }
        assertTrue(compared >= 3, "only " + compared + " candidates with log NEI > -4");
        LogNoisyExpectedImprovement q2 = acq.forBatch(2, new double[0][]);
        double[][] pair = {{0.3, 0.9}, {0.9, 0.95}};
        double expected = reference(gp, pair, 400_000);
        assertEquals(expected, q2.evaluate(pair), 0.05);
        // The batch is worth at least as much as either point alone.
        assertTrue(q2.evaluate(pair) > acq.evaluate(new double[][] {pair[0]}) - 0.01);
        assertTrue(q2.evaluate(pair) > acq.evaluate(new double[][] {pair[1]}) - 0.01);
    }

    @Test
    void pendingPointsActAsPartOfTheBatch() {
        GaussianProcess gp = model(0.05);
        LogNoisyExpectedImprovement acq = LogNoisyExpectedImprovement.create(gp, MANY);
        double[] pending = {0.3, 0.9};
        double[] candidate = {0.9, 0.95};
        double withPending = acq.forBatch(1, new double[][] {pending}).evaluate(new double[][] {candidate});
        double joint = acq.forBatch(2, new double[0][]).evaluate(new double[][] {candidate, pending});
        assertEquals(joint, withPending, 0.03);
        // Adding a candidate never makes the batch worse than the pending point alone.
        double alone = acq.evaluate(new double[][] {pending});
        Random rng = new Random(4);
        for (int t = 0; t < 20; t++) {
            double[] c = {rng.nextDouble(), rng.nextDouble()};
            assertTrue(acq.forBatch(1, new double[][] {pending}).evaluate(new double[][] {c}) > alone - 0.02);
        }
    }

    @Test
    void matchesAnalyticLogEiWhenObservationsAreExact() {
        GaussianProcess gp = model(1e-6);
        double best = Double.NEGATIVE_INFINITY;
        for (double y : gp.outcomes()) {
            best = Math.max(best, y);
        }
        LogNoisyExpectedImprovement nei = LogNoisyExpectedImprovement.create(gp, MANY);
        for (double[] c : new double[][] {{0.3, 0.9}, {0.35, 0.7}, {0.1, 0.99}}) {
            // Analytic log EI: log σ + log(φ(h) + hΦ(h)), h = (μ − best)/σ.
            GaussianProcess.Prediction p = gp.predict(c);
            double sigma = Math.sqrt(p.variance());
            double logEi = Math.log(sigma) + NormalFunctions.logH((p.mean() - best) / sigma);
            assertEquals(logEi, nei.evaluate(new double[][] {c}), 0.05, java.util.Arrays.toString(c));
        }
    }

    @Test
    void staysFiniteFarFromAnyImprovementAndPruningKeepsTheValue() {
        GaussianProcess gp = model(0.01);
        LogNoisyExpectedImprovement pruned = LogNoisyExpectedImprovement.create(gp,
                MANY.withPruneBaseline(true));
        LogNoisyExpectedImprovement full = LogNoisyExpectedImprovement.create(gp, MANY);
        assertTrue(pruned.baselineSize() < gp.size(), "pruned to " + pruned.baselineSize());
        assertEquals(gp.size(), full.baselineSize());
        Random rng = new Random(6);
        for (int t = 0; t < 30; t++) {
            double[] c = {rng.nextDouble(), rng.nextDouble()};
            double a = pruned.evaluate(new double[][] {c});
            double b = full.evaluate(new double[][] {c});
            assertTrue(Double.isFinite(a) && Double.isFinite(b), a + " " + b);
            if (b > -4) {
                assertEquals(b, a, 0.05);
            }
        }
        // An exact copy of a poor observed point: improvement ~ never, yet finite.
        double[][] x = gp.inputs();
        double[] y = gp.outcomes();
        int worst = 0;
        for (int i = 1; i < y.length; i++) {
            if (y[i] < y[worst]) {
                worst = i;
            }
        }
        double v = full.evaluate(new double[][] {x[worst]});
        assertTrue(Double.isFinite(v) && v < -5, "value " + v);
    }

    @Test
    void isDeterministicPerSeed() {
        GaussianProcess gp = model(0.05);
        LogNoisyExpectedImprovement.Options o = LogNoisyExpectedImprovement.Options.defaults().withSeed(12);
        double[][] c = {{0.2, 0.4}};
        assertEquals(LogNoisyExpectedImprovement.create(gp, o).evaluate(c),
                LogNoisyExpectedImprovement.create(gp, o).evaluate(c));
    }

    @Test
    void badInputsAreRejected() {
        GaussianProcess gp = model(0.05);
        LogNoisyExpectedImprovement acq = LogNoisyExpectedImprovement.create(gp,
                LogNoisyExpectedImprovement.Options.defaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> acq.evaluate(new double[][] {{0.1, 0.2}, {0.3, 0.4}}));
        assertTrue(e.getMessage().contains("expected 1 candidates, got 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> acq.evaluate(new double[][] {{0.1, 0.2, 0.3}}));
        assertTrue(e.getMessage().contains("candidate 0 has 3 coordinates, the GP has 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> acq.evaluate(new double[][] {{0.1, Double.NaN}}));
        assertTrue(e.getMessage().contains("candidate 0 coordinate 1 is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> acq.forBatch(0, new double[0][]));
        assertTrue(e.getMessage().contains("q must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> acq.forBatch(1, new double[][] {{1}}));
        assertTrue(e.getMessage().contains("pending point 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LogNoisyExpectedImprovement.Options.defaults().withSamples(0));
        assertTrue(e.getMessage().contains("samples"), e.getMessage());
    }
}
