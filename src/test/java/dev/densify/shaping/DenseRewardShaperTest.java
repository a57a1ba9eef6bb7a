package dev.densify.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.densify.attribution.AttributionMethod;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DenseRewardShaperTest {

    /** A random point of the simplex over all components (some weights exactly zero). */
    private static ShapingWeights randomWeights(SplittableRandom rng) {
        EnumMap<AttributionMethod, Double> raw = new EnumMap<>(AttributionMethod.class);
        double sum = 0;
        for (AttributionMethod c : AttributionMethod.values()) {
            double g = rng.nextInt(4) == 0 ? 0 : -Math.log(rng.nextDouble());
            raw.put(c, g);
            sum += g;
        }
        if (sum == 0) {
            return ShapingWeights.only(AttributionMethod.SHAP);
        }
        EnumMap<AttributionMethod, Double> w = new EnumMap<>(AttributionMethod.class);
        for (Map.Entry<AttributionMethod, Double> e : raw.entrySet()) {
            w.put(e.getKey(), e.getValue() / sum);
        }
        return new ShapingWeights(w);
    }

    private static float[] randomScores(SplittableRandom rng, int m) {
        float[] s = new float[m];
        int kind = rng.nextInt(5);
        for (int t = 0; t < m; t++) {
            s[t] = switch (kind) {
                case 0 -> (float) rng.nextDouble();                 // attention-like
                case 1 -> (float) (rng.nextGaussian() * 3);         // signed attributions
                case 2 -> 0f;                                       // degenerate: all zero
                case 3 -> (t % 2 == 0 ? 1f : -1f);                  // cancelling
                default -> t == 0 ? Float.NaN : (float) rng.nextGaussian();
            };
        }
        return s;
    }

    @Test
    void shapedRewardsSumToTheSequenceRewardForEveryWeightOnTheSimplex() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 2000; trial++) {
            int m = 1 + rng.nextInt(40);
            double reward = rng.nextGaussian() * 5;
            ShapingWeights w = randomWeights(rng);
            Map<AttributionMethod, float[]> scores = new EnumMap<>(AttributionMethod.class);
            for (AttributionMethod c : AttributionMethod.values()) {
                scores.put(c, randomScores(rng, m));
            }
            float[] r = new DenseRewardShaper(w).shape(reward, scores, m);
            double sum = 0;
            for (float x : r) {
                assertTrue(Float.isFinite(x), "non-finite shaped reward");
                sum += x;
            }
            assertEquals(reward, sum, 1e-5 * Math.max(1, Math.abs(reward)), "weights " + w);
        }
    }

    @Test
    void sparseAloneIsPlainRlhf() {
        float[] r = new DenseRewardShaper(ShapingWeights.only(AttributionMethod.SPARSE)).shape(2.5, Map.of(), 4);
        assertEquals(0f, r[0]);
        assertEquals(0f, r[2]);
        assertEquals(2.5f, r[3]);
    }

    @Test
    void proportionalCreditAndDocumentedFallbacks() {
        double[] eps = DenseRewardShaper.normalise(new float[] {1, 3});
        assertEquals(0.25, eps[0], 1e-12);
        assertEquals(0.75, eps[1], 1e-12);
        for (float[] degenerate : new float[][] {{0, 0, 0}, {1, -1, 0}, {Float.NaN, 1, 1}, {Float.POSITIVE_INFINITY, 1, 1},
                {1f, -0.95f, 0}}) {
            double[] u = DenseRewardShaper.normalise(degenerate);
            for (double x : u) {
                assertEquals(1.0 / 3, x, 1e-12);
            }
        }
    }

    @Test
    void weightsOffTheSimplexNegativeOrNaNAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ShapingWeights.parse("sparse=0.5,shap=0.6"));
        var negative = assertThrows(IllegalArgumentException.class, () -> ShapingWeights.parse("sparse=1.5,shap=-0.5"));
        assertTrue(negative.getMessage().contains(">= 0"), negative.getMessage());
        var nan = assertThrows(IllegalArgumentException.class, () -> ShapingWeights.parse("sparse=NaN,shap=1"));
        assertTrue(nan.getMessage().contains("sparse"), nan.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> ShapingWeights.parse("shapley=1"));
        assertTrue(unknown.getMessage().contains("known: sparse, shap, lime, attention"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShapingWeights.parse("shap=0.5,shap=0.5"));
        assertThrows(IllegalArgumentException.class, () -> ShapingWeights.parse("shap"));
        assertEquals(0.2, ShapingWeights.parse("sparse=0.2,shap=0.5,lime=0.2,attention=0.1").weight(AttributionMethod.SPARSE));
    }

    @Test
    void missingScoresOrLengthMismatchAreClearErrors() {
        DenseRewardShaper s = new DenseRewardShaper(ShapingWeights.parse("sparse=0.5,shap=0.5"));
        var missing = assertThrows(IllegalArgumentException.class, () -> s.shape(1, Map.of(), 3));
        assertTrue(missing.getMessage().contains("shap"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.shape(1, Map.of(AttributionMethod.SHAP, new float[2]), 3));
        assertThrows(IllegalArgumentException.class, () -> s.shape(Double.NaN, Map.of(AttributionMethod.SHAP, new float[3]), 3));
    }
}
