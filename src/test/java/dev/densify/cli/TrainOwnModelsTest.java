package dev.densify.cli;

import dev.densify.attribution.RewardFunction;
import dev.densify.model.ForwardOutputs;
import dev.densify.model.ModelConfig;
import dev.densify.model.Policy;
import dev.densify.model.TokenBatch;
import dev.densify.testing.ReferenceBpe;
import dev.densify.testing.TorchScriptModels;
import dev.densify.text.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code densify train} on the user's own files: a Hugging Face-layout GPT-2 policy with its
 * byte-level BPE tokenizer.json, a JSONL prompt file and a reward from a Java class.
 */
class TrainOwnModelsTest {

    @TempDir
    static Path tmp;

    static Path policyDir;
    static Path prompts;
    static Path config;
    static int policyVocab;

    /** Rewards the letter e: its count in the decoded text. */
    public static final class LikesE implements RewardFunction {
        private final Tokenizer tokenizer;

        public LikesE(Tokenizer tokenizer) {
            this.tokenizer = tokenizer;
        }

        @Override
        public float[] score(int[][] ids, int[][] mask) {
            float[] out = new float[ids.length];
            for (int r = 0; r < ids.length; r++) {
                int n = 0;
                while (n < mask[r].length && mask[r][n] == 1) {
                    n++;
                }
                String text = tokenizer.decode(java.util.Arrays.copyOf(ids[r], n));
                out[r] = (float) text.chars().filter(c -> c == 'e').count() / Math.max(1, text.length());
            }
            return out;
        }
    }

    @BeforeAll
    static void files() throws Exception {
        List<String> corpus = List.of("the weather is fine", "we need seven green trees", "a cat sat on a mat",
                "tell me about the sea", "every evening here", "the end");
        ReferenceBpe bpe = ReferenceBpe.train(corpus, 40);
        policyDir = Files.createDirectory(tmp.resolve("policy"));
        bpe.writeTokenizerJson(policyDir.resolve("tokenizer.json"));
        policyVocab = bpe.vocabularySize();
        ModelConfig c = new ModelConfig(policyVocab, 48, 16, 1, 2);
        try (Policy p = Policy.create(c, "cpu", 3)) {
            p.save(policyDir.resolve("model.safetensors"));
        }
        Files.writeString(policyDir.resolve("config.json"), c.toJson());
        List<String> lines = new ArrayList<>();
        for (String s : corpus) {
            lines.add("{\"prompt\": \"" + s.substring(0, s.indexOf(' ')) + "\"}");
        }
        prompts = tmp.resolve("prompts.jsonl");
        Files.write(prompts, lines);
        config = tmp.resolve("ppo.json");
        Files.writeString(config, "{\"batchSize\": 4, \"minibatchSize\": 2, \"ppoEpochs\": 1, \"maxNewTokens\": 6, "
                + "\"shapSamples\": 16, \"validationEvery\": 1, \"validationPrompts\": 3}");
    }

