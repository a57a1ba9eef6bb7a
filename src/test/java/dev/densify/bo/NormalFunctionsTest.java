package dev.densify.bo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/** log(φ(h) + hΦ(h)), the log-domain core of LogNEI, against naive formulas and series. */
class NormalFunctionsTest {

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
            assertEquals(expected, NormalFunctions.logH(h), 1e-11 * Math.max(1, Math.abs(expected)), "h=" + h);
        }
        assertEquals(Math.log(40), NormalFunctions.logH(40), 1e-12);
    }

    @Test
    void logHStaysFiniteAndAccurateWhereEiUnderflows() {
        // EI itself underflows to 0 below h ≈ −38.5: the direct formula gives −∞ there.
        assertEquals(Double.NEGATIVE_INFINITY, naive(-40));
        for (double h : new double[] {-40, -60, -99, -150, -1e3, -1e6, -1e10, -1e100}) {
            double v = NormalFunctions.logH(h);
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
            double left = NormalFunctions.logH(Math.nextDown(b));
            double right = NormalFunctions.logH(Math.nextUp(b));
            assertEquals(left, right, 1e-9 * Math.max(1, Math.abs(left)), "branch at " + b);
        }
        // Increasing in h across all branches.
        double prev = Double.NEGATIVE_INFINITY;
        for (double x = -1e4; x < 30; x += x < -200 ? 50 : 0.01) {
            double v = NormalFunctions.logH(x);
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
            double fd = (NormalFunctions.logH(h + e) - NormalFunctions.logH(h - e)) / (2 * e);
            assertEquals(fd, NormalFunctions.logHDerivative(h), 1e-6 * Math.max(1, Math.abs(fd)), "h=" + h);
        }
    }
}
