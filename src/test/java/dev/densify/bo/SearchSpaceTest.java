package dev.densify.bo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class SearchSpaceTest {

    static void assertOnSimplex(double[] w) {
        double sum = 0;
        for (double v : w) {
            assertTrue(v >= 0, "negative weight " + v);
            sum += v;
        }
        assertTrue(Math.abs(sum - 1) < 1e-9, "sum " + sum);
    }

    @Test
    void everyUnitPointMapsOntoTheSimplexAndBack() {
        Random rng = new Random(1);
        for (int d = 2; d <= 7; d++) {
            SimplexSpace s = SimplexSpace.of(d);
            assertEquals(d - 1, s.dimension());
            assertEquals(d, s.pointDimension());
            assertEquals(d, s.featureDimension());
            for (int t = 0; t < 2000; t++) {
                double[] u = new double[d - 1];
                for (int k = 0; k < u.length; k++) {
                    // Include the faces: exact 0s and 1s.
                    double r = rng.nextDouble();
                    u[k] = r < 0.1 ? 0 : r > 0.9 ? 1 : rng.nextDouble();
                }
                double[] w = s.fromUnit(u);
                assertOnSimplex(w);
                assertArrayEquals(w, s.features(w));
                double[] back = s.fromUnit(s.toUnit(w));
                assertArrayEquals(w, back, 1e-12);
                boolean interior = true;
                for (double v : u) {
                    interior &= v > 1e-3 && v < 1 - 1e-3;
                }
                if (interior) {
                    assertArrayEquals(u, s.toUnit(w), 1e-9);
                }
            }
            // Every vertex is reached.
            for (int v = 0; v < d; v++) {
                double[] u = new double[d - 1];
                if (v < d - 1) {
                    u[v] = 1;
                }
                double[] w = s.fromUnit(u);
                assertEquals(1, w[v], 1e-15, "vertex " + v);
            }
        }
    }

    @Test
    void uniformUnitPointsAreUniformOnTheSimplex() {
        SimplexSpace s = SimplexSpace.of(4);
        double[][] u = new SobolDesign(3, 2).points(0, 4096);
        double[] mean = new double[4];
        double[] sq = new double[4];
        for (double[] p : u) {
            double[] w = s.fromUnit(p);
            for (int i = 0; i < 4; i++) {
                mean[i] += w[i] / u.length;
                sq[i] += w[i] * w[i] / u.length;
            }
        }
        // Dirichlet(1,1,1,1): E w_i = 1/4, E w_i² = 2/(4·5) = 0.1.
        for (int i = 0; i < 4; i++) {
            assertEquals(0.25, mean[i], 2e-3);
            assertEquals(0.1, sq[i], 2e-3);
        }
    }

    @Test
    void boxesAndProductsConcatenate() {
        BoxSpace box = new BoxSpace(List.of(BoxDimension.log("lr", 1e-5, 1e-2), BoxDimension.linear("kl", 0, 0.5)));
        SimplexSpace weights = new SimplexSpace(List.of("sparse", "shap", "lime", "attention"));
        ProductSpace space = ProductSpace.of(weights, box);
        assertEquals(List.of("sparse", "shap", "lime", "attention", "lr", "kl"), space.names());
        assertEquals(5, space.dimension());
        assertEquals(6, space.pointDimension());
        assertEquals(6, space.featureDimension());
        double[] p = space.fromUnit(new double[] {0.2, 0.5, 0.7, 0.5, 1});
        assertOnSimplex(java.util.Arrays.copyOf(p, 4));
        assertEquals(Math.sqrt(1e-5 * 1e-2), p[4], 1e-15);
        assertEquals(0.5, p[5]);
        assertArrayEquals(new double[] {0.2, 0.5, 0.7, 0.5, 1}, space.toUnit(p), 1e-12);
        double[] f = space.features(p);
        assertEquals(0.5, f[4], 1e-12);
        assertEquals(1, f[5], 1e-12);
    }

    @Test
    void badPointsAreRejectedWithTheProblemNamed() {
        SimplexSpace s = new SimplexSpace(List.of("a", "b", "c"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.checkPoint(new double[] {0.5, 0.5}));
        assertTrue(e.getMessage().contains("has 2 coordinates, expected 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.checkPoint(new double[] {0.5, 0.6, 0.1}));
        assertTrue(e.getMessage().contains("sum to 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.checkPoint(new double[] {1.1, -0.1, 0}));
        assertTrue(e.getMessage().contains("'b' is negative"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.checkPoint(new double[] {Double.NaN, 0.5, 0.5}));
        assertTrue(e.getMessage().contains("'a' is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.fromUnit(new double[] {0.5, 1.5}));
        assertTrue(e.getMessage().contains("unit coordinate 1 must be in [0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SimplexSpace(List.of("a")));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SimplexSpace(List.of("a", "a")));
        assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BoxDimension.log("lr", 0, 1));
        assertTrue(e.getMessage().contains("lower > 0"), e.getMessage());
        BoxSpace box = BoxSpace.unitCube(2);
        e = assertThrows(IllegalArgumentException.class, () -> box.checkPoint(new double[] {0.5, 1.5}));
        assertTrue(e.getMessage().contains("'x1' = 1.5 is outside"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ProductSpace.of(SimplexSpace.of(2), SimplexSpace.of(2)));
        assertTrue(e.getMessage().contains("duplicate coordinate name 'w0'"), e.getMessage());
    }
}
