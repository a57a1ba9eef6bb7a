package dev.densify.bo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

class LogExpectedImprovementTest {

    private static final NormalDistribution N01 = new NormalDistribution(null, 0, 1);

    /** log(φ(h) + hΦ(h)) computed naively. */
    private static double naive(double h) {
        return Math.log(N01.density(h) + h * N01.cumulativeProbability(h));
    }

    /** The Mills-ratio series to six terms, for large negative h. */
    private static double series(double h) {
        double i2 = 1 / (h * h);
        double s = i2 * (1 + i2 * (-3 + i2 * (15 + i2 * (-105 + i2 * (945 + i2 * -10395)))));
        return -0.5 * h * h - 0.5 * Math.log(2 * Math.PI) + Math.log(s);
    }

    @Test
    void logHEqualsTheDirectFormulaWhereEiIsNotTiny() {
        for (double h = -5; h <= 5; h += 0.125) {
            double expected = naive(h);
            assertEquals(expected, LogExpectedImprovement.logH(h), 1e-11 * Math.max(1, Math.abs(expected)), "h=" + h);
        }
        assertEquals(Math.log(40), LogExpectedImprovement.logH(40), 1e-12);
    }

    @Test
    void logHStaysFiniteAndAccurateWhereEiUnderflows() {
        // EI itself underflows to 0 below h ≈ −38.5: the direct formula gives −∞ there.
        assertEquals(Double.NEGATIVE_INFINITY, naive(-40));
        for (double h : new double[] {-40, -60, -99, -150, -1e3, -1e6, -1e10, -1e100}) {
            double v = LogExpectedImprovement.logH(h);
            assertTrue(Double.isFinite(v), "h=" + h + " gave " + v);
            assertEquals(series(h), v, 1e-10 * Math.abs(v), "h=" + h);
        }
        // The erfcx branch (h in [−100, −1]) agrees with the series where both are accurate.
        double h = -40;
        double w = Math.log(-h * Math.sqrt(Math.PI / 2) * NormalFunctions.erfcx(-h / Math.sqrt(2)));
        double viaErfcx = NormalFunctions.logPdf(h) + NormalFunctions.log1mexp(w);
        assertEquals(series(h), viaErfcx, 1e-9);
        // Continuity across the branch points.
        for (double b : new double[] {-1, NormalFunctions.LOG_H_SERIES_BELOW}) {
            double left = LogExpectedImprovement.logH(Math.nextDown(b));
            double right = LogExpectedImprovement.logH(Math.nextUp(b));
            assertEquals(left, right, 1e-9 * Math.max(1, Math.abs(left)), "branch at " + b);
        }
        // Increasing in h across all branches.
        double prev = Double.NEGATIVE_INFINITY;
        for (double x = -1e4; x < 30; x += x < -200 ? 50 : 0.01) {
            double v = LogExpectedImprovement.logH(x);
            assertTrue(v > prev, "not increasing at " + x);
            prev = v;
        }
    }

    @Test
    void erfcxMatchesItsDefinition() {
        for (double x = 0; x <= 26; x += 0.25) {
            double direct = Math.exp(x * x) * Erf.erfc(x);
            assertEquals(direct, NormalFunctions.erfcx(x), 2e-13 * direct, "x=" + x);
        }
        assertEquals(1 / (Math.sqrt(Math.PI) * 1e9), NormalFunctions.erfcx(1e9), 1e-30);
    }

    @Test
    void logHDerivativeMatchesFiniteDifferences() {
        for (double h : new double[] {-150, -80, -30, -5, -1.5, -0.5, 0, 0.7, 3, 12}) {
            double e = 1e-6 * Math.max(1, Math.abs(h));
            double fd = (LogExpectedImprovement.logH(h + e) - LogExpectedImprovement.logH(h - e)) / (2 * e);
            assertEquals(fd, LogExpectedImprovement.logHDerivative(h), 1e-6 * Math.max(1, Math.abs(fd)), "h=" + h);
        }
    }

    private static GaussianProcess model() {
        Random rng = new Random(21);
        double[][] x = new double[10][2];
        double[] y = new double[10];
        for (int i = 0; i < 10; i++) {
            x[i][0] = rng.nextDouble();
            x[i][1] = rng.nextDouble();
            y[i] = 5 * Math.sin(3 * x[i][0]) + x[i][1] * x[i][1];
        }
        return GaussianProcess.withHyperparameters(x, y,
                new GpHyperparameters(new double[] {0.25, 0.5}, 1.2, 1e-4, 0));
    }

    @Test
    void valueIsTheLogOfTheDirectExpectedImprovement() {
        GaussianProcess gp = model();
        LogExpectedImprovement ei = new LogExpectedImprovement(gp, 4.0);
        Random rng = new Random(1);
        int checked = 0;
        for (int t = 0; t < 50; t++) {
            double[] p = {rng.nextDouble(), rng.nextDouble()};
            GaussianProcess.Prediction pr = gp.predict(p);
            double sigma = pr.std();
            double h = (pr.mean() - 4.0) / sigma;
            double direct = sigma * (N01.density(h) + h * N01.cumulativeProbability(h));
            if (direct > 1e-12) {
                assertEquals(Math.log(direct), ei.value(p), 1e-8 * Math.max(1, Math.abs(Math.log(direct))));
                checked++;
            }
            assertTrue(Double.isFinite(ei.value(p)));
        }
        assertTrue(checked > 10, "only " + checked + " points with EI > 1e-12");
        // Far below the incumbent: EI underflows, log EI does not.
        LogExpectedImprovement hopeless = new LogExpectedImprovement(gp, 1e4);
        double v = hopeless.value(new double[] {0.5, 0.5});
        assertTrue(Double.isFinite(v) && v < -1000, "log EI " + v);
        assertEquals(v, hopeless.evaluate(new double[][] {{0.5, 0.5}}));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        GaussianProcess gp = model();
        Random rng = new Random(2);
        for (double best : new double[] {2.0, 4.5, 9.0}) {
            LogExpectedImprovement ei = new LogExpectedImprovement(gp, best);
            for (int t = 0; t < 6; t++) {
                double[] p = {0.05 + 0.9 * rng.nextDouble(), 0.05 + 0.9 * rng.nextDouble()};
                double[] g = new double[2];
                double v = ei.valueAndGradient(p, g);
                assertEquals(ei.value(p), v, 1e-12);
                for (int k = 0; k < 2; k++) {
                    double e = 1e-6;
                    double[] a = p.clone();
                    double[] b = p.clone();
                    a[k] += e;
                    b[k] -= e;
                    double fd = (ei.value(a) - ei.value(b)) / (2 * e);
                    assertEquals(fd, g[k], 1e-5 * Math.max(1, Math.abs(fd)), "best=" + best + " k=" + k);
                }
            }
        }
    }

    @Test
    void badInputsAreRejected() {
        GaussianProcess gp = model();
        assertThrows(IllegalArgumentException.class, () -> new LogExpectedImprovement(gp, Double.NaN));
        LogExpectedImprovement ei = new LogExpectedImprovement(gp, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ei.evaluate(new double[][] {{0.1, 0.1}, {0.2, 0.2}}));
        assertTrue(e.getMessage().contains("takes 1 point, got 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ei.value(new double[] {0.1}));
        assertTrue(e.getMessage().contains("coordinates"), e.getMessage());
    }
}
