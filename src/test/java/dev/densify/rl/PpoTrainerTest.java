package dev.densify.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.densify.attribution.Attribution;
import dev.densify.attribution.AttributionMethod;
import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.FeatureSelection;
import dev.densify.model.ForwardOutputs;
import dev.densify.model.ModelConfig;
import dev.densify.model.Policy;
import dev.densify.model.RewardModel;
import dev.densify.reward.RewardSource;
import dev.densify.model.TokenBatch;
import dev.densify.shaping.ShapingWeights;
import dev.densify.task.reviews.ReviewsPpoTask;
import dev.densify.task.reviews.ReviewsTask;
import dev.densify.testing.TestTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PpoTrainerTest {

    private static final ModelConfig CONFIG = new ModelConfig(41, 32, 32, 2, 4);

    /** Random tiny models and prompts: enough to exercise every part of a step quickly. */
    private static PpoTask synthetic(Policy policy, RewardModel reward) {
        SplittableRandom rng = new SplittableRandom(9);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            prompts.add(rng.ints(1 + rng.nextInt(4), 5, CONFIG.vocabSize()).toArray());
        }
        return new PpoTask(policy, null, RewardSource.of(reward), prompts.subList(0, 16), prompts.subList(16, 24), 2,
                0, 4, id -> "t" + id, List.of());
    }

    private static PpoConfig small(int steps) {
        return PpoConfig.defaults().with(Map.of("steps", steps, "batchSize", 4, "minibatchSize", 2, "ppoEpochs", 2,
                "maxNewTokens", 6, "shapSamples", 16, "limeSamples", 16, "validationEvery", 2, "validationPrompts", 4))
                .with(Map.of("learningRate", 1e-3, "seed", 5));
    }

    private static float[] logits(Policy p) {
        return p.forward(TokenBatch.rightPadded(new int[][] {{1, 7, 9, 11}, {1, 5}}, 0), ForwardOutputs.LOGITS).logits();
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(l -> {
            try {
                JsonNode n = new ObjectMapper().readTree(l);
                ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove(List.of("generate_s", "score_s",
                        "attribute_s", "update_s", "step_s"));
                return n.toString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** The configured SHAP selection reaches the rollouts' attributions (top:1: one token per response). */
    @Test
    void rolloutsAttributeWithTheConfiguredShapSelection() {
        ShapingWeights w = ShapingWeights.parse("sparse=0.5,shap=0.5");
        try (Policy sft = Policy.create(CONFIG, "cpu", 1); RewardModel rm = RewardModel.create(CONFIG, "cpu", 2)) {
            PpoTask task = synthetic(sft, rm);
            PpoConfig config = small(1).with(Map.of("shapSelection", "top:1"));
            Rollouts rollouts = new Rollouts(task, config, w);
            Rollouts.Batch b = rollouts.collect(sft, task.trainPrompts().toArray(int[][]::new), 3);
            float[][] shap = b.attributions().get(AttributionMethod.SHAP);
            int checked = 0;
            for (int i = 0; i < shap.length; i++) {
                int[] words = rollouts.withoutStop(b.responses()[i]);
                if (words.length < 2) {
                    continue;
                }
                Attribution expected = Attributor.of(rm, AttributionOptions.kernelShap().withSamples(config.shapSamples())
                        .withSelection(FeatureSelection.top(1)).withBaselineToken(task.baselineToken())
                        .withSeed(config.seed()).withMaxBatchTokens(config.maxBatchTokens()))
                        .attribute(b.prompts()[i], words);
                int nonzero = 0;
                for (int t = 0; t < words.length; t++) {
                    assertEquals(expected.value(t), shap[i][t], 1e-5, "rollout " + i + " token " + t); // batched vs alone
                    assertEquals(expected.value(t) == 0, shap[i][t] == 0, "rollout " + i + " token " + t + " kept");
                    nonzero += shap[i][t] != 0 ? 1 : 0;
                }
                assertEquals(1, nonzero, "rollout " + i);
                checked++;
            }
            assertTrue(checked > 0, "no rollout had two or more words");
        }
    }

    /**
     * Budgets from free memory (maxBatchTokens = AUTO) for attribution and the PPO update: on a
     * machine with memory for every batch at once, the run the fixed default budget gives.
     */
    @Test
    void budgetsFromFreeMemoryTrainAsTheDefault(@TempDir Path tmp) {
        ShapingWeights w = ShapingWeights.parse("sparse=0.4,shap=0.3,lime=0.2,attention=0.1");
        try (Policy sft = Policy.create(CONFIG, "cpu", 1); RewardModel rm = RewardModel.create(CONFIG, "cpu", 2)) {
            PpoTask task = synthetic(sft, rm);
            float[] fixed;
            float[] auto;
            try (PpoTrainer t = new PpoTrainer(task, w, small(2), tmp.resolve("fixed"), "cpu")) {
                t.run(PpoTrainer.Listener.NONE);
                fixed = logits(t.policy());
            }
            PpoConfig config = small(2).with(Map.of("maxBatchTokens", AttributionOptions.AUTO_MAX_BATCH_TOKENS));
            try (PpoTrainer t = new PpoTrainer(task, w, config, tmp.resolve("auto"), "cpu")) {
                t.run(PpoTrainer.Listener.NONE);
                auto = logits(t.policy());
            }
            for (int i = 0; i < fixed.length; i++) {
                assertEquals(fixed[i], auto[i], 1e-5, "logit " + i);
            }
        }
    }

    @Test
    void resumingFromACheckpointContinuesExactlyAsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        ShapingWeights w = ShapingWeights.parse("sparse=0.4,shap=0.3,lime=0.2,attention=0.1");
        try (Policy sft = Policy.create(CONFIG, "cpu", 1); RewardModel rm = RewardModel.create(CONFIG, "cpu", 2)) {
            PpoTask task = synthetic(sft, rm);
            float[] straight;
            try (PpoTrainer t = new PpoTrainer(task, w, small(4), tmp.resolve("a"), "cpu")) {
                t.run(PpoTrainer.Listener.NONE);
                straight = logits(t.policy());
            }
            try (PpoTrainer t = new PpoTrainer(task, w, small(2), tmp.resolve("b"), "cpu")) {
                t.run(PpoTrainer.Listener.NONE);
            }
            float[] resumed;
            try (PpoTrainer t = new PpoTrainer(task, w, small(4), tmp.resolve("b"), "cpu")) {
                assertEquals(2, t.step(), "resumes from the checkpoint at step 2");
                t.run(PpoTrainer.Listener.NONE);
                resumed = logits(t.policy());
            }
            assertArrayEquals(straight, resumed, "weights after 4 steps, straight vs resumed at 2");
            assertEquals(lines(tmp.resolve("a/metrics.jsonl")), lines(tmp.resolve("b/metrics.jsonl")));
            assertEquals(lines(tmp.resolve("a/validation.jsonl")), lines(tmp.resolve("b/validation.jsonl")));
            assertTrue(Files.exists(tmp.resolve("a/metrics.csv")));
            // The SFT policy is the frozen reference: training never touches it.
            try (Policy fresh = Policy.create(CONFIG, "cpu", 1)) {
                assertArrayEquals(logits(fresh), logits(sft));
            }
            var other = assertThrows(IllegalArgumentException.class, () -> new PpoTrainer(task,
                    ShapingWeights.parse("sparse=1"), small(4), tmp.resolve("a"), "cpu"));
            assertTrue(other.getMessage().contains("another configuration"), other.getMessage());
        }
    }

    /**
     * Killed before its first checkpoint (here: its checkpoint removed after 3 steps), a run
     * started again writes steps 1–5 once each, as an uninterrupted run does, in JSONL and CSV.
     */
    @Test
    void rowsWrittenBeforeTheFirstCheckpointAreNotCountedTwice(@TempDir Path tmp) throws Exception {
        ShapingWeights w = ShapingWeights.parse("sparse=1");
        try (Policy sft = Policy.create(CONFIG, "cpu", 1); RewardModel rm = RewardModel.create(CONFIG, "cpu", 2)) {
            PpoTask task = synthetic(sft, rm);
            PpoConfig rare = small(5).with(Map.of("validationEvery", 10));
            try (PpoTrainer t = new PpoTrainer(task, w, rare, tmp.resolve("straight"), "cpu")) {
                t.run(PpoTrainer.Listener.NONE);
            }
            Path killed = tmp.resolve("killed");
            try (PpoTrainer t = new PpoTrainer(task, w, small(3).with(Map.of("validationEvery", 10)), killed, "cpu")) {
                t.run(PpoTrainer.Listener.NONE);
            }
            dev.densify.text.AtomicFiles.deleteRecursively(killed.resolve("checkpoint"));
            assertEquals(3, Files.readAllLines(killed.resolve("metrics.jsonl")).size());
            try (PpoTrainer t = new PpoTrainer(task, w, rare, killed, "cpu")) {
                assertEquals(0, t.step());
                t.run(PpoTrainer.Listener.NONE);
            }
            assertEquals(lines(tmp.resolve("straight/metrics.jsonl")), lines(killed.resolve("metrics.jsonl")));
            assertEquals(lines(tmp.resolve("straight/validation.jsonl")), lines(killed.resolve("validation.jsonl")));
            assertEquals(6, Files.readAllLines(killed.resolve("metrics.csv")).size(), "header and 5 rows");
        }
    }

    /** A second writer of a run directory is refused, naming the lock; the first keeps it until closed. */
    @Test
    void aRunHasOneWriter(@TempDir Path tmp) {
        ShapingWeights w = ShapingWeights.parse("sparse=1");
        try (Policy sft = Policy.create(CONFIG, "cpu", 1); RewardModel rm = RewardModel.create(CONFIG, "cpu", 2)) {
            PpoTask task = synthetic(sft, rm);
            Path run = tmp.resolve("run");
            try (PpoTrainer first = new PpoTrainer(task, w, small(1), run, "cpu")) {
                var e = assertThrows(IllegalStateException.class, () -> new PpoTrainer(task, w, small(1), run, "cpu"));
                assertTrue(e.getMessage().contains("in use") && e.getMessage().contains(PpoTrainer.LOCK_FILE),
                        e.getMessage());
                first.run(PpoTrainer.Listener.NONE);
            }
            try (PpoTrainer again = new PpoTrainer(task, w, small(2), run, "cpu")) {
                assertEquals(1, again.step());
            }
            // A refused configuration releases the lock it took.
            assertThrows(IllegalArgumentException.class,
                    () -> new PpoTrainer(task, ShapingWeights.parse("shap=1"), small(2), run, "cpu"));
            try (PpoTrainer again = new PpoTrainer(task, w, small(2), run, "cpu")) {
                assertEquals(1, again.step());
            }
        }
    }

    /**
     * Learning on the small reviews task: 60 steps of PPO (sparse reward, seed 0) raise the mean
     * validation reward over 64 held-out prompts from the SFT policy's by at least
     * {@value #MARGIN}, with the KL to the reference below {@value #MAX_KL} nats per sequence: twice
     * the adaptive controller's target (6), which is what keeps it bounded.
     */
    static final double MARGIN = 0.5;
    static final double MAX_KL = 12.0;

    @Test
    void ppoRaisesTheValidationRewardAboveTheSftPolicy(@TempDir Path tmp) {
        try (ReviewsTask task = ReviewsTask.open(TestTasks.reviewsSmall(), "cpu");
             PpoTrainer t = new PpoTrainer(ReviewsPpoTask.of(task), ShapingWeights.parse("sparse=1"),
                     PpoConfig.defaults().with(Map.of("steps", 60, "learningRate", 2e-4, "validationEvery", 20,
                             "seed", 0)), tmp.resolve("run"), "cpu")) {
            PpoTrainer.Result r = t.run(PpoTrainer.Listener.NONE);
            double start = r.validationCurve().get(0)[1];
            double end = r.finalReward();
            double kl = r.lastValidation().path("kl").asDouble();
            System.out.printf("[ppo] small reviews task, 60 steps: validation reward %.4f -> %.4f, KL %.4f%n",
                    start, end, kl);
            assertTrue(end >= start + MARGIN, "validation reward " + start + " -> " + end);
            assertTrue(kl < MAX_KL, "KL to the reference " + kl);
        }
    }
}
