package dev.densify.attribution;

import dev.densify.model.RewardModel;
import dev.densify.testing.ReferenceGpt2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.densify.attribution.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attention credit against the last-layer attention of a plain-Java GPT-2. */
class AttentionCreditTest {

    @TempDir
    Path dir;

    @Test
    void valuesAreTheLastLayerAttentionFromTheScoringPosition() {
        Random random = new Random(6);
        double worst = 0;
        int checked = 0;
        for (long seed : new long[]{41, 42}) {
            Map<String, float[]> weights = Fixtures.weights(Fixtures.SMALL, seed);
            ReferenceGpt2 reference = new ReferenceGpt2(Fixtures.SMALL, weights);
            try (RewardModel model = RewardModel.load(Fixtures.write(dir.resolve(seed + ".safetensors"), Fixtures.SMALL,
                    weights), "cpu")) {
                List<ScoredSequence> batch = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    batch.add(new ScoredSequence(Fixtures.tokens(random, random.nextInt(5), 0, 40),
                            Fixtures.tokens(random, 1 + random.nextInt(12), 0, 40)));
                }
                Attributor attention = Attributor.of(model, AttributionOptions.attention().withBaselineToken(3));
                List<Attribution> results = attention.attribute(batch);
                for (int i = 0; i < batch.size(); i++) {
                    ScoredSequence s = batch.get(i);
                    Attribution a = results.get(i);
                    double full = reference.score(s.ids());
                    double[] row = reference.lastRowMeanOverHeads();
                    double[] expected = java.util.Arrays.copyOfRange(row, s.promptLength(), row.length);
                    Fixtures.assertArrayClose(expected, a.values(), 1e-5, "sequence " + i + " attention");
                    worst = Math.max(worst, Fixtures.maxAbsDiff(expected, a.values()));
                    assertClose(full, a.full(), 1e-4, "sequence " + i + " full score");
                    int[] masked = s.ids();
                    java.util.Arrays.fill(masked, s.promptLength(), masked.length, 3);
                    assertClose(reference.score(masked), a.baseline(), 1e-4, "sequence " + i + " baseline score");
                    double sum = 0;
                    for (float v : a.values()) {
                        assertTrue(v >= 0, "attention is a probability: " + v);
                        sum += v;
                    }
                    assertTrue(sum <= 1 + 1e-6, "attention to the response sums to " + sum);
                    if (s.promptLength() == 0) {
                        assertClose(1, sum, 1e-5, "without prompt all attention goes to the response");
                    }
                    assertEquals(2, a.evaluations());
                    assertEquals(0f, a.diagnostic());
                    assertEquals(AttributionMethod.ATTENTION, a.method());
                    checked++;
                }
                assertEquals(results, attention.attribute(batch), "reproducible");
            }
        }
        System.out.printf("[attribution] attention vs Java GPT-2 last-layer attention: %d sequences, max |diff| %.3g%n",
                checked, worst);
    }
}
