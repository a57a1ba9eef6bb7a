package dev.densify.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static dev.densify.model.ModelFixtures.TINY;
import static dev.densify.model.ModelFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Supervised steps: the reported loss is the documented one, it goes down, and lr 0 changes nothing. */
@ExtendWith(ModelFixtures.SingleThreaded.class)
class TrainingTest {

    @TempDir
    Path tmp;

    /** Three rows of different lengths, right padded. */
    static final TokenBatch LM_BATCH;

    static {
        Random random = new Random(404);
        LM_BATCH = TokenBatch.rightPadded(new int[][]{
                ModelFixtures.tokens(random, 12, TINY.vocabSize()),
                ModelFixtures.tokens(random, 7, TINY.vocabSize()),
                ModelFixtures.tokens(random, 3, TINY.vocabSize())}, 0);
    }

    /** Mean -log p over positions t with mask[t] = mask[t+1] = 1, from an independent forward. */
    static double forwardLoss(Policy policy, TokenBatch batch) {
        PolicyOutput out = policy.forward(batch, ForwardOutputs.TOKEN_LOGPROBS);
        int[][] mask = batch.mask();
        double sum = 0;
        int n = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t + 1 < batch.seqLen(); t++) {
                if (mask[b][t] == 1 && mask[b][t + 1] == 1) {
                    sum -= out.tokenLogprobs()[b][t];
                    n++;
                }
            }
        }
        return sum / n;
    }

    @Test
    void lmStepReportsTheLossBeforeTheUpdateAndLowersIt() {
        try (Policy policy = ModelFixtures.policy(401);
             Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults().withLearningRate(1e-2))) {
            assertSame(policy, adam.model());
            float[] losses = new float[10];
            for (int i = 0; i < losses.length; i++) {
                double expected = forwardLoss(policy, LM_BATCH);
                TrainStep step = policy.lmStep(adam, LM_BATCH);
                assertClose(expected, step.loss(), 1e-5, "loss of step " + i + " (before its update)");
                assertTrue(step.gradNorm() > 0 && Float.isFinite(step.gradNorm()), "grad norm " + step.gradNorm());
                losses[i] = step.loss();
            }
            assertClose(Math.log(TINY.vocabSize()), losses[0], 0.3, "a fresh model starts near uniform");
            for (int i = 1; i < losses.length; i++) {
                assertTrue(losses[i] < losses[i - 1], "loss rose at step " + i + ": " + Arrays.toString(losses));
            }
            assertTrue(losses[9] < losses[0] - 1, "loss barely moved: " + Arrays.toString(losses));
        }
    }

    /** Padding changes nothing: the loss only counts pairs of real tokens. */
    @Test
    void lmLossIgnoresPadding() {
        try (Policy a = ModelFixtures.policy(402); Policy b = ModelFixtures.policy(402);
             Optimizer oa = Optimizer.adam(a, AdamOptions.defaults());
             Optimizer ob = Optimizer.adam(b, AdamOptions.defaults())) {
            int[][] rows = {{5, 6, 7, 8, 9}, {1, 2}};
            float right = a.lmStep(oa, TokenBatch.rightPadded(rows, 0)).loss();
            float left = b.lmStep(ob, TokenBatch.leftPadded(rows, 33)).loss();
            assertClose(right, left, 1e-5, "left vs right padded loss");
        }
    }

    @Test
    void learningRateZeroLeavesOutputsUnchanged() {
        try (Policy policy = ModelFixtures.policy(403); RewardModel reward = ModelFixtures.reward(404)) {
            PolicyOutput before = policy.forward(LM_BATCH, ForwardOutputs.ALL);
            float[] scoresBefore = reward.score(LM_BATCH);
            try (Optimizer p = Optimizer.adam(policy, AdamOptions.defaults().withLearningRate(0).withWeightDecay(0.1));
                 Optimizer r = Optimizer.adam(reward, AdamOptions.defaults().withLearningRate(0))) {
                // Creating an optimizer changes nothing either.
                ModelFixtures.assertBitEqual(before.logits(), policy.forward(LM_BATCH, ForwardOutputs.LOGITS).logits(),
                        "logits after creating an optimizer");
                float first = policy.lmStep(p, LM_BATCH).loss();
                for (int i = 0; i < 3; i++) {
                    TrainStep step = policy.lmStep(p, LM_BATCH);
                    assertEquals(first, step.loss(), "loss at lr 0");
                    assertTrue(step.gradNorm() > 0, "there was a gradient to ignore");
                    reward.classifierStep(r, LM_BATCH, new float[]{1, 0, 1});
                }
            }
            PolicyOutput after = policy.forward(LM_BATCH, ForwardOutputs.ALL);
            ModelFixtures.assertBitEqual(before.logits(), after.logits(), "logits");
            ModelFixtures.assertBitEqual(before.values(), after.values(), "values");
            ModelFixtures.assertBitEqual(before.tokenLogprobs(), after.tokenLogprobs(), "token log-probs");
            ModelFixtures.assertBitEqual(scoresBefore, reward.score(LM_BATCH), "scores");
        }
    }

    /**
     * A trivially separable labelling (the last token is 5 for label 1, 9 for label 0) is learnt;
     * the reported loss is the mean logistic loss of the scores before the step.
     */
    @Test
    void classifierStepLearnsASeparableLabelling() {
        Random random = new Random(405);
        int rows = 8;
        int[][] sequences = new int[rows][];
        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % 2;
            int[] s = ModelFixtures.tokens(random, 2 + random.nextInt(8), TINY.vocabSize());
            s[s.length - 1] = labels[i] == 1 ? 5 : 9;
            sequences[i] = s;
        }
        TokenBatch batch = TokenBatch.leftPadded(sequences, 0);
        try (RewardModel reward = ModelFixtures.reward(406);
             Optimizer adam = Optimizer.adam(reward, AdamOptions.defaults().withLearningRate(1e-2))) {
            float firstLoss = Float.NaN;
            float lastLoss = Float.NaN;
            for (int step = 0; step < 25; step++) {
                float[] scores = reward.score(batch);
                double expected = 0;
                for (int i = 0; i < rows; i++) {
                    double z = scores[i];
                    // softplus(z) - y z, the logistic loss of logit z
                    expected += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - labels[i] * z;
                }
                expected /= rows;
                TrainStep s = reward.classifierStep(adam, batch, labels);
                assertClose(expected, s.loss(), 1e-5, "loss of step " + step);
                if (step == 0) {
                    firstLoss = s.loss();
                    assertClose(Math.log(2), firstLoss, 0.1, "untrained scores are near 0");
                }
                lastLoss = s.loss();
            }
            assertTrue(lastLoss < 0.1, "loss " + firstLoss + " -> " + lastLoss);
            float[] scores = reward.score(batch);
            for (int i = 0; i < rows; i++) {
                assertTrue(labels[i] == 1 ? scores[i] > 0 : scores[i] < 0, "row " + i + " score " + scores[i]);
            }
            // and it generalises to unseen sequences ending in the deciding token
            int[][] fresh = {ModelFixtures.concat(ModelFixtures.tokens(random, 4, TINY.vocabSize()), new int[]{5}),
                    ModelFixtures.concat(ModelFixtures.tokens(random, 6, TINY.vocabSize()), new int[]{9})};
            float[] unseen = reward.score(TokenBatch.rightPadded(fresh, 0));
            assertTrue(unseen[0] > unseen[1], "unseen: " + unseen[0] + " vs " + unseen[1]);
        }
    }

    @Test
    void optimizerOfAnotherModelIsRejected() {
        try (Policy a = ModelFixtures.policy(407); Policy b = ModelFixtures.policy(408);
             RewardModel r = ModelFixtures.reward(409);
             Optimizer forA = Optimizer.adam(a, AdamOptions.defaults().withLearningRate(0.1));
             Optimizer forR = Optimizer.adam(r, AdamOptions.defaults().withLearningRate(0.1))) {
            float[] aBefore = a.forward(LM_BATCH, ForwardOutputs.LOGITS).logits();
            float[] bBefore = b.forward(LM_BATCH, ForwardOutputs.LOGITS).logits();
            float[] rBefore = r.score(LM_BATCH);
            var e = assertThrows(IllegalArgumentException.class, () -> b.lmStep(forA, LM_BATCH));
            assertTrue(e.getMessage().contains("another model"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.lmStep(forR, LM_BATCH));
            assertThrows(IllegalArgumentException.class, () -> r.classifierStep(forA, LM_BATCH, new float[]{0, 1, 0}));
            ModelFixtures.assertBitEqual(aBefore, a.forward(LM_BATCH, ForwardOutputs.LOGITS).logits(), "a unchanged");
            ModelFixtures.assertBitEqual(bBefore, b.forward(LM_BATCH, ForwardOutputs.LOGITS).logits(), "b unchanged");
            ModelFixtures.assertBitEqual(rBefore, r.score(LM_BATCH), "r unchanged");
            // the right pairing works
            a.lmStep(forA, LM_BATCH);
            r.classifierStep(forR, LM_BATCH, new float[]{0, 1, 0});
        }
    }

    /** A loaded checkpoint trains like the model it was saved from, and a trained model round-trips. */
    @Test
    void loadedModelsTrainAndTrainedModelsSave() {
        Path file = tmp.resolve("start.safetensors");
        try (Policy created = ModelFixtures.policy(410)) {
            created.save(file);
            try (Policy loaded = Policy.load(file, "cpu");
                 Optimizer oc = Optimizer.adam(created, AdamOptions.defaults().withLearningRate(1e-2));
                 Optimizer ol = Optimizer.adam(loaded, AdamOptions.defaults().withLearningRate(1e-2))) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(created.lmStep(oc, LM_BATCH), loaded.lmStep(ol, LM_BATCH), "step " + i);
                }
                ModelFixtures.assertSameOutputs(created, loaded, LM_BATCH);
                Path trained = tmp.resolve("trained.safetensors");
                loaded.save(trained);
                try (Policy reloaded = Policy.load(trained, "cpu")) {
                    ModelFixtures.assertSameOutputs(loaded, reloaded, LM_BATCH);
                }
            }
        }
    }

    /** Generation works on a model with trainable weights, before and after steps. */
    @Test
    void inferenceAfterTraining() {
        try (Policy policy = ModelFixtures.policy(411);
             Optimizer adam = Optimizer.adam(policy, AdamOptions.defaults().withLearningRate(1e-2))) {
            GenerationOptions o = GenerationOptions.defaults().withMaxNewTokens(5);
            Generation before = policy.generate(new int[][]{{1, 2, 3}}, o);
            policy.lmStep(adam, LM_BATCH);
            Generation after = policy.generate(new int[][]{{1, 2, 3}}, o);
            assertEquals(5, before.lengths()[0]);
            assertEquals(5, after.lengths()[0]);
            assertTrue(before.logprobs()[0][0] != after.logprobs()[0][0], "the step changed the model");
        }
    }
}
