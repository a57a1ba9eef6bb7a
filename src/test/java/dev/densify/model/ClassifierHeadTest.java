package dev.densify.model;

import dev.densify.engine.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reward checkpoint whose score head has several rows, as Hugging Face's
 * GPT2ForSequenceClassification writes it: each label, and the logit difference of two, scores
 * as a one-row checkpoint of that row does.
 */
class ClassifierHeadTest {

    private static final ModelConfig C = ModelFixtures.TINY;

    @TempDir
    Path tmp;

    private Path withHead(String name, Map<String, float[]> weights, float[] rows, int labels) throws Exception {
        Map<String, ModelFixtures.Tensor> tensors = ModelFixtures.tensors(
                new java.util.LinkedHashMap<>(weights), C, ModelKind.REWARD, "F32");
        tensors.put("score.weight", ModelFixtures.Tensor.f32(new long[]{labels, C.nEmbd()}, rows));
        Path file = tmp.resolve(name);
        Files.write(file, ModelFixtures.safetensors(ModelFixtures.densifyMetadata(ModelKind.REWARD, C), tensors));
        return file;
    }

    @Test
    void everyRowAndTheDifferenceScoreAsTheirOneRowCheckpoint() throws Exception {
        Map<String, float[]> w = ModelFixtures.randomWeights(C, ModelKind.REWARD, 5, 0.3);
        int e = C.nEmbd();
        Random rng = new Random(6);
        float[] rows = new float[3 * e];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) rng.nextGaussian() * 0.3f;
        }
        Path three = withHead("three.safetensors", w, rows, 3);
        Path two = withHead("two.safetensors", w, java.util.Arrays.copyOf(rows, 2 * e), 2);
        int[][] ids = {ModelFixtures.tokens(rng, 7, C.vocabSize()), ModelFixtures.tokens(rng, 4, C.vocabSize())};
        for (int label = 0; label < 3; label++) {
            Path one = withHead("row" + label + ".safetensors", w, java.util.Arrays.copyOfRange(rows, label * e,
                    (label + 1) * e), 1);
            try (RewardModel a = RewardModel.load(three, null, "cpu", label); RewardModel b = RewardModel.load(one, "cpu")) {
                assertArrayEquals(b.score(ids), a.score(ids), "label " + label);
            }
        }
        float[] difference = new float[e];
        for (int i = 0; i < e; i++) {
            difference[i] = rows[e + i] - rows[i];
        }
        Path diff = withHead("diff.safetensors", w, difference, 1);
        try (RewardModel a = RewardModel.load(two, null, "cpu", RewardModel.LOGIT_DIFFERENCE);
             RewardModel b = RewardModel.load(diff, "cpu")) {
            assertArrayEquals(b.score(ids), a.score(ids));
        }
    }

    @Test
    void aLabelThatDoesNotFitTheHeadIsRefused() throws Exception {
        Map<String, float[]> w = ModelFixtures.randomWeights(C, ModelKind.REWARD, 5, 0.3);
        Path two = withHead("two.safetensors", w, new float[2 * C.nEmbd()], 2);
        Path three = withHead("three.safetensors", w, new float[3 * C.nEmbd()], 3);
        String[][] cases = {{"-2", "has 2 labels: say which is the score"}, {"2", "outside the score head's 2 labels"}};
        for (String[] c : cases) {
            var x = assertThrows(InvalidArgumentException.class,
                    () -> RewardModel.load(two, null, "cpu", Integer.parseInt(c[0])));
            assertTrue(x.getMessage().contains(c[1]), x.getMessage());
        }
        var x = assertThrows(InvalidArgumentException.class,
                () -> RewardModel.load(three, null, "cpu", RewardModel.LOGIT_DIFFERENCE));
        assertTrue(x.getMessage().contains("needs a score head of 2 labels, this one has 3"), x.getMessage());
        var plain = assertThrows(InvalidArgumentException.class, () -> RewardModel.load(two, "cpu"));
        assertTrue(plain.getMessage().contains("has 2 labels"), plain.getMessage());
    }
}
