package dev.densify.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.FormatException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.densify.model.ModelFixtures.TINY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints: bit-exact round trips, files written by hand from the specification, and bad files. */
@ExtendWith(ModelFixtures.SingleThreaded.class)
class CheckpointTest {

    @TempDir
    Path tmp;

    static final TokenBatch PROBE = ModelFixtures.probeBatch(TINY, 3);

    // ---- round trips ---------------------------------------------------------------------

    @Test
    void policySaveLoadSaveIsBitExact() throws IOException {
        try (Policy original = ModelFixtures.randomPolicy(tmp, TINY, 21)) {
            Path first = tmp.resolve("first.safetensors");
            original.save(first);
            try (Policy loaded = Policy.load(first, "cpu")) {
                assertEquals(original.config(), loaded.config());
                assertEquals(original.parameterCount(), loaded.parameterCount());
                ModelFixtures.assertSameOutputs(original, loaded, PROBE);
                Path second = tmp.resolve("second.safetensors");
                loaded.save(second);
                assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "save -> load -> save bytes");
            }
        }
    }

    @Test
    void rewardSaveLoadSaveIsBitExact() throws IOException {
        try (RewardModel original = ModelFixtures.reward(22)) {
            Path first = tmp.resolve("first.safetensors");
            original.save(first);
            try (RewardModel loaded = RewardModel.load(first, "cpu")) {
                ModelFixtures.assertBitEqual(original.score(PROBE), loaded.score(PROBE), "scores");
                Path second = tmp.resolve("second.safetensors");
                loaded.save(second);
                assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
            }
        }
    }

    /** The saved file, read by an independent parser, holds exactly the weights that were loaded. */
    @Test
    void savedFileFollowsTheSpecificationAndHoldsTheWeights() {
        Map<String, float[]> weights = ModelFixtures.randomWeights(TINY, ModelKind.POLICY, 23, 0.3);
        Path in = ModelFixtures.writeCheckpoint(tmp.resolve("in.safetensors"), TINY, ModelKind.POLICY, weights, "F32");
        Path out = tmp.resolve("out.safetensors");
        try (Policy policy = Policy.load(in, "cpu")) {
            assertEquals(weights.values().stream().mapToLong(w -> w.length).sum(), policy.parameterCount());
            policy.save(out);
        }
        ModelFixtures.SafeTensors file = ModelFixtures.readSafetensors(out);
        assertEquals("policy", file.metadata().get(Checkpoint.KIND_KEY));
        assertEquals(TINY, ModelConfig.parse(file.metadata().get(Checkpoint.CONFIG_KEY)));
        assertEquals(0, file.dataStart() % 8, "data section 8-byte aligned");
        Map<String, long[]> shapes = ModelFixtures.shapes(TINY, ModelKind.POLICY);
        assertEquals(shapes.keySet().stream().sorted().toList(), List.copyOf(file.tensors().keySet()),
                "every weight, Hugging Face names, sorted");
        for (var e : file.tensors().entrySet()) {
            assertEquals("F32", e.getValue().dtype(), e.getKey());
            assertArrayEquals(shapes.get(e.getKey()), e.getValue().shape(), e.getKey());
            ModelFixtures.assertBitEqual(weights.get(e.getKey()), e.getValue().floats(), e.getKey());
        }
    }

    /** F16 and BF16 files load (converted to float32) to the same model as the F32 file of the same values. */
    @Test
    void halfPrecisionFilesLoadExactly() {
        Map<String, float[]> weights = ModelFixtures.randomWeights(TINY, ModelKind.POLICY, 24, 0.3);
        Map<String, Map<String, float[]>> rounded = Map.of("F16", ModelFixtures.roundedToF16(weights),
                "BF16", ModelFixtures.roundedToBf16(weights));
        for (var e : rounded.entrySet()) {
            String dtype = e.getKey();
            Path f32 = ModelFixtures.writeCheckpoint(tmp.resolve(dtype + "-as-f32.safetensors"), TINY, ModelKind.POLICY,
                    e.getValue(), "F32");
            Path half = ModelFixtures.writeCheckpoint(tmp.resolve(dtype + ".safetensors"), TINY, ModelKind.POLICY,
                    e.getValue(), dtype);
            assertTrue(sizeOf(half) < sizeOf(f32) * 0.6, dtype + " file holds 2-byte values");
            try (Policy a = Policy.load(f32, "cpu"); Policy b = Policy.load(half, "cpu")) {
                ModelFixtures.assertSameOutputs(a, b, PROBE);
                // and the saved weights are the float32 values of the half-precision ones
                Path saved = tmp.resolve(dtype + "-saved.safetensors");
                b.save(saved);
                ModelFixtures.readSafetensors(saved).floats().forEach((name, w) ->
                        ModelFixtures.assertBitEqual(e.getValue().get(name), w, dtype + " " + name));
            }
        }
    }

    /**
     * Hugging Face layout: a directory with config.json (with the extra keys a real one has) and
     * model.safetensors without metadata, names without the "transformer." prefix (GPT2Model),
     * plus tensors the engine ignores (lm_head.weight, attn.bias buffers); no value head, so the
     * values are zero.
     */
    @Test
    void huggingFaceDirectoryWithoutPrefixOrValueHead() throws IOException {
        Map<String, float[]> weights = ModelFixtures.randomWeights(TINY, ModelKind.POLICY, 25, 0.3);
        Path reference = ModelFixtures.writeCheckpoint(tmp.resolve("ref.safetensors"), TINY, ModelKind.POLICY, weights,
                "F32");
        Map<String, ModelFixtures.Tensor> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = ModelFixtures.shapes(TINY, ModelKind.POLICY);
        weights.forEach((name, w) -> {
            if (!name.startsWith("v_head.")) {
                tensors.put(name.replaceFirst("^transformer\\.", ""), ModelFixtures.Tensor.f32(shapes.get(name), w));
            }
        });
        tensors.put("lm_head.weight", ModelFixtures.Tensor.f32(shapes.get("transformer.wte.weight"),
                weights.get("transformer.wte.weight")));
        int p = TINY.nPositions();
        tensors.put("h.0.attn.bias", ModelFixtures.Tensor.f32(new long[]{1, 1, p, p}, new float[p * p]));
        tensors.put("h.0.attn.masked_bias", ModelFixtures.Tensor.f32(new long[]{}, new float[]{-1e4f}));
        Path dir = Files.createDirectory(tmp.resolve("gpt2-tiny"));
        Files.write(dir.resolve("model.safetensors"), ModelFixtures.safetensors(Map.of("format", "pt"), tensors));
        Files.writeString(dir.resolve("config.json"), """
                {
                  "activation_function": "gelu_new",
                  "architectures": ["GPT2LMHeadModel"],
                  "attn_pdrop": 0.1,
                  "bos_token_id": 50256,
                  "embd_pdrop": 0.1,
                  "eos_token_id": 50256,
                  "initializer_range": 0.02,
                  "layer_norm_epsilon": 1e-05,
                  "model_type": "gpt2",
                  "n_ctx": %d,
                  "n_embd": %d,
                  "n_head": %d,
                  "n_layer": %d,
                  "n_positions": %d,
                  "resid_pdrop": 0.1,
                  "vocab_size": %d
                }
                """.formatted(p, TINY.nEmbd(), TINY.nHead(), TINY.nLayer(), p, TINY.vocabSize()));

        Checkpoint.Info info = Checkpoint.inspect(dir);
        assertEquals(TINY, info.config().orElseThrow());
        assertTrue(info.kind().isEmpty());

        try (Policy hf = Policy.load(dir, "cpu"); Policy ref = Policy.load(reference, "cpu")) {
            assertEquals(TINY, hf.config());
            PolicyOutput a = ref.forward(PROBE, ForwardOutputs.ALL);
            PolicyOutput b = hf.forward(PROBE, ForwardOutputs.ALL);
            ModelFixtures.assertBitEqual(a.logits(), b.logits(), "logits");
            ModelFixtures.assertBitEqual(a.tokenLogprobs(), b.tokenLogprobs(), "token log-probs");
            for (float[] row : b.values()) {
                for (float v : row) {
                    assertEquals(0f, v, "a checkpoint without v_head has a zero value head");
                }
            }
            assertTrue(Arrays.stream(a.values()).anyMatch(row -> row[0] != 0), "the reference has a value head");
        }
    }

    /** A reward model in Hugging Face layout (GPT2ForSequenceClassification names without prefix). */
    @Test
    void huggingFaceRewardDirectory() throws IOException {
        Map<String, float[]> weights = ModelFixtures.randomWeights(TINY, ModelKind.REWARD, 26, 0.3);
        Path reference = ModelFixtures.writeCheckpoint(tmp.resolve("ref.safetensors"), TINY, ModelKind.REWARD, weights,
                "F32");
        Map<String, ModelFixtures.Tensor> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = ModelFixtures.shapes(TINY, ModelKind.REWARD);
        weights.forEach((name, w) -> tensors.put(name.replaceFirst("^transformer\\.", ""),
                ModelFixtures.Tensor.f32(shapes.get(name), w)));
        Path dir = Files.createDirectory(tmp.resolve("reward"));
        Files.write(dir.resolve(Checkpoint.WEIGHTS_FILE), ModelFixtures.safetensors(null, tensors));
        Files.writeString(dir.resolve(Checkpoint.CONFIG_FILE), TINY.toJson());
        try (RewardModel hf = RewardModel.load(dir, "cpu"); RewardModel ref = RewardModel.load(reference, "cpu")) {
            ModelFixtures.assertBitEqual(ref.score(PROBE), hf.score(PROBE), "scores");
        }
    }

    /** A densify policy file without v_head.* (a plain language model) loads with zero values. */
    @Test
    void policyFileWithoutValueHeadHasZeroValues() {
        Map<String, float[]> weights = ModelFixtures.randomWeights(TINY, ModelKind.POLICY, 27, 0.3);
        weights.remove("v_head.summary.weight");
        weights.remove("v_head.summary.bias");
        Path file = ModelFixtures.writeCheckpoint(tmp.resolve("lm.safetensors"), TINY, ModelKind.POLICY, weights, "F32");
        try (Policy policy = Policy.load(file, "cpu")) {
            for (float[] row : policy.forward(PROBE, ForwardOutputs.VALUES).values()) {
                for (float v : row) {
                    assertEquals(0f, v);
                }
            }
        }
    }

    @Test
    void saveReplacesAnExistingFileAtomically() {
        Path target = tmp.resolve("model.safetensors");
        try (Policy a = ModelFixtures.policy(31); Policy b = ModelFixtures.policy(32)) {
            a.save(target);
            b.save(target);
            try (Policy loaded = Policy.load(target, "cpu")) {
                ModelFixtures.assertSameOutputs(b, loaded, PROBE);
            }
        }
        assertEquals(List.of(target), listing(tmp), "no temporary file is left");
    }

    // ---- bad files -----------------------------------------------------------------------

    private Map<String, ModelFixtures.Tensor> goodTensors() {
        return ModelFixtures.tensors(ModelFixtures.randomWeights(TINY, ModelKind.POLICY, 41, 0.3), TINY,
                ModelKind.POLICY, "F32");
    }

    private Path write(String name, byte[] bytes) {
        try {
            return Files.write(tmp.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path corrupt(String name, Consumer<ObjectNode> edit) {
        return write(name, ModelFixtures.safetensors(ModelFixtures.densifyMetadata(ModelKind.POLICY, TINY), goodTensors(),
                edit));
    }

    /** Loading fails with a FormatException naming the file and the problem; the engine still works. */
    private void assertFormatError(Path file, String... needles) {
        FormatException e = assertThrows(FormatException.class, () -> Policy.load(file, "cpu"));
        assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
        for (String needle : needles) {
            assertTrue(e.getMessage().contains(needle), "message should contain '" + needle + "': " + e.getMessage());
        }
        assertStillWorks();
    }

    private static void assertStillWorks() {
        try (Policy policy = ModelFixtures.policy(1)) {
            assertEquals(PROBE.batchSize(), policy.forward(PROBE, ForwardOutputs.VALUES).values().length);
        }
    }

    @Test
    void missingFileIsAnIllegalArgument() {
        Path missing = tmp.resolve("nope.safetensors");
        var e = assertThrows(IllegalArgumentException.class, () -> Policy.load(missing, "cpu"));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains(missing.toString()), e.getMessage());
        var r = assertThrows(IllegalArgumentException.class, () -> RewardModel.load(missing, "cpu"));
        assertTrue(r.getMessage().contains(missing.toString()), r.getMessage());
    }

    @Test
    void directoryWithoutWeightsIsAnIllegalArgument() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("empty"));
        var e = assertThrows(IllegalArgumentException.class, () -> Policy.load(dir, "cpu"));
        assertTrue(e.getMessage().contains(Checkpoint.WEIGHTS_FILE), e.getMessage());
    }

    @Test
    void emptyAndTinyFiles() {
        assertFormatError(write("empty.safetensors", new byte[0]), "0 bytes");
        assertFormatError(write("seven.safetensors", new byte[7]), "7 bytes");
    }

    @Test
    void headerLengthPastTheEnd() {
        byte[] good = ModelFixtures.safetensors(ModelFixtures.densifyMetadata(ModelKind.POLICY, TINY), goodTensors());
        ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).putLong(0, good.length);
        assertFormatError(write("long-header.safetensors", good), "header length");
        byte[] negative = good.clone();
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -8);
        assertFormatError(write("negative-header.safetensors", negative), "header length");
    }

    @Test
    void headerThatIsNotJson() {
        byte[] header = "{\"__metadata__\": {\"densify.kind\": \"policy\"".getBytes(StandardCharsets.UTF_8);
        assertFormatError(write("bad-json.safetensors", ModelFixtures.image(header, List.of(new byte[64]))), "JSON");
        byte[] array = "[1, 2, 3]".getBytes(StandardCharsets.UTF_8);
        assertFormatError(write("array.safetensors", ModelFixtures.image(array, List.of())), "JSON object");
    }

    @Test
    void truncatedFile() throws IOException {
        Path whole = tmp.resolve("whole.safetensors");
        try (Policy policy = ModelFixtures.policy(42)) {
            policy.save(whole);
        }
        byte[] bytes = Files.readAllBytes(whole);
        assertFormatError(write("truncated.safetensors", Arrays.copyOf(bytes, bytes.length - 100)), "outside");
        assertFormatError(write("half.safetensors", Arrays.copyOf(bytes, bytes.length / 2)));
        assertFormatError(write("header-only.safetensors", Arrays.copyOf(bytes, 40)), "header length");
    }

    @Test
    void offsetsOutOfRange() {
        assertFormatError(corrupt("out-of-range.safetensors", h -> {
            var offsets = (ArrayNode) h.get("transformer.ln_f.bias").get("data_offsets");
            long begin = offsets.get(0).longValue();
            offsets.removeAll().add(begin + 1_000_000).add(begin + 1_000_000 + 4L * TINY.nEmbd());
        }), "transformer.ln_f.bias", "outside");
        assertFormatError(corrupt("reversed.safetensors", h -> {
            var offsets = (ArrayNode) h.get("transformer.ln_f.bias").get("data_offsets");
            long begin = offsets.get(0).longValue();
            long end = offsets.get(1).longValue();
            offsets.removeAll().add(end).add(begin);
        }), "transformer.ln_f.bias");
        assertFormatError(corrupt("negative.safetensors", h -> {
            var offsets = (ArrayNode) h.get("transformer.ln_f.bias").get("data_offsets");
            offsets.removeAll().add(-128).add(0);
        }), "transformer.ln_f.bias");
    }

    @Test
    void spanThatDoesNotMatchTheShape() {
        assertFormatError(corrupt("short-span.safetensors", h -> {
            var offsets = (ArrayNode) h.get("transformer.ln_f.bias").get("data_offsets");
            long begin = offsets.get(0).longValue();
            offsets.removeAll().add(begin).add(begin + 4);
        }), "transformer.ln_f.bias");
    }

    @Test
    void overlappingOffsets() {
        assertFormatError(corrupt("overlap.safetensors", h -> {
            // ln_f.bias and ln_f.weight have the same size; point the bias at the weight's bytes.
            h.set("transformer.ln_f.bias", h.get("transformer.ln_f.weight").deepCopy());
        }), "overlap");
    }

    @Test
    void wrongDtype() {
        Map<String, ModelFixtures.Tensor> tensors = goodTensors();
        long[] shape = ModelFixtures.shapes(TINY, ModelKind.POLICY).get("transformer.ln_f.bias");
        tensors.put("transformer.ln_f.bias", ModelFixtures.Tensor.i64(shape, new long[TINY.nEmbd()]));
        assertFormatError(write("i64.safetensors",
                        ModelFixtures.safetensors(ModelFixtures.densifyMetadata(ModelKind.POLICY, TINY), tensors)),
                "transformer.ln_f.bias", "I64");
        assertFormatError(corrupt("unknown-dtype.safetensors",
                h -> ((ObjectNode) h.get("transformer.wte.weight")).put("dtype", "F33")), "F33");
    }

    @Test
    void missingTensor() {
        Map<String, ModelFixtures.Tensor> tensors = goodTensors();
        tensors.remove("transformer.h.1.mlp.c_fc.bias");
        assertFormatError(write("missing.safetensors",
                        ModelFixtures.safetensors(ModelFixtures.densifyMetadata(ModelKind.POLICY, TINY), tensors)),
                "missing tensor", "transformer.h.1.mlp.c_fc.bias");
        // A reward checkpoint needs its score head.
        Map<String, ModelFixtures.Tensor> reward = ModelFixtures.tensors(
                ModelFixtures.randomWeights(TINY, ModelKind.REWARD, 43, 0.3), TINY, ModelKind.REWARD, "F32");
        reward.remove("score.weight");
        Path file = write("no-score.safetensors",
                ModelFixtures.safetensors(ModelFixtures.densifyMetadata(ModelKind.REWARD, TINY), reward));
        FormatException e = assertThrows(FormatException.class, () -> RewardModel.load(file, "cpu"));
        assertTrue(e.getMessage().contains("score.weight"), e.getMessage());
    }

    @Test
    void configurationThatDoesNotMatchTheWeights() {
        Path file = ModelFixtures.writeCheckpoint(tmp.resolve("tiny.safetensors"), TINY, ModelKind.POLICY,
                ModelFixtures.randomWeights(TINY, ModelKind.POLICY, 44, 0.3), "F32");
        for (ModelConfig other : new ModelConfig[]{
                new ModelConfig(61, 48, 16, 2, 4),
                new ModelConfig(62, 48, 32, 2, 4),
                new ModelConfig(61, 64, 32, 2, 4),
                new ModelConfig(61, 48, 32, 3, 4)}) {
            FormatException e = assertThrows(FormatException.class, () -> Policy.load(file, other, "cpu"),
                    other.toString());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("does not match") || e.getMessage().contains("missing tensor"),
                    e.getMessage());
        }
        // the metadata's configuration disagreeing with the tensors is caught the same way
        Path lying = write("lying.safetensors", ModelFixtures.safetensors(
                ModelFixtures.densifyMetadata(ModelKind.POLICY, new ModelConfig(61, 48, 64, 2, 4)), goodTensors()));
        assertFormatError(lying, "does not match");
        assertStillWorks();
    }

    @Test
    void wrongKindOrNoConfiguration() {
        Path policyFile = tmp.resolve("policy.safetensors");
        try (Policy policy = ModelFixtures.policy(45)) {
            policy.save(policyFile);
        }
        FormatException kind = assertThrows(FormatException.class, () -> RewardModel.load(policyFile, "cpu"));
        assertTrue(kind.getMessage().contains("policy") && kind.getMessage().contains("reward"), kind.getMessage());

        Path bare = write("bare.safetensors", ModelFixtures.safetensors(null, goodTensors()));
        assertFormatError(bare, "no model configuration");
        try (Policy loaded = Policy.load(bare, TINY, "cpu")) {
            assertEquals(TINY, loaded.config());
        }
        assertFormatError(write("bad-config.safetensors", ModelFixtures.safetensors(
                Map.of(Checkpoint.KIND_KEY, "policy", Checkpoint.CONFIG_KEY, "{\"vocab_size\": 61}"), goodTensors())),
                "n_positions");
        assertFormatError(write("bad-kind.safetensors", ModelFixtures.safetensors(
                Map.of(Checkpoint.KIND_KEY, "critic", Checkpoint.CONFIG_KEY, TINY.toJson()), goodTensors())), "critic");
    }

    /**
     * A directory checkpoint whose config.json is unusable is an unusable checkpoint: per
     * {@link Checkpoint}'s contract a FormatException naming the file, as for bad metadata (a
     * corrupt densify.config in the header already gives one; see wrongKindOrNoConfiguration).
     */
    @Test
    void corruptConfigJsonInADirectory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("hf"));
        Files.write(dir.resolve(Checkpoint.WEIGHTS_FILE), ModelFixtures.safetensors(null, goodTensors()));
        Path config = dir.resolve(Checkpoint.CONFIG_FILE);
        Map<String, String> cases = Map.of("{not json", "JSON", "{\"vocab_size\": 61}", "n_positions", "[]", "object");
        for (var c : cases.entrySet()) {
            Files.writeString(config, c.getKey());
            FormatException e = assertThrows(FormatException.class, () -> Policy.load(dir, "cpu"), c.getKey());
            assertTrue(e.getMessage().contains(config.toString()) && e.getMessage().contains(c.getValue()),
                    e.getMessage());
        }
    }

    // ---- failed saves --------------------------------------------------------------------

    @Test
    void saveIntoAMissingDirectoryWritesNothing() {
        Path target = tmp.resolve("no-such-dir").resolve("model.safetensors");
        try (Policy policy = ModelFixtures.policy(51)) {
            var e = assertThrows(IllegalArgumentException.class, () -> policy.save(target));
            assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("no-such-dir"),
                    e.getMessage());
            assertFalse(Files.exists(target.getParent()));
            assertEquals(List.of(), listing(tmp));
            // the model is intact
            policy.save(tmp.resolve("ok.safetensors"));
        }
    }

    @Test
    void saveOntoADirectoryWritesNothing() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("taken"));
        try (Policy policy = ModelFixtures.policy(52)) {
            var e = assertThrows(IllegalArgumentException.class, () -> policy.save(dir));
            assertTrue(e.getMessage().contains("directory"), e.getMessage());
        }
        assertEquals(List.of(dir), listing(tmp));
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void saveIntoAReadOnlyDirectoryLeavesTheOldFile() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("ro"));
        Path target = dir.resolve("model.safetensors");
        try (Policy old = ModelFixtures.policy(53); Policy updated = ModelFixtures.policy(54)) {
            old.save(target);
            byte[] before = Files.readAllBytes(target);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
            try {
                Assumptions.assumeFalse(Files.isWritable(dir), "running with privileges that ignore permissions");
                assertThrows(UncheckedIOException.class, () -> updated.save(target));
                assertArrayEquals(before, Files.readAllBytes(target), "the old checkpoint is untouched");
                assertEquals(List.of(target), listing(dir));
            } finally {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    /** Any file name the file system accepts can be saved to (the temporary file must not need a longer one). */
    @Test
    void saveToALongButLegalFileName() throws IOException {
        Path target = tmp.resolve("m".repeat(228) + ".safetensors"); // 240 bytes, under NAME_MAX (255)
        Files.writeString(target, "probe");
        Files.delete(target);
        try (Policy policy = ModelFixtures.policy(56)) {
            policy.save(target);
            try (Policy loaded = Policy.load(target, "cpu")) {
                ModelFixtures.assertSameOutputs(policy, loaded, PROBE);
            }
        }
        assertEquals(List.of(target), listing(tmp));
    }

    @Test
    void saveAfterCloseWritesNothing() {
        Policy policy = ModelFixtures.policy(55);
        policy.close();
        Path target = tmp.resolve("closed.safetensors");
        assertThrows(IllegalStateException.class, () -> policy.save(target));
        assertFalse(Files.exists(target));
    }

    @Test
    void differentSeedsGiveDifferentWeights() throws IOException {
        Path a = tmp.resolve("a.safetensors");
        Path b = tmp.resolve("b.safetensors");
        try (Policy p = ModelFixtures.policy(61); Policy q = ModelFixtures.policy(62)) {
            p.save(a);
            q.save(b);
        }
        assertNotEquals(Arrays.hashCode(Files.readAllBytes(a)), Arrays.hashCode(Files.readAllBytes(b)));
        try (Policy again = ModelFixtures.policy(61)) {
            Path c = tmp.resolve("c.safetensors");
            again.save(c);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(c), "same seed, same weights");
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
