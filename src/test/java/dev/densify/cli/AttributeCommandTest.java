package dev.densify.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.densify.attribution.Attribution;
import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.FeatureSelection;
import dev.densify.model.ModelConfig;
import dev.densify.model.RewardModel;
import dev.densify.testing.ReferenceBpe;
import dev.densify.testing.TorchScriptModels;
import dev.densify.text.HuggingFaceTokenizer;
import dev.densify.text.TokenAlignment;
import dev.densify.text.Tokenizer;
import dev.densify.text.WordTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code densify attribute} end to end, through the real library. */
class AttributeCommandTest {

    @TempDir
    static Path tmp;

    static Path task;
    static Path checkpoint;
    static WordTokenizer tokenizer;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @BeforeAll
    static void fixtures() throws IOException {
        task = Files.createDirectory(tmp.resolve("task"));
        tokenizer = WordTokenizer.of(List.of("the", "food", "was", "great", "awful", "and", "cheap", "not",
                "a<b&\"c'"), 24);
        tokenizer.save(task.resolve("tokenizer.json"));
        try (RewardModel m = RewardModel.create(new ModelConfig(tokenizer.vocabularySize(), 24, 16, 1, 2), "cpu", 3)) {
            m.save(task.resolve("reward.safetensors"));
        }
        checkpoint = tmp.resolve("bare.safetensors");
        try (RewardModel m = RewardModel.create(new ModelConfig(30, 16, 16, 1, 2), "cpu", 4)) {
            m.save(checkpoint);
        }
    }

