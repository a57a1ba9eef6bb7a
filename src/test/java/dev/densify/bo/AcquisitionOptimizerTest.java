package dev.densify.bo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class AcquisitionOptimizerTest {

    /** A smooth function with its maximum at c (inside or outside the unit box). */
    private static AcquisitionOptimizer.Objective bowl(double[] c) {
        return units -> {
            double v = 0;
            int k = 0;
            for (double[] row : units) {
                for (double u : row) {
                    double d = u - c[k++ % c.length];
                    v -= d * d + 0.1 * d * d * d * d;
                }
            }
            return v;
        };
    }

    @Test
    void findsTheMaximumWithEitherLocalSearch() {
        for (AcquisitionOptimizer.LocalSearch ls : AcquisitionOptimizer.LocalSearch.values()) {
            AcquisitionOptimizer.Options o = AcquisitionOptimizer.Options.defaults().withRawSamples(32).withLocalSearch(ls);
            for (int d : new int[] {1, 3}) {
                double[] c = {0.37, 0.81, 0.12};
                AcquisitionOptimizer.Result r = AcquisitionOptimizer.maximise(bowl(c), 1, d, List.of(), o, 1);
                for (int k = 0; k < d; k++) {
                    assertEquals(c[k], r.units()[0][k], 2e-3, ls + " d=" + d + " k=" + k);
                }
            }
            // Outside the box: the maximiser is on its boundary, and nothing leaves the box.
            double[] c = {1.4, -0.3};
            AcquisitionOptimizer.Result r = AcquisitionOptimizer.maximise(units -> {
                for (double[] row : units) {
                    for (double u : row) {
                        assertTrue(u >= 0 && u <= 1, "left the box: " + u);
                    }
                }
                return bowl(c).value(units);
            }, 2, 2, List.of(), o, 2);
            for (double[] row : r.units()) {
                assertEquals(1, row[0], 1e-6, ls.toString());
                assertEquals(0, row[1], 1e-6, ls.toString());
            }
        }
    }

    @Test
    void startsAreDistinctWithTheBestFirst() {
        double[] values = new double[50];
        for (int i = 0; i < 50; i++) {
            values[i] = Math.sin(i);
        }
        values[17] = 5;
        int[] s = AcquisitionOptimizer.chooseStarts(values, 8, new Well19937c(1));
        assertEquals(17, s[0]);
        Set<Integer> seen = new HashSet<>();
        for (int i : s) {
            assertTrue(seen.add(i), "repeated start " + i);
        }
        assertEquals(8, s.length);
        // Fewer raw points than restarts, and all values equal.
        assertEquals(3, AcquisitionOptimizer.chooseStarts(new double[] {1, 1, 1}, 5, new Well19937c(1)).length);
    }

    @Test
    void badOptionsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AcquisitionOptimizer.Options.defaults().withRestarts(0));
        assertTrue(e.getMessage().contains("restarts must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AcquisitionOptimizer.maximise(u -> 0, 0, 2, List.of(), AcquisitionOptimizer.Options.defaults(), 0));
        assertTrue(e.getMessage().contains("q and d must be >= 1"), e.getMessage());
    }
}