    private static CliRun train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--policy", policyDir.toString(), "--prompts",
                prompts.toString(), "--config", config.toString(), "--steps", "3", "--out", out.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void trainsWithShapDenseRewardsFromAJavaRewardClass() throws Exception {
        Path out = tmp.resolve("run");
        CliRun r = train(out, "--reward-class", LikesE.class.getName(), "--weights", "shap=1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("training prompts: 6 of 6 kept from " + prompts), r.err());
        assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
        // The trained policy is a Hugging Face directory with the tokenizer it was trained with.
        Path checkpoint = out.resolve("checkpoint").resolve("policy");
        assertEquals(-1, Files.mismatch(policyDir.resolve("tokenizer.json"), checkpoint.resolve("tokenizer.json")));
        var hf = dev.densify.engine.Json.MAPPER.readTree(checkpoint.resolve("config.json").toFile());
        assertEquals("GPT2LMHeadModel", hf.get("architectures").get(0).asText());
        assertEquals("gpt2", hf.get("model_type").asText());
        assertEquals(policyVocab, hf.get("vocab_size").asInt());
        assertEquals("gelu_new", hf.get("activation_function").asText());
        try (var t = dev.densify.text.HuggingFaceTokenizer.load(checkpoint);
             var p = dev.densify.text.HuggingFaceTokenizer.load(policyDir)) {
            assertEquals(p.specialTokens().eos(), hf.get("eos_token_id").asInt());
            assertTrue(java.util.Arrays.equals(p.encode("the sea"), t.encode("the sea")));
        }
        int[][] ids = {{1, 2, 3, 4}};
        try (Policy start = Policy.load(policyDir, "cpu"); Policy trained = Policy.load(checkpoint, "cpu");
             Policy again = Policy.load(checkpoint, "cpu")) {
            float[] a = trained.forward(TokenBatch.of(ids), new ForwardOutputs(true, false, false)).logits();
            float[] b = again.forward(TokenBatch.of(ids), new ForwardOutputs(true, false, false)).logits();
            float[] s = start.forward(TokenBatch.of(ids), new ForwardOutputs(true, false, false)).logits();
            assertTrue(java.util.Arrays.equals(a, b), "a reloaded checkpoint gives other logits");
            assertTrue(!java.util.Arrays.equals(a, s), "three PPO steps left the weights as they were");
        }
    }

    @Test
    void trainsWithAGpt2RewardModelOfAnotherTokenizer() throws Exception {
        Path rewardDir = Files.createDirectory(tmp.resolve("reward"));
        ReferenceBpe other = ReferenceBpe.train(List.of("seven trees need water", "evening weather"), 25);
        other.writeTokenizerJson(rewardDir.resolve("tokenizer.json"));
        ModelConfig rc = new ModelConfig(other.vocabularySize(), 64, 16, 1, 2);
        assertTrue(rc.vocabSize() != policyVocab);
        try (dev.densify.model.RewardModel m = dev.densify.model.RewardModel.create(rc, "cpu", 9)) {
            m.save(rewardDir.resolve("model.safetensors"));
        }
        Files.writeString(rewardDir.resolve("config.json"), rc.toJson());
        Path out = tmp.resolve("run-other-tokenizer");
        CliRun r = train(out, "--reward-model", rewardDir.toString(), "--weights", "sparse=0.5,shap=0.5");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        // Without its tokenizer the vocabularies disagree, and that is said.
        Files.delete(rewardDir.resolve("tokenizer.json"));
        CliRun bare = train(tmp.resolve("run-bare"), "--reward-model", rewardDir.toString());
        assertEquals(1, bare.code());
        assertTrue(bare.err().contains("give its tokenizer"), bare.err());
    }

    @Test
    void trainsWithATorchScriptRewardModel() throws Exception {
        Path scripted = Files.createDirectory(tmp.resolve("scripted"));
        TorchScriptModels.trace(scripted, policyVocab);
        Path out = tmp.resolve("run-torchscript");
        CliRun r = train(out, "--reward-model", scripted.resolve("reward.pt").toString(), "--reward-label", "diff",
                "--weights", "shap=1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("reward model: TorchScript"), r.err());
        assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
        Path checkpoint = out.resolve("checkpoint").resolve("policy");
        int[][] ids = {{1, 2, 3, 4}, {5, 6}};
        try (Policy trained = Policy.load(checkpoint, "cpu"); Policy again = Policy.load(checkpoint, "cpu")) {
            assertTrue(java.util.Arrays.equals(logits(trained, ids), logits(again, ids)));
        }
        // Logits, not one score: the label must be said.
        CliRun unlabelled = train(tmp.resolve("run-torchscript-unlabelled"), "--reward-model",
                scripted.resolve("reward.pt").toString());
        assertEquals(1, unlabelled.code());
        assertTrue(unlabelled.err().contains("2 logits per row"), unlabelled.err());
        CliRun outOfRange = train(tmp.resolve("run-torchscript-label"), "--reward-model",
                scripted.resolve("reward.pt").toString(), "--reward-label", "2");
        assertEquals(1, outOfRange.code());
        assertTrue(outOfRange.err().contains("outside"), outOfRange.err());
        CliRun signature = train(tmp.resolve("run-torchscript-signature"), "--reward-model",
                scripted.resolve("one_argument.pt").toString());
        assertEquals(1, signature.code());
        assertTrue(signature.err().contains("forward(input_ids"), signature.err());
        CliRun attention = train(tmp.resolve("run-torchscript-attention"), "--reward-model",
                scripted.resolve("reward.pt").toString(), "--reward-label", "1", "--weights", "attention=1");
        assertEquals(1, attention.code());
        assertTrue(attention.err().contains("attention"), attention.err());
    }

    private static float[] logits(Policy p, int[][] ids) {
        return p.forward(TokenBatch.rightPadded(ids, 0), new ForwardOutputs(true, false, false)).logits();
    }

    @Test
    void theReferenceIsTheStartingPolicyUnlessGiven() throws Exception {
        String[] reward = {"--reward-class", LikesE.class.getName(), "--weights", "sparse=1"};
        CliRun plain = train(tmp.resolve("ref-default"), reward);
        assertEquals(0, plain.code(), plain.err());
        CliRun same = train(tmp.resolve("ref-same"), concat(reward, "--reference", policyDir.toString()));
        assertEquals(0, same.code(), same.err());
        Path other = Files.createDirectory(tmp.resolve("other-policy"));
        ModelConfig c = ModelConfig.read(policyDir.resolve("config.json"));
        try (Policy p = Policy.create(c, "cpu", 77)) {
            p.save(other.resolve("model.safetensors"));
        }
        CliRun elsewhere = train(tmp.resolve("ref-other"), concat(reward, "--reference", other.toString()));
        assertEquals(0, elsewhere.code(), elsewhere.err());
        assertTrue(elsewhere.err().contains("reference policy: " + other), elsewhere.err());
        // Before any update the policy is its start: KL 0 to itself, not to another model.
        assertEquals(0.0, validationKl(tmp.resolve("ref-default")));
        assertEquals(0.0, validationKl(tmp.resolve("ref-same")));
        // (k1, the default estimator, is the mean log-ratio of the sampled tokens: either sign)
        assertTrue(Math.abs(validationKl(tmp.resolve("ref-other"))) > 0.01, "KL to another reference "
                + validationKl(tmp.resolve("ref-other")));
        assertEquals(withoutTimes(tmp.resolve("ref-default")), withoutTimes(tmp.resolve("ref-same")));
        Path small = Files.createDirectory(tmp.resolve("small-vocab-policy"));
        ModelConfig sc = new ModelConfig(c.vocabSize() - 1, c.nPositions(), c.nEmbd(), c.nLayer(), c.nHead());
        try (Policy p = Policy.create(sc, "cpu", 1)) {
            p.save(small.resolve("model.safetensors"));
        }
        CliRun mismatch = train(tmp.resolve("ref-bad"), concat(reward, "--reference", small.toString()));
        assertEquals(1, mismatch.code());
        assertTrue(mismatch.err().contains("must share the policy's vocabulary"), mismatch.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double validationKl(Path run) throws Exception {
        return dev.densify.engine.Json.MAPPER.readTree(Files.readAllLines(run.resolve("validation.jsonl")).get(0))
                .get("kl").asDouble();
    }

    /** metrics.jsonl without the timing columns. */
    private static List<String> withoutTimes(Path run) throws Exception {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) dev.densify.engine.Json.MAPPER.readTree(line);
            node.properties().removeIf(e -> e.getKey().endsWith("_s"));
            rows.add(node.toString());
        }
        return rows;
    }

    @Test
    void promptsLongerThanTheLimitAreDroppedAndCounted() throws Exception {
        int kept = 0;
        try (var t = dev.densify.text.HuggingFaceTokenizer.load(policyDir)) {
            for (String line : Files.readAllLines(prompts)) {
                String prompt = dev.densify.engine.Json.MAPPER.readTree(line).get("prompt").asText();
                kept += t.encode(prompt).length <= 1 ? 1 : 0;
            }
        }
        assertTrue(kept > 0 && kept < 6, "the corpus should have prompts of one token and of more: " + kept);
        CliRun r = train(tmp.resolve("run-short-prompts"), "--reward-class", LikesE.class.getName(),
                "--max-prompt-tokens", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("training prompts: " + kept + " of 6 kept from " + prompts + " (" + (6 - kept)
                + " longer than 1 tokens dropped)"), r.err());
        CliRun zero = train(tmp.resolve("run-no-prompts"), "--reward-class", LikesE.class.getName(),
                "--max-prompt-tokens", "0");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--max-prompt-tokens must be >= 1"), zero.err());
    }

    @Test
    void aStudyRunsOnTheSameFilesAndRefusesOthersOnResume() throws Exception {
        Path out = tmp.resolve("study");
        String[] args = {"study", "--policy", policyDir.toString(), "--prompts", prompts.toString(), "--reward-class",
                LikesE.class.getName(), "--config", config.toString(), "--trials", "2", "--steps-per-trial", "2",
                "--methods", "sparse,shap", "--out", out.toString()};
        CliRun r = CliRun.of(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("study.db")) && Files.isRegularFile(out.resolve("report.html")));
        try (var trials = Files.list(out.resolve("trials"))) {
            assertEquals(2, trials.count());
        }
        Path otherPrompts = tmp.resolve("other.txt");
        Files.writeString(otherPrompts, "the\nwe\n");
        String[] changed = args.clone();
        changed[4] = otherPrompts.toString();
        CliRun resumed = CliRun.of(changed);
        assertEquals(1, resumed.code(), resumed.out());
        assertTrue(resumed.err().contains("prompts"), resumed.err());
    }

    @Test
    void aStudySharedOverPostgresqlRunsReportsItsStatusAndRefusesBadStorage() throws Exception {
        try (dev.densify.study.PostgresServer server = dev.densify.study.PostgresServer.start()) {
            String url = server.createDatabase("cli").toString();
            Path out = tmp.resolve("shared-study");
            String[] args = {"study", "--policy", policyDir.toString(), "--prompts", prompts.toString(), "--reward-class",
                    LikesE.class.getName(), "--config", config.toString(), "--trials", "2", "--steps-per-trial", "2",
                    "--methods", "sparse,shap", "--out", out.toString(), "--storage", url, "--study-name", "cli-study"};
            CliRun r = CliRun.of(args);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("worker ") && r.err().contains("study done: 2 complete, 0 failed"), r.err());
            assertTrue(Files.isRegularFile(out.resolve("report.html")));
            assertFalse(Files.exists(out.resolve("study.db")), "the trials are in PostgreSQL");

            CliRun status = CliRun.of("study", "status", "--storage", url, "--study-name", "cli-study", "--json");
            assertEquals(0, status.code(), status.err());
            var json = dev.densify.engine.Json.MAPPER.readTree(status.out());
            assertEquals(2, json.get("budget").asInt());
            assertEquals(2, json.get("complete").asInt());
            assertEquals(1, json.get("workers").size());
            assertEquals("stopped", json.get("workers").get(0).get("state").asText());
            assertEquals(json.get("workers").get(0).get("id").asText(), json.get("trials").get(1).get("worker").asText());
            Path elsewhere = tmp.resolve("report-elsewhere");
            CliRun report = CliRun.of("report", elsewhere.toString(), "--storage", url, "--study-name", "cli-study", "--json");
            assertEquals(0, report.code(), report.err());
            assertTrue(Files.isRegularFile(elsewhere.resolve("report.html")));
            assertEquals(2, dev.densify.engine.Json.MAPPER.readTree(report.out()).path("trials").size(), report.out());
            CliRun text = CliRun.of("study", "status", "--storage", url, "--study-name", "cli-study");
            assertTrue(text.out().contains("budget 2 trials; 2 complete, 0 failed, 0 running, 0 pending"), text.out());

            // a worker joining the finished study has nothing to do
            String[] joining = java.util.Arrays.copyOf(args, args.length + 1);
            joining[args.length] = "--worker";
            CliRun late = CliRun.of(joining);
            assertEquals(0, late.code(), late.err());
            assertTrue(late.err().contains("study done: 2 complete"), late.err());

            String[] missing = joining.clone();
            missing[missing.length - 2] = "no-such-study";
            CliRun refused = CliRun.of(missing);
            assertEquals(1, refused.code());
            assertTrue(refused.err().contains("there is no study 'no-such-study'"), refused.err());

            String[] other = args.clone();
            other[14] = "sparse,lime";
            CliRun conflict = CliRun.of(other);
            assertEquals(1, conflict.code());
            assertTrue(conflict.err().contains("another configuration (differs in components"), conflict.err());
        }
        String[] base = {"study", "--policy", policyDir.toString(), "--prompts", prompts.toString(), "--reward-class",
                LikesE.class.getName(), "--trials", "2", "--steps-per-trial", "2", "--out", tmp.resolve("x").toString()};
        CliRun bad = CliRun.of(concat(base, "--storage", "mysql://db"));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--storage: storage 'mysql://db' is neither sqlite:PATH nor postgresql://"), bad.err());
        bad = CliRun.of(concat(base, "--worker"));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--worker needs a shared storage"), bad.err());
        bad = CliRun.of(concat(base, "--storage", "postgresql://u@127.0.0.1:5/db", "--heartbeat-grace", "0"));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--heartbeat-grace must be in [1, 86400] seconds, got 0.0"), bad.err());
        bad = CliRun.of("study", "status");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("give --storage URL"), bad.err());
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void aStudyTrialRunsDataParallelAsTrainNprocDoes() throws Exception {
        Path out = tmp.resolve("dp-study");
        CliRun r = CliRun.of("study", "--policy", policyDir.toString(), "--prompts", prompts.toString(), "--reward-class",
                LikesE.class.getName(), "--config", config.toString(), "--trials", "1", "--steps-per-trial", "2",
                "--methods", "sparse,shap", "--fixed", "sparse=0.25,shap=0.75", "--nproc", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path trial = out.resolve("trials").resolve("0000");
        Path trialConfig = trial.resolve(dev.densify.study.PpoObjectiveFactory.TRIAL_CONFIG);
        assertTrue(Files.isRegularFile(trialConfig));
        List<String> validation = Files.readAllLines(trial.resolve("validation.jsonl"));
        double last = dev.densify.engine.Json.MAPPER.readTree(validation.get(validation.size() - 1)).get("reward").asDouble();
        double objective;
        try (dev.densify.study.StudyStore store = dev.densify.study.StudyStore.openReadOnly(out.resolve("study.db"))) {
            objective = store.trials().get(0).objective();
        }
        assertEquals(last, objective, 0.0, "the trial's objective is rank 0's last validation");
        // the same training by hand: train --nproc 2 with the trial's configuration and weights
        Path again = tmp.resolve("dp-by-hand");
        CliRun t = CliRun.of("train", "--policy", policyDir.toString(), "--prompts", prompts.toString(), "--reward-class",
                LikesE.class.getName(), "--config", trialConfig.toString(), "--weights", "sparse=0.25,shap=0.75",
                "--nproc", "2", "--out", again.toString());
        assertEquals(0, t.code(), t.err());
        assertEquals(validation, Files.readAllLines(again.resolve("validation.jsonl")));
        // and not what one process trains (the ranks sample with seeds of their own)
        Path alone = tmp.resolve("one-process");
        CliRun one = CliRun.of("train", "--policy", policyDir.toString(), "--prompts", prompts.toString(), "--reward-class",
                LikesE.class.getName(), "--config", trialConfig.toString(), "--weights", "sparse=0.25,shap=0.75",
                "--out", alone.toString());
        assertEquals(0, one.code(), one.err());
        assertFalse(validation.equals(Files.readAllLines(alone.resolve("validation.jsonl"))));
        CliRun zero = CliRun.of("study", "--policy", policyDir.toString(), "--prompts", prompts.toString(), "--reward-class",
                LikesE.class.getName(), "--trials", "1", "--steps-per-trial", "2", "--nproc", "0", "--out",
                tmp.resolve("dp-zero").toString());
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--nproc must be >= 1, got 0"), zero.err());
        CliRun odd = CliRun.of("study", "--policy", policyDir.toString(), "--prompts", prompts.toString(), "--reward-class",
                LikesE.class.getName(), "--config", config.toString(), "--trials", "1", "--steps-per-trial", "2",
                "--nproc", "3", "--out", tmp.resolve("dp-odd").toString());
        assertEquals(1, odd.code());
        assertTrue(odd.err().contains("the batch size (4) must be a multiple of the 3 processes"), odd.err());
        assertFalse(Files.exists(tmp.resolve("dp-odd")));
    }

    @Test
    void aRunKeepsTheComputePrecisionItBeganWith() throws Exception {
        Path out = tmp.resolve("bf16-run");
        List<String> args = new ArrayList<>(List.of("--dtype", "bfloat16", "train", "--policy", policyDir.toString(),
                "--prompts", prompts.toString(), "--config", config.toString(), "--steps", "1", "--out", out.toString(),
                "--reward-class", LikesE.class.getName()));
        try {
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            assertEquals("bfloat16", dev.densify.engine.Json.MAPPER.readTree(out.resolve("config.json").toFile())
                    .path("compute_dtype").asText());
            // without --dtype: float32 again, even in this JVM where the last command set bfloat16
            List<String> resumed = new ArrayList<>(args.subList(2, args.size()));
            resumed.set(resumed.indexOf("1"), "2");
            CliRun other = CliRun.of(resumed.toArray(String[]::new));
            assertEquals(1, other.code(), other.out());
            assertTrue(other.err().contains("holds a run with another configuration"), other.err());
            List<String> same = new ArrayList<>(args);
            same.set(same.indexOf("1"), "2");
            CliRun again = CliRun.of(same.toArray(String[]::new));
            assertEquals(0, again.code(), again.err());
            assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        } finally {
            dev.densify.engine.Densify.setComputeDtype(dev.densify.engine.ComputeDtype.FLOAT32);
        }
    }

    @Test
    void trainsInBfloat16MixedPrecisionAndResumesRunsOfEarlierVersions() throws Exception {
        Path mixedConfig = tmp.resolve("ppo-bf16.json");
        Files.writeString(mixedConfig, Files.readString(config).replace("{", "{\"trainingDtype\": \"bfloat16\", "));
        Path out = tmp.resolve("bf16-training");
        List<String> args = new ArrayList<>(List.of("train", "--policy", policyDir.toString(), "--prompts",
                prompts.toString(), "--config", mixedConfig.toString(), "--steps", "1", "--out", out.toString(),
                "--reward-class", LikesE.class.getName()));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals("bfloat16", dev.densify.engine.Json.MAPPER.readTree(out.resolve("config.json").toFile())
                .path("ppo").path("trainingDtype").asText());
        // a run written before trainingDtype existed resumes (the key takes its default)
        Path old = tmp.resolve("before-training-dtype");
        List<String> plain = new ArrayList<>(args);
        plain.set(plain.indexOf(mixedConfig.toString()), config.toString());
        plain.set(plain.indexOf(out.toString()), old.toString());
        assertEquals(0, CliRun.of(plain.toArray(String[]::new)).code());
        var stored = (com.fasterxml.jackson.databind.node.ObjectNode) dev.densify.engine.Json.MAPPER.readTree(
                old.resolve("config.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored.get("ppo")).remove("trainingDtype");
        Files.writeString(old.resolve("config.json"), stored.toString());
        plain.set(plain.indexOf("1"), "2");
        CliRun resumed = CliRun.of(plain.toArray(String[]::new));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming"), resumed.err());
        Path half = tmp.resolve("ppo-fp16.json");
        Files.writeString(half, "{\"trainingDtype\": \"float16\"}");
        CliRun refused = CliRun.of("train", "--policy", policyDir.toString(), "--prompts", prompts.toString(), "--config",
                half.toString(), "--steps", "1", "--out", tmp.resolve("fp16").toString(), "--reward-class",
                LikesE.class.getName());
        assertEquals(1, refused.code(), refused.err());
        assertTrue(refused.err().contains("trainingDtype float16 needs a CUDA device"), refused.err());
        Path bad = tmp.resolve("ppo-fp8.json");
        Files.writeString(bad, "{\"trainingDtype\": \"float8\"}");
        CliRun unknown = CliRun.of("train", "--policy", policyDir.toString(), "--prompts", prompts.toString(), "--config",
                bad.toString(), "--steps", "1", "--out", tmp.resolve("fp8").toString(), "--reward-class",
                LikesE.class.getName());
        assertTrue(unknown.code() != 0 && unknown.err().contains("dtype 'float8' is not one of float32, bfloat16, float16"),
                unknown.err());
    }

    @Test
    void generateAndScoreTakeText() throws Exception {
        CliRun g = CliRun.of("generate", "--policy", policyDir.toString(), "--prompt", "the weather", "--prompt", "we",
                "--max-new-tokens", "4", "--seed", "2", "--json");
        assertEquals(0, g.code(), g.err());
        var node = dev.densify.engine.Json.MAPPER.readTree(g.out()).get("sequences");
        assertEquals(2, node.size());
        assertEquals("the weather", node.get(0).get("prompt_text").asText());
        try (dev.densify.text.HuggingFaceTokenizer t = dev.densify.text.HuggingFaceTokenizer.load(policyDir)) {
            int[] tokens = new int[node.get(0).get("tokens").size()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = node.get(0).get("tokens").get(i).asInt();
            }
            assertEquals(t.decode(tokens), node.get(0).get("text").asText());
        }
        Path rewardDir = Files.createDirectory(tmp.resolve("same-tokenizer-reward"));
        Files.copy(policyDir.resolve("tokenizer.json"), rewardDir.resolve("tokenizer.json"));
        ModelConfig rc = new ModelConfig(policyVocab, 48, 16, 1, 2);
        try (dev.densify.model.RewardModel m = dev.densify.model.RewardModel.create(rc, "cpu", 4)) {
            m.save(rewardDir.resolve("model.safetensors"));
            Files.writeString(rewardDir.resolve("config.json"), rc.toJson());
            CliRun s = CliRun.of("score", "--reward-model", rewardDir.toString(), "--text", "the weather is fine", "--json");
            assertEquals(0, s.code(), s.err());
            CliRun ids = CliRun.of("score", "--reward-model", rewardDir.toString(), "--ids", "1,2", "--json");
            assertEquals(0, ids.code(), ids.err());
            try (dev.densify.text.HuggingFaceTokenizer t = dev.densify.text.HuggingFaceTokenizer.load(policyDir)) {
                float expected = m.score(new int[][]{t.encode("the weather is fine")})[0];
                assertEquals(expected, (float) dev.densify.engine.Json.MAPPER.readTree(s.out()).get("scores").get(0)
                        .asDouble(), 1e-6f);
            }
        }
        CliRun both = CliRun.of("score", "--reward-model", rewardDir.toString(), "--text", "x", "--ids", "1");
        assertEquals(2, both.code());
        CliRun neither = CliRun.of("generate", "--policy", policyDir.toString(), "--max-new-tokens", "2");
        assertEquals(2, neither.code());
    }

    @Test
    void badCombinationsAreNamed() throws Exception {
        CliRun none = train(tmp.resolve("r1"));
        assertEquals(2, none.code());
        assertTrue(none.err().contains("give exactly one reward"), none.err());
        CliRun two = train(tmp.resolve("r2"), "--reward-class", LikesE.class.getName(), "--reward-url", "http://127.0.0.1:1/x");
        assertEquals(2, two.code());
        CliRun both = CliRun.of("train", "--task-dir", tmp.toString(), "--policy", policyDir.toString(), "--out",
                tmp.resolve("r3").toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("cannot be combined"), both.err());
        CliRun attention = train(tmp.resolve("r4"), "--reward-class", LikesE.class.getName(), "--weights", "attention=1");
        assertEquals(1, attention.code());
        assertTrue(attention.err().contains("attention credit needs a reward model"), attention.err());
        CliRun ftp = train(tmp.resolve("r5"), "--reward-url", "ftp://host/score");
        assertEquals(1, ftp.code());
        assertTrue(ftp.err().contains("must start with http:// or https://"), ftp.err());
        // A tokenizer with more ids than the model's vocabulary.
        Path big = Files.createDirectory(tmp.resolve("big"));
        java.util.Random rng = new java.util.Random(5);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String w = rng.ints(4, 'a', 'z' + 1).collect(StringBuilder::new, StringBuilder::appendCodePoint,
                    StringBuilder::append).toString();
            words.add(w + " " + w);
        }
        ReferenceBpe larger = ReferenceBpe.train(words, 200);
        assertTrue(larger.vocabularySize() > policyVocab, "vocabulary " + larger.vocabularySize() + " vs " + policyVocab);
        larger.writeTokenizerJson(big.resolve("tokenizer.json"));
        CliRun tooMany = train(tmp.resolve("r6"), "--tokenizer", big.toString(), "--reward-class", LikesE.class.getName());
        assertEquals(1, tooMany.code());
        assertTrue(tooMany.err().contains("more than the policy's vocab_size"), tooMany.err());
    }
}
