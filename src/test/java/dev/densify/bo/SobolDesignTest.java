package dev.densify.bo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class SobolDesignTest {

    @Test
    void pointsAreInTheCubeSeededAndIndexable() {
        SobolDesign d = new SobolDesign(5, 7);
        double[][] p = d.points(0, 64);
        for (double[] row : p) {
            for (double v : row) {
                assertTrue(v >= 0 && v < 1, "coordinate " + v);
            }
        }
        assertTrue(Arrays.deepEquals(p, new SobolDesign(5, 7).points(0, 64)));
        assertFalse(Arrays.deepEquals(p, new SobolDesign(5, 8).points(0, 64)));
        double[][] tail = d.points(40, 10);
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(p[40 + i], tail[i]);
        }
    }

    @Test
    void theDigitalShiftKeepsTheStratification() {
        // The first 2^k points of a Sobol sequence put one point in each interval of width 2^-k in
        // every coordinate; an XOR shift permutes the intervals, so that still holds.
        for (long seed : new long[] {0, 1, 99}) {
            double[][] p = new SobolDesign(4, seed).points(0, 32);
            for (int k = 0; k < 4; k++) {
                boolean[] hit = new boolean[32];
                for (double[] row : p) {
                    hit[(int) (row[k] * 32)] = true;
                }
                for (boolean h : hit) {
                    assertTrue(h, "seed " + seed + " coordinate " + k);
                }
            }
        }
    }

    @Test
    void standardNormalsHaveTheRightMoments() {
        double[][] z = SobolDesign.standardNormal(1024, 6, 5);
        for (int k = 0; k < 6; k++) {
            double m = 0;
            double v = 0;
            for (double[] row : z) {
                m += row[k];
                v += row[k] * row[k];
                assertTrue(Double.isFinite(row[k]));
            }
            assertEquals(0, m / 1024, 0.01);
            assertEquals(1, v / 1024, 0.03);
        }
        // Above the Sobol table: pseudo-random normals.
        assertEquals(1001, SobolDesign.standardNormal(2, 1001, 1)[0].length);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SobolDesign(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SobolDesign(1001, 1));
        assertThrows(IllegalArgumentException.class, () -> new SobolDesign(2, 1).points(-1, 3));
    }
}