    private static JsonNode json(CliRun r) throws IOException {
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    private static void assertValues(Attribution expected, JsonNode method) {
        assertEquals(expected.length(), method.get("values").size());
        for (int t = 0; t < expected.length(); t++) {
            assertEquals(expected.value(t), method.get("values").get(t).floatValue(), "value " + t);
        }
        assertEquals(expected.full(), method.get("full").floatValue());
        assertEquals(expected.baseline(), method.get("baseline").floatValue());
        assertEquals(expected.evaluations(), method.get("evaluations").longValue());
        assertEquals(expected.diagnostic(), method.get("diagnostic").floatValue());
    }

    @Test
    void idsWithABareCheckpointAsJson() throws IOException {
        JsonNode root = json(run("attribute", "--reward-model", checkpoint.toString(), "--method", "shap,lime",
                "--prompt-ids", "1,2", "--response-ids", "3,4,5,6", "--samples", "20", "--seed", "7", "--json"));
        assertEquals(0, root.get("baseline_id").intValue());
        JsonNode s = root.get("sequences").get(0);
        assertEquals("[1,2]", s.get("prompt_ids").toString());
        assertEquals("[3,4,5,6]", s.get("response_ids").toString());
        assertEquals("[\"3\",\"4\",\"5\",\"6\"]", s.get("response_tokens").toString());
        try (RewardModel m = RewardModel.load(checkpoint, "cpu")) {
            assertValues(Attributor.of(m, AttributionOptions.kernelShap().withSamples(20).withSeed(7))
                    .attribute(new int[]{1, 2}, new int[]{3, 4, 5, 6}), s.get("methods").get("shap"));
            assertValues(Attributor.of(m, AttributionOptions.lime().withSamples(20).withSeed(7))
                    .attribute(new int[]{1, 2}, new int[]{3, 4, 5, 6}), s.get("methods").get("lime"));
        }
        assertFalse(s.get("methods").has("attention"));
        // --shap-selection reaches SHAP (and leaves LIME alone)
        s = json(run("attribute", "--reward-model", checkpoint.toString(), "--method", "shap,lime", "--prompt-ids", "1,2",
                "--response-ids", "3,4,5,6,7,8,9,10", "--samples", "40", "--seed", "7", "--shap-selection", "top:2",
                "--json")).get("sequences").get(0);
        try (RewardModel m = RewardModel.load(checkpoint, "cpu")) {
            int[] response = {3, 4, 5, 6, 7, 8, 9, 10};
            Attribution top = Attributor.of(m, AttributionOptions.kernelShap().withSamples(40).withSeed(7)
                    .withSelection(FeatureSelection.top(2))).attribute(new int[]{1, 2}, response);
            assertEquals(2, IntStream.range(0, response.length).filter(t -> top.value(t) != 0).count());
            assertValues(top, s.get("methods").get("shap"));
            assertValues(Attributor.of(m, AttributionOptions.lime().withSamples(40).withSeed(7))
                    .attribute(new int[]{1, 2}, response), s.get("methods").get("lime"));
        }
    }

    @Test
    void textWithATaskDirectory() throws IOException {
        JsonNode root = json(run("attribute", "--reward-model", task.toString(), "--method", "shap,attention,lime,shap",
                "--text", "the food was not great", "--json"));
        assertEquals(WordTokenizer.MASK, root.get("baseline_id").intValue());
        JsonNode s = root.get("sequences").get(0);
        assertEquals("[\"<bos>\",\"the\",\"food\"]", s.get("prompt_tokens").toString());
        assertEquals("[\"was\",\"not\",\"great\"]", s.get("response_tokens").toString());
        assertEquals(List.of("shap", "attention", "lime"), iterate(s.get("methods").fieldNames()));
        int[] prompt = {WordTokenizer.BOS, tokenizer.id("the"), tokenizer.id("food")};
        int[] response = {tokenizer.id("was"), tokenizer.id("not"), tokenizer.id("great")};
        try (RewardModel m = RewardModel.load(task.resolve("reward.safetensors"), "cpu")) {
            assertValues(Attributor.of(m, AttributionOptions.kernelShap().withBaselineToken(WordTokenizer.MASK))
                    .attribute(prompt, response), s.get("methods").get("shap"));
            assertValues(Attributor.of(m, AttributionOptions.lime().withBaselineToken(WordTokenizer.MASK))
                    .attribute(prompt, response), s.get("methods").get("lime"));
            assertValues(Attributor.of(m, AttributionOptions.attention().withBaselineToken(WordTokenizer.MASK))
                    .attribute(prompt, response), s.get("methods").get("attention"));
        }
        // --prompt-words moves the split; an explicit baseline id replaces the mask.
        s = json(run("attribute", "--reward-model", task.toString(), "--method", "shap", "--text", "the food was not great",
                "--prompt-words", "0", "--baseline-id", "0", "--json")).get("sequences").get(0);
        assertEquals("[\"<bos>\"]", s.get("prompt_tokens").toString());
        assertEquals(5, s.get("methods").get("shap").get("values").size());
    }

    private static List<String> iterate(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void jsonlInput() throws IOException {
        Path input = tmp.resolve("in.jsonl");
        Files.writeString(input, """
                {"text": "the food was great and cheap"}

                {"prompt_ids": [1, 5], "response_ids": [6, 7]}
                {"response_ids": [8]}
                """);
        JsonNode root = json(run("attribute", "--reward-model", task.toString(), "--method", "lime", "--input",
                input.toString(), "--samples", "50", "--json"));
        JsonNode seqs = root.get("sequences");
        assertEquals(3, seqs.size());
        assertEquals(4, seqs.get(0).get("methods").get("lime").get("values").size());
        assertEquals("[]", seqs.get(2).get("prompt_ids").toString());
        assertEquals(tokenizer.token(8), seqs.get(2).get("response_tokens").get(0).textValue());

        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"response_ids\": [3]}\n{\"response_ids\": [3, -1]}\n");
        CliRun r = run("attribute", "--reward-model", task.toString(), "--method", "lime", "--input", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.jsonl line 2") && r.err().contains("not a token id"), r.err());
        Files.writeString(bad, "{\"response_ids\": [3]}\n{oops\n");
        r = run("attribute", "--reward-model", task.toString(), "--method", "lime", "--input", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.jsonl line 2: not valid JSON"), r.err());
        Files.writeString(bad, "{\"text\": \"the food was\"}\n");
        r = run("attribute", "--reward-model", checkpoint.toString(), "--method", "lime", "--input", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("line 1") && r.err().contains("needs a tokenizer")
                && r.err().contains("bare checkpoint"), r.err());
        r = run("attribute", "--reward-model", task.toString(), "--method", "lime", "--input", tmp.resolve("none.jsonl").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such file"), r.err());
    }

    @Test
    void htmlPage() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("html"));
        Path page = dir.resolve("out.html");
        CliRun r = run("attribute", "--reward-model", task.toString(), "--method", "shap,lime,attention", "--text",
                "the food was a<b&\"c' and awful", "--samples", "30", "--html", page.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("wrote"), r.err());
        assertEquals("", r.out());
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("a&lt;b&amp;&quot;c&#39;"), "token escaped");
        assertFalse(html.contains("a<b"), "raw token leaked");
        assertTrue(html.contains("&lt;bos&gt;"));
        for (String method : List.of(">shap<", ">lime<", ">attention<")) {
            assertTrue(html.contains(method), method);
        }
        assertTrue(html.contains("background:rgb("));
        assertTrue(html.contains("f(x) "));
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script")
                || html.contains("<link"), "self-contained");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(page), files.toList(), "no temporary files left");
        }
    }

    @Test
    void colourScale() {
        assertEquals("background:rgb(255,255,255);color:#111", AttributionHtml.style(0));
        assertEquals("background:rgb(180,0,0);color:#fff", AttributionHtml.style(1));
        assertEquals("background:rgb(0,0,180);color:#fff", AttributionHtml.style(-1));
        assertEquals("background:rgb(217,128,128);color:#111", AttributionHtml.style(0.5));
        assertEquals("background:rgb(128,128,217);color:#111", AttributionHtml.style(-0.5));
        assertEquals("background:rgb(255,255,255);color:#111", AttributionHtml.style(Double.NaN));
    }

    /** A Hugging Face reward model directory: byte-level BPE tokenizer.json and a GPT-2 of its vocabulary. */
    private static Path huggingFaceRewardModel(String name, List<String> corpus, int merges, long seed) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        ReferenceBpe bpe = ReferenceBpe.train(corpus, merges);
        bpe.writeTokenizerJson(dir.resolve("tokenizer.json"));
        ModelConfig c = new ModelConfig(bpe.vocabularySize(), 64, 16, 1, 2);
        try (RewardModel m = RewardModel.create(c, "cpu", seed)) {
            m.save(dir.resolve("model.safetensors"));
        }
        Files.writeString(dir.resolve("config.json"), c.toJson());
        return dir;
    }

    @Test
    void textWithAnyTokenizerAndThePolicysTokens() throws Exception {
        List<String> corpus = List.of("the weather is fine today", "fine wine is fine", "the sea is wide");
        Path reward = huggingFaceRewardModel("hf-reward", corpus, 30, 6);
        Path policy = tmp.resolve("policy-tokenizer.json");
        ReferenceBpe.train(List.of("we were there", "wherever the weather"), 12).writeTokenizerJson(policy);
        JsonNode s = json(run("attribute", "--reward-model", reward.toString(), "--method", "shap,lime", "--prompt",
                "the weather", "--text", " is fine today", "--samples", "40", "--policy-tokenizer", policy.toString(),
                "--json")).get("sequences").get(0);
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.load(reward); HuggingFaceTokenizer p = HuggingFaceTokenizer.load(policy);
             RewardModel m = RewardModel.load(reward, "cpu")) {
            int[] promptIds = t.encode("the weather");
            Tokenizer.Encoding response = t.encodeWithOffsets(" is fine today");
            assertEquals(ids(promptIds), s.get("prompt_ids").toString());
            assertEquals(ids(response.ids()), s.get("response_ids").toString());
            assertEquals(" is fine today", s.get("response_text").asText());
            int removed = t.specialTokens().removed();
            assertTrue(removed >= 0);
            Attribution shap = Attributor.of(m, AttributionOptions.kernelShap().withSamples(40).withBaselineToken(removed))
                    .attribute(promptIds, response.ids());
            assertValues(shap, s.get("methods").get("shap"));
            // Token boundaries as text: each token's decoding, and its characters in the response.
            for (int k = 0; k < response.size(); k++) {
                assertEquals(t.decode(new int[]{response.ids()[k]}), s.get("response_tokens").get(k).asText());
                assertEquals(response.starts()[k], s.get("response_spans").get(k).get(0).asInt());
            }
            // The policy's tokens: its encoding of the response, and the values moved there keep their sum.
            Tokenizer.Encoding policyTokens = p.encodeWithOffsets(" is fine today");
            assertEquals(ids(policyTokens.ids()), s.get("policy_ids").toString());
            for (String method : List.of("shap", "lime")) {
                JsonNode m2 = s.get("methods").get(method);
                double[] values = new double[m2.get("values").size()];
                for (int k = 0; k < values.length; k++) {
                    values[k] = m2.get("values").get(k).floatValue();
                }
                JsonNode mapped = m2.get("policy_values");
                assertEquals(policyTokens.size(), mapped.size());
                double[] expected = TokenAlignment.map(values, response, policyTokens);
                double sum = 0;
                for (int k = 0; k < mapped.size(); k++) {
                    assertEquals(expected[k], mapped.get(k).asDouble(), 1e-12);
                    sum += mapped.get(k).asDouble();
                }
                assertEquals(java.util.Arrays.stream(values).sum(), sum, 1e-6, method);
            }
        }
        CliRun text = run("attribute", "--reward-model", reward.toString(), "--method", "shap", "--text", "fine wine",
                "--samples", "10", "--policy-tokenizer", policy.toString());
        assertEquals(0, text.code(), text.err());
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.load(reward)) {
            StringBuilder bounded = new StringBuilder("sequence 1:  | ");
            for (int id : t.encode("fine wine")) {
                bounded.append('[').append(t.decode(new int[]{id})).append(']');
            }
            assertTrue(text.out().contains(bounded + "\n"), text.out());
        }
        assertTrue(text.out().contains("  policy    ["), text.out());
        Path page = tmp.resolve("policy.html");
        CliRun html = run("attribute", "--reward-model", reward.toString(), "--method", "shap", "--text", "fine wine",
                "--samples", "10", "--policy-tokenizer", policy.toString(), "--html", page.toString());
        assertEquals(0, html.code(), html.err());
        assertTrue(Files.readString(page).contains("shap → policy tokens"));
        CliRun idsWithPolicy = run("attribute", "--reward-model", reward.toString(), "--method", "shap", "--response-ids",
                "3,4", "--policy-tokenizer", policy.toString());
        assertEquals(2, idsWithPolicy.code());
        assertTrue(idsWithPolicy.err().contains("token ids have none"), idsWithPolicy.err());
        CliRun promptAlone = run("attribute", "--reward-model", reward.toString(), "--method", "shap", "--prompt", "x",
                "--response-ids", "3");
        assertEquals(2, promptAlone.code());
        assertTrue(promptAlone.err().contains("--prompt goes with --text"), promptAlone.err());
    }

    @Test
    void aTorchScriptRewardModelWithItsTokenizer() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("scripted"));
        ReferenceBpe bpe = ReferenceBpe.train(List.of("the weather is fine", "fine wine"), 10);
        TorchScriptModels.trace(dir, bpe.vocabularySize());
        Path tokenizerFile = dir.resolve("tokenizer.json");
        bpe.writeTokenizerJson(tokenizerFile);
        Path module = dir.resolve("reward.pt");
        JsonNode s = json(run("attribute", "--reward-model", module.toString(), "--reward-label", "diff", "--method",
                "shap", "--prompt", "the", "--text", " weather is fine", "--samples", "40", "--json"))
                .get("sequences").get(0);
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.load(tokenizerFile);
             RewardModel m = RewardModel.loadTorchScript(module, bpe.vocabularySize(), TorchScriptModels.POSITIONS, "cpu",
                     RewardModel.LOGIT_DIFFERENCE)) {
            assertValues(Attributor.of(m, AttributionOptions.kernelShap().withSamples(40)
                            .withBaselineToken(t.specialTokens().removed()))
                    .attribute(t.encode("the"), t.encode(" weather is fine")), s.get("methods").get("shap"));
        }
        CliRun attention = run("attribute", "--reward-model", module.toString(), "--reward-label", "1", "--method",
                "attention", "--text", "fine wine");
        assertEquals(1, attention.code());
        assertTrue(attention.err().contains("TorchScript module exposes no attention"), attention.err());
        CliRun score = run("score", "--reward-model", module.toString(), "--reward-label", "0", "--text", "fine wine",
                "--json");
        assertEquals(0, score.code(), score.err());
        CliRun shown = run("score", "--reward-model", module.toString(), "--reward-label", "0", "--text", "fine wine");
        assertEquals(0, shown.code(), shown.err());
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.load(tokenizerFile)) {
            StringBuilder bounded = new StringBuilder();
            for (int id : t.encode("fine wine")) {
                bounded.append('[').append(t.decode(new int[]{id})).append(']');
            }
            assertEquals(dev.densify.engine.Json.MAPPER.readTree(score.out()).get("scores").get(0).floatValue() + "\t" + bounded,
                    shown.out().strip());
        }
        Files.delete(tokenizerFile);
        CliRun bare = run("attribute", "--reward-model", module.toString(), "--reward-label", "1", "--method", "shap",
                "--response-ids", "3,4");
        assertEquals(2, bare.code());
        assertTrue(bare.err().contains("declares no vocabulary"), bare.err());
        CliRun badLabel = run("attribute", "--reward-model", module.toString(), "--reward-label", "-3", "--method", "shap",
                "--response-ids", "3,4");
        assertEquals(2, badLabel.code());
        assertTrue(badLabel.err().contains("must be a label >= 0 or diff"), badLabel.err());
    }

    private static String ids(int[] ids) {
        return java.util.Arrays.toString(ids).replace(" ", "");
    }

    @Test
    void humanOutput() {
        CliRun r = run("attribute", "--reward-model", task.toString(), "--method", "shap,lime", "--text",
                "the food was great", "--samples", "10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sequence 1: [<bos>][the][food] | [was][great]"), r.out());
        assertTrue(r.out().contains("shap") && r.out().contains("lime") && r.out().contains("R²"), r.out());
        assertTrue(r.out().contains(" [was]=") && r.out().contains(" [great]="), r.out());
    }

    @Test
    void usageErrors() {
        String model = task.toString();
        CliRun r = run("attribute", "--reward-model", model, "--method", "shap,gradient", "--text", "the food was");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown attribution method 'gradient'"), r.err());
        r = run("attribute", "--reward-model", model, "--method", "shap,sparse", "--text", "the food was");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("sparse is no attribution method"), r.err());
        r = run("attribute", "--reward-model", model, "--method", "shap", "--text", "the food was", "--samples", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--samples must be in [2, 1048576], got 1"), r.err());
        r = run("attribute", "--reward-model", model, "--method", "shap", "--text", "the food");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no word is left for the response"), r.err());
        r = run("attribute", "--reward-model", checkpoint.toString(), "--method", "shap", "--text", "the food was");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--text needs a tokenizer") && r.err().contains("give --tokenizer"), r.err());
        r = run("attribute", "--reward-model", model, "--method", "shap");
        assertEquals(2, r.code());
        r = run("attribute", "--reward-model", model, "--method", "shap", "--text", "the food was", "--response-ids", "3");
        assertEquals(2, r.code());
        r = run("attribute", "--reward-model", model, "--method", "shap", "--text", "the food was great", "--json",
                "--html", tmp.resolve("x.html").toString());
        assertEquals(2, r.code());
        assertFalse(Files.exists(tmp.resolve("x.html")));
        r = run("attribute", "--reward-model", model, "--method", "shap", "--text", "the food was", "--baseline-id", "-1");
        assertEquals(2, r.code());
        r = run("attribute", "--reward-model", model, "--method", "shap", "--text", "the food was", "--prompt-words", "-1");
        assertEquals(2, r.code());
        r = run("attribute", "--reward-model", model, "--method", "shap", "--text", "the food was", "--shap-selection",
                "lasso");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--shap-selection: unknown feature selection 'lasso'"), r.err());
        r = run("attribute", "--reward-model", model, "--method", "lime", "--text", "the food was", "--shap-selection",
                "aic");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--shap-selection applies to SHAP only"), r.err());
        r = run("attribute", "--reward-model", model, "--method", "shap", "--response-ids", "1,x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--response-ids") && r.err().contains("'x'"), r.err());
    }

    @Test
    void runtimeErrors() {
        CliRun r = run("attribute", "--reward-model", checkpoint.toString(), "--method", "shap", "--response-ids", "3,30");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("token id 30") && r.err().contains("outside the vocabulary [0, 30)"), r.err());
        r = run("attribute", "--reward-model", checkpoint.toString(), "--method", "lime", "--response-ids", "3",
                "--baseline-id", "99");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("baseline_token"), r.err());
        r = run("attribute", "--reward-model", tmp.resolve("missing.safetensors").toString(), "--method", "shap",
                "--response-ids", "3");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("missing.safetensors"), r.err());
    }
}
