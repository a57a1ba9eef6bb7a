package dev.densify.attribution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.densify.engine.CallbackException;
import dev.densify.engine.FormatException;
import dev.densify.engine.InvalidArgumentException;
import dev.densify.model.RewardModel;
import dev.densify.model.TokenBatch;
import dev.densify.testing.TorchScriptModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reward model of another architecture (a non-causal attention model traced by Debian's
 * python3-torch, which {@code ./densify test} installs) scored by the engine: the same scores as
 * PyTorch eager, padded and alone; KernelSHAP over it at full budget equals the Shapley values
 * of its enumerated coalitions; bad modules and labels are refused.
 */
final class TorchScriptRewardTest {

    static final int VOCAB = 50;

    @TempDir
    static Path dir;
    static JsonNode reference;

    @BeforeAll
    static void traceModels() throws Exception {
        reference = TorchScriptModels.trace(dir, VOCAB);
    }

    static int[][] rows() {
        JsonNode rows = reference.get("rows");
        int[][] out = new int[rows.size()][];
        for (int r = 0; r < out.length; r++) {
            out[r] = new int[rows.get(r).size()];
            for (int t = 0; t < out[r].length; t++) {
                out[r][t] = rows.get(r).get(t).asInt();
            }
        }
        return out;
    }

    static float difference(JsonNode logits) {
        return (float) (logits.get(1).asDouble() - logits.get(0).asDouble());
    }

    static RewardModel load(int label) {
        return RewardModel.loadTorchScript(dir.resolve("reward.pt"), VOCAB, TorchScriptModels.POSITIONS, "cpu", label);
    }

    @Test
    void scoresAsPyTorchPaddedAndAlone() {
        int[][] rows = rows();
        try (RewardModel model = load(RewardModel.LOGIT_DIFFERENCE)) {
            assertTrue(model.isTorchScript());
            assertEquals(VOCAB, model.vocabularySize());
            float[] padded = model.score(TokenBatch.rightPadded(rows, 0));
            for (int r = 0; r < rows.length; r++) {
                assertEquals(difference(reference.get("padded").get(r)), padded[r], 1e-5, "padded row " + r);
                float alone = model.score(new int[][]{rows[r]})[0];
                assertEquals(difference(reference.get("alone").get(r)), alone, 1e-5, "row " + r + " alone");
            }
        }
        try (RewardModel model = load(1)) {
            float[] label1 = model.score(TokenBatch.rightPadded(rows, 0));
            assertEquals(reference.get("padded").get(0).get(1).asDouble(), label1[0], 1e-5);
        }
    }

    @Test
    void kernelShapAtFullBudgetIsExactShapley() {
        int[] prompt = {3, 17};
        int[] response = {5, 9, 41, 2, 8};
        int baseline = 0;
        try (RewardModel model = load(RewardModel.LOGIT_DIFFERENCE)) {
            double[] exact = References.exactShapley(
                    References.coalitionValues(prompt, response, baseline, model::score), response.length);
            // reuse_prefix is asked for and does not apply: the engine runs whole rows.
            AttributionOptions options = AttributionOptions.kernelShap().withSamples(64).withBaselineToken(baseline);
            Attribution a = Attributor.of(model, options).attribute(List.of(new ScoredSequence(prompt, response))).get(0);
            for (int j = 0; j < response.length; j++) {
                assertEquals(exact[j], a.value(j), 1e-4, "token " + j);
            }
            // a budget from free memory: a module's size is unknown, so the default budget
            Attribution auto = Attributor.of(model, options.withMaxBatchTokens(AttributionOptions.AUTO_MAX_BATCH_TOKENS))
                    .attribute(List.of(new ScoredSequence(prompt, response))).get(0);
            for (int j = 0; j < response.length; j++) {
                assertEquals(a.value(j), auto.value(j), 1e-6, "token " + j + " with the AUTO budget");
            }
            Attribution lime = Attributor.of(model, AttributionOptions.lime().withBaselineToken(baseline))
                    .attribute(List.of(new ScoredSequence(prompt, response))).get(0);
            assertEquals(response.length, lime.length());
            assertThrows(InvalidArgumentException.class, () -> Attributor.of(model, AttributionOptions.attention())
                    .attribute(List.of(new ScoredSequence(prompt, response))));
        }
    }

    @Test
    void badModulesLabelsAndUsesAreRefused() throws Exception {
        FormatException signature = assertThrows(FormatException.class,
                () -> RewardModel.loadTorchScript(dir.resolve("one_argument.pt"), VOCAB, 64, "cpu", RewardModel.ONLY_ROW));
        assertTrue(signature.getMessage().contains("forward(input_ids"), signature.getMessage());
        Path notScript = dir.resolve("not.pt");
        Files.writeString(notScript, "PK not a module");
        assertThrows(FormatException.class, () -> RewardModel.loadTorchScript(notScript, VOCAB, 64, "cpu", 0));
        InvalidArgumentException twoLabels = assertThrows(InvalidArgumentException.class, () -> load(RewardModel.ONLY_ROW));
        assertTrue(twoLabels.getMessage().contains("2 logits"), twoLabels.getMessage());
        assertThrows(InvalidArgumentException.class, () -> load(2));
        // A vocabulary larger than the module's embeddings: its own failure, reported, not a crash.
        try (RewardModel wide = RewardModel.loadTorchScript(dir.resolve("reward.pt"), 1000, 64, "cpu", 0)) {
            assertThrows(CallbackException.class, () -> wide.score(new int[][]{{999, 3}}));
        }
        try (RewardModel model = load(0)) {
            assertThrows(InvalidArgumentException.class, () -> model.score(new int[][]{{VOCAB, 1}}));
            assertThrows(UnsupportedOperationException.class, model::config);
            assertThrows(RuntimeException.class, () -> model.save(dir.resolve("copy.safetensors")));
            assertFalse(Files.exists(dir.resolve("copy.safetensors")));
        }
        assertTrue(RewardModel.isTorchScript(dir.resolve("reward.pt")));
        assertFalse(RewardModel.isTorchScript(dir));
    }
}
