package dev.densify.model;

import dev.densify.testing.ReferenceGpt2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static dev.densify.model.ModelFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native model is GPT-2: its logits, values, token log-probs and reward scores equal a plain
 * Java GPT-2 forward over the weights read back, with an independent parser, from the file the
 * engine saved.
 */
@ExtendWith(ModelFixtures.SingleThreaded.class)
class ReferenceGpt2Test {

    static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    /** Another shape (3 heads of 8, 3 layers) and a LayerNorm epsilon that matters at these scales. */
    static final ModelConfig ODD = new ModelConfig(37, 20, 24, 3, 3, 1e-3);

    static int[][] sequences(ModelConfig c, long seed) {
        Random random = new Random(seed);
        return new int[][]{
                ModelFixtures.tokens(random, 1, c.vocabSize()),
                ModelFixtures.tokens(random, 7, c.vocabSize()),
                ModelFixtures.tokens(random, c.nPositions(), c.vocabSize()),
        };
    }

    /** Saves {@code model}, parses the file independently and returns the weights in it. */
    private Map<String, float[]> savedWeights(Model model, String name) {
        Path file = tmp.resolve(name + ".safetensors");
        model.save(file);
        ModelFixtures.SafeTensors parsed = ModelFixtures.readSafetensors(file);
        assertEquals(model.config(), ModelConfig.parse(parsed.metadata().get(Checkpoint.CONFIG_KEY)));
        return parsed.floats();
    }

    private void checkPolicy(Policy policy, String name) {
        ModelConfig c = policy.config();
        ReferenceGpt2 reference = new ReferenceGpt2(c, savedWeights(policy, name));
        int vocab = c.vocabSize();
        int[][] sequences = sequences(c, 5);
        PolicyOutput batch = policy.forward(TokenBatch.rightPadded(sequences, 0), ForwardOutputs.ALL);
        for (int s = 0; s < sequences.length; s++) {
            int[] ids = sequences[s];
            double[][] hidden = reference.hidden(ids);
            double[][] logits = reference.logits(hidden);
            double[] values = reference.values(hidden);
            PolicyOutput out = policy.forward(TokenBatch.of(new int[][]{ids}), ForwardOutputs.ALL);
            for (int t = 0; t < ids.length; t++) {
                for (int v = 0; v < vocab; v++) {
                    assertClose(logits[t][v], out.logit(0, t, v), TOLERANCE,
                            name + " sequence " + s + " logit(" + t + ", " + v + ")");
                    assertClose(logits[t][v], batch.logit(s, t, v), TOLERANCE,
                            name + " sequence " + s + " in a batch, logit(" + t + ", " + v + ")");
                }
                assertClose(values[t], out.values()[0][t], TOLERANCE, name + " sequence " + s + " value " + t);
                if (t + 1 < ids.length) {
                    float[] row = new float[vocab];
                    for (int v = 0; v < vocab; v++) {
                        row[v] = (float) logits[t][v];
                    }
                    double expected = ModelFixtures.logSoftmax(row, 0, vocab, 1)[ids[t + 1]];
                    assertClose(expected, out.tokenLogprobs()[0][t], TOLERANCE,
                            name + " sequence " + s + " token log-prob " + t);
                }
            }
        }
    }

    private void checkReward(RewardModel reward, String name) {
        ModelConfig c = reward.config();
        ReferenceGpt2 reference = new ReferenceGpt2(c, savedWeights(reward, name));
        int[][] sequences = sequences(c, 6);
        float[] left = reward.score(TokenBatch.leftPadded(sequences, 0));
        for (int s = 0; s < sequences.length; s++) {
            double expected = reference.score(reference.hidden(sequences[s]));
            assertClose(expected, reward.score(TokenBatch.of(new int[][]{sequences[s]}))[0], TOLERANCE,
                    name + " score of sequence " + s);
            assertClose(expected, left[s], TOLERANCE, name + " score of left-padded sequence " + s);
        }
    }

    /** Loaded from a hand-written file with non-trivial biases, gains and value-head bias. */
    @Test
    void randomWeightsPolicy() {
        for (ModelConfig c : new ModelConfig[]{ModelFixtures.TINY, ODD}) {
            try (Policy policy = ModelFixtures.randomPolicy(tmp, c, 301 + c.nLayer())) {
                checkPolicy(policy, "random policy " + c);
            }
        }
    }

    @Test
    void randomWeightsReward() {
        for (ModelConfig c : new ModelConfig[]{ModelFixtures.TINY, ODD}) {
            try (RewardModel reward = ModelFixtures.randomReward(tmp, c, 311 + c.nLayer())) {
                checkReward(reward, "random reward " + c);
            }
        }
    }

    /** GPT-2's own initialisation, created natively. */
    @Test
    void nativelyCreatedModels() {
        try (Policy policy = Policy.create(ODD, "cpu", 321); RewardModel reward = RewardModel.create(ODD, "cpu", 322)) {
            checkPolicy(policy, "created policy");
            checkReward(reward, "created reward");
        }
    }

    /** After training steps the weights are no longer GPT-2's initial ones: still GPT-2. */
    @Test
    void trainedModel() {
        try (Policy policy = ModelFixtures.randomPolicy(tmp, ODD, 331);
             Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults().withLearningRate(1e-2))) {
            TokenBatch batch = TokenBatch.rightPadded(sequences(ODD, 9), 0);
            float first = policy.lmStep(adam, batch).loss();
            policy.lmStep(adam, batch);
            float third = policy.lmStep(adam, batch).loss();
            assertTrue(third < first, "training moved the weights: " + first + " -> " + third);
            checkPolicy(policy, "trained policy");
        }
    }

    /** The initialisation is GPT-2's: normal(0, 0.02), c_proj scaled by 1/sqrt(2 n_layer), unit gains, zero biases. */
    @Test
    void initialisationStatistics() {
        ModelConfig c = new ModelConfig(512, 64, 64, 4, 4);
        try (Policy policy = Policy.create(c, "cpu", 333)) {
            Map<String, float[]> w = savedWeights(policy, "init");
            double proj = 0.02 / Math.sqrt(2 * c.nLayer());
            checkStd(w.get("transformer.wte.weight"), 0.02, "wte");
            checkStd(w.get("transformer.h.1.attn.c_attn.weight"), 0.02, "c_attn");
            checkStd(w.get("transformer.h.1.attn.c_proj.weight"), proj, "attn c_proj");
            checkStd(w.get("transformer.h.2.mlp.c_proj.weight"), proj, "mlp c_proj");
            for (var e : w.entrySet()) {
                if (e.getKey().contains(".ln_") && e.getKey().endsWith(".weight")) {
                    for (float x : e.getValue()) {
                        assertEquals(1f, x, e.getKey());
                    }
                } else if (e.getKey().endsWith(".bias")) {
                    for (float x : e.getValue()) {
                        assertEquals(0f, x, e.getKey());
                    }
                }
            }
        }
    }

    private static void checkStd(float[] w, double std, String what) {
        double sum = 0;
        double sq = 0;
        for (float x : w) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / w.length;
        double sd = Math.sqrt(sq / w.length - mean * mean);
        assertClose(0, mean, 4 * std / Math.sqrt(w.length), what + " mean");
        assertClose(std, sd, 0.05 * std, what + " standard deviation");
    }
}
