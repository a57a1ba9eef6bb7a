package dev.densify.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.densify.engine.InvalidArgumentException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaeTest {

    /** The textbook recursion, in double, written independently of the engine. */
    private static double[][] reference(float[] r, float[] v, double gamma, double lam) {
        int n = r.length;
        double[] adv = new double[n];
        double[] ret = new double[n];
        for (int t = 0; t < n; t++) {
            // A_t = sum_l (gamma lam)^l delta_{t+l}
            double sum = 0;
            double factor = 1;
            for (int l = t; l < n; l++) {
                double next = l + 1 < n ? v[l + 1] : 0;
                sum += factor * (r[l] + gamma * next - v[l]);
                factor *= gamma * lam;
            }
            adv[t] = sum;
            ret[t] = sum + v[t];
        }
        return new double[][] {adv, ret};
    }

    @Test
    void matchesTheReferenceWithVariableLengths() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int batch = 1 + rng.nextInt(6);
            float[][] r = new float[batch][];
            float[][] v = new float[batch][];
            for (int b = 0; b < batch; b++) {
                int n = rng.nextInt(25);  // empty responses included
                r[b] = new float[n];
                v[b] = new float[n];
                for (int t = 0; t < n; t++) {
                    r[b][t] = (float) rng.nextGaussian();
                    v[b][t] = (float) rng.nextGaussian();
                }
            }
            double gamma = trial % 5 == 0 ? 1.0 : rng.nextDouble();
            double lam = trial % 7 == 0 ? 0.0 : rng.nextDouble();
            Gae.Result got = Gae.compute(r, v, gamma, lam);
            for (int b = 0; b < batch; b++) {
                double[][] want = reference(r[b], v[b], gamma, lam);
                assertEquals(r[b].length, got.advantages()[b].length);
                for (int t = 0; t < r[b].length; t++) {
                    assertEquals(want[0][t], got.advantages()[b][t], 1e-5, "advantage " + b + "," + t);
                    assertEquals(want[1][t], got.returns()[b][t], 1e-5, "return " + b + "," + t);
                }
            }
        }
    }

    @Test
    void badInputIsRejected() {
        float[][] one = {{1f, 2f}};
        var gamma = assertThrows(InvalidArgumentException.class, () -> Gae.compute(one, one, 1.5, 0.9));
        assertTrue(gamma.getMessage().contains("gamma"), gamma.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Gae.compute(one, one, 0.9, -0.1));
        assertThrows(IllegalArgumentException.class, () -> Gae.compute(one, new float[][] {{1f}}, 0.9, 0.9));
        assertThrows(InvalidArgumentException.class, () -> Gae.compute(new float[][] {{Float.NaN}}, new float[][] {{0f}}, 1, 1));
    }
}
