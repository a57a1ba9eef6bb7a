package dev.densify.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;
import dev.densify.model.ForwardOutputs;
import dev.densify.model.Policy;
import dev.densify.model.TokenBatch;
import dev.densify.task.reviews.ReviewsExport;
import dev.densify.task.reviews.ReviewsTask;
import dev.densify.testing.TestTasks;
import dev.densify.text.HuggingFaceTokenizer;
import dev.densify.text.WordTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's worked example, checked: the built-in task exported as Hugging Face directories
 * and JSONL prompts trains exactly as the task directory does, and so does a reward model whose
 * tokenizer numbers the words otherwise ({@code examples/own-models/renumber_vocabulary.py}),
 * reached through text and mapped back by characters.
 */
class OwnModelsExampleTest {

    @TempDir
    static Path tmp;
    static Path task;
    static Path hf;
    static Path config;

    @BeforeAll
    static void export() throws Exception {
        task = TestTasks.reviewsSmall();
        hf = tmp.resolve("hf");
        CliRun r = CliRun.of("export", "--task-dir", task.toString(), "--out", hf.toString());
        assertEquals(0, r.code(), r.err());
        config = tmp.resolve("ppo.json");
        // Sampled SHAP draws its coalitions from a stream seeded by the sequence's ids, so other ids
        // give other (equally valid) samples; at this budget every response (at most 12 tokens) is
        // enumerated, 2^12 - 2 coalitions, and the values are exact.
        Files.writeString(config, "{\"batchSize\": 8, \"minibatchSize\": 4, \"ppoEpochs\": 1, \"maxNewTokens\": 12, "
                + "\"shapSamples\": 4094, \"validationEvery\": 2, \"validationPrompts\": 8}");
    }

    @Test
    void theExportIsTheTaskInHuggingFaceFiles() throws Exception {
        try (ReviewsTask t = ReviewsTask.open(task, "cpu");
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.load(hf.resolve(ReviewsExport.POLICY_DIR));
             Policy exported = Policy.load(hf.resolve(ReviewsExport.POLICY_DIR), "cpu")) {
            WordTokenizer words = t.tokenizer();
            assertEquals(words.vocabularySize(), tokenizer.vocabularySize());
            assertEquals(WordTokenizer.MASK, tokenizer.specialTokens().removed());
            assertEquals(WordTokenizer.EOS, tokenizer.specialTokens().eos());
            List<String> lines = Files.readAllLines(hf.resolve(ReviewsExport.PROMPTS_FILE));
            assertEquals(t.dataset().trainPrompts().size(), lines.size());
            for (int i = 0; i < lines.size(); i++) {
                String prompt = Json.MAPPER.readTree(lines.get(i)).get("prompt").asText();
                int[] expected = words.encode(t.dataset().trainPrompts().get(i).text(), true, false);
                assertArrayEquals(expected, tokenizer.encode(prompt), prompt);
                assertEquals(prompt, tokenizer.decode(expected));
            }
            TokenBatch batch = TokenBatch.rightPadded(new int[][]{{1, 7, 9, 11}, {1, 5}}, 0);
            assertArrayEquals(t.policy().forward(batch, ForwardOutputs.LOGITS).logits(),
                    exported.forward(batch, ForwardOutputs.LOGITS).logits());
            assertArrayEquals(t.policy().forward(batch, ForwardOutputs.VALUES).values(),
                    exported.forward(batch, ForwardOutputs.VALUES).values(), "the value head");
        }
        CliRun again = CliRun.of("export", "--task-dir", task.toString(), "--out", hf.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("exists"), again.err());
    }

    @Test
    void trainingOnTheExportAndOnARenumberedRewardModelIsTrainingOnTheTask() throws Exception {
        Path renumbered = tmp.resolve("reward-renumbered");
        Process p = new ProcessBuilder("python3", Path.of("examples", "own-models", "renumber_vocabulary.py").toString(),
                hf.resolve(ReviewsExport.REWARD_DIR).toString(), renumbered.toString(), "7")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(Files.mismatch(hf.resolve(ReviewsExport.REWARD_DIR).resolve("tokenizer.json"),
                renumbered.resolve("tokenizer.json")) != -1);

        String[] common = {"--weights", "sparse=0.5,shap=0.5", "--steps", "2", "--config", config.toString(), "--seed", "3"};
        CliRun builtIn = train(tmp.resolve("run-task"), common, "--task-dir", task.toString());
        String[] own = {"--policy", hf.resolve(ReviewsExport.POLICY_DIR).toString(),
                "--prompts", hf.resolve(ReviewsExport.PROMPTS_FILE).toString(),
                "--eval-prompts", hf.resolve(ReviewsExport.EVAL_PROMPTS_FILE).toString()};
        CliRun exported = train(tmp.resolve("run-export"), common, concat(own, "--reward-model",
                hf.resolve(ReviewsExport.REWARD_DIR).toString()));
        CliRun other = train(tmp.resolve("run-renumbered"), common, concat(own, "--reward-model", renumbered.toString()));
        for (CliRun r : List.of(builtIn, exported, other)) {
            assertEquals(0, r.code(), r.err());
        }
        for (String table : List.of("metrics.jsonl", "validation.jsonl")) {
            List<String> expected = withoutTimes(tmp.resolve("run-task").resolve(table));
            assertTrue(expected.size() >= 2, table);
            assertEquals(expected, withoutTimes(tmp.resolve("run-export").resolve(table)), table);
            assertEquals(expected, withoutTimes(tmp.resolve("run-renumbered").resolve(table)), table);
        }
    }

    private static CliRun train(Path out, String[] common, String... source) {
        List<String> args = new ArrayList<>(List.of("train", "--out", out.toString()));
        args.addAll(Arrays.asList(common));
        args.addAll(Arrays.asList(source));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A run table's rows without the timing columns. */
    private static List<String> withoutTimes(Path file) throws Exception {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(line);
            node.properties().removeIf(e -> e.getKey().endsWith("_s"));
            rows.add(node.toString());
        }
        return rows;
    }
}
