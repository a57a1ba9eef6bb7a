package dev.densify.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Densify;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared helpers for the model tests: tiny configurations, an independent safetensors reader and
 * writer (written from the format specification, not from the engine's code), GPT-2 weights drawn
 * in Java, and a plain-Java GPT-2 forward used as the numeric reference.
 */
final class ModelFixtures {

    /** vocab 61, context 48, width 32, 2 layers, 4 heads, GPT-2's epsilon. */
    static final ModelConfig TINY = new ModelConfig(61, 48, 32, 2, 4);

    static final ObjectMapper JSON = new ObjectMapper();

    private ModelFixtures() {
    }

    /**
     * Runs a test class with one libtorch intra-op thread and restores the previous count after
     * it. The models here are tiny: on a loaded 2-core machine the intra-op pool's hand-offs make
     * each call 10-30x slower than running it on the calling thread.
     */
    static final class SingleThreaded implements BeforeAllCallback, AfterAllCallback {
        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SingleThreaded.class);

        @Override
        public void beforeAll(ExtensionContext context) {
            context.getStore(NAMESPACE).put("threads", Densify.threads());
            Densify.setThreads(1);
        }

        @Override
        public void afterAll(ExtensionContext context) {
            Integer previous = context.getStore(NAMESPACE).get("threads", Integer.class);
            if (previous != null) {
                Densify.setThreads(previous);
            }
        }
    }

    static Policy policy(long seed) {
        return Policy.create(TINY, "cpu", seed);
    }

    static RewardModel reward(long seed) {
        return RewardModel.create(TINY, "cpu", seed);
    }

    /** A policy with {@link #randomWeights} (scale 0.3), written to {@code dir} and loaded. */
    static Policy randomPolicy(Path dir, ModelConfig c, long seed) {
        return Policy.load(writeCheckpoint(dir.resolve("policy-" + seed + ".safetensors"), c, ModelKind.POLICY,
                randomWeights(c, ModelKind.POLICY, seed, 0.3), "F32"), "cpu");
    }

    /** A reward model with {@link #randomWeights} (scale 0.3), written to {@code dir} and loaded. */
    static RewardModel randomReward(Path dir, ModelConfig c, long seed) {
        return RewardModel.load(writeCheckpoint(dir.resolve("reward-" + seed + ".safetensors"), c, ModelKind.REWARD,
                randomWeights(c, ModelKind.REWARD, seed, 0.3), "F32"), "cpu");
    }

    /** {@code n} ids drawn uniformly from [0, vocab). */
    static int[] tokens(Random random, int n, int vocab) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextInt(vocab);
        }
        return out;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- assertions ----------------------------------------------------------------------

    static void assertClose(double expected, double actual, double tolerance, String what) {
        if (!(Math.abs(expected - actual) <= tolerance)) {
            fail(what + ": expected " + expected + " but was " + actual + " (|diff| " + Math.abs(expected - actual)
                    + " > " + tolerance + ")");
        }
    }

    static void assertArrayClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }

    /** Bit-for-bit equality of float arrays (so -0.0 differs from 0.0). */
    static void assertBitEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + "[" + i + "]: expected " + expected[i] + " but was " + actual[i] + " (not bit-identical)");
            }
        }
    }

    static void assertBitEqual(float[][] expected, float[][] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": rows");
        for (int i = 0; i < expected.length; i++) {
            assertBitEqual(expected[i], actual[i], what + "[" + i + "]");
        }
    }

    /** The model's full outputs on a fixed batch, to compare models bit for bit. */
    static void assertSameOutputs(Policy expected, Policy actual, TokenBatch batch) {
        PolicyOutput a = expected.forward(batch, ForwardOutputs.ALL);
        PolicyOutput b = actual.forward(batch, ForwardOutputs.ALL);
        assertBitEqual(a.logits(), b.logits(), "logits");
        assertBitEqual(a.values(), b.values(), "values");
        assertBitEqual(a.tokenLogprobs(), b.tokenLogprobs(), "token log-probs");
    }

    /** A fixed mixed batch (different lengths, right padded) for output comparisons. */
    static TokenBatch probeBatch(ModelConfig config, long seed) {
        Random random = new Random(seed);
        int[][] rows = new int[3][];
        int[] lengths = {config.nPositions() / 2, 5, 1};
        for (int i = 0; i < rows.length; i++) {
            rows[i] = tokens(random, Math.max(1, Math.min(lengths[i], config.nPositions())), config.vocabSize());
        }
        return TokenBatch.rightPadded(rows, 0);
    }

    // ---- log-softmax ---------------------------------------------------------------------

    /** log-softmax(logits[from, from + n) / temperature) in double. */
    static double[] logSoftmax(float[] logits, int from, int n, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[from + i] / temperature);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[from + i] / temperature - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = logits[from + i] / temperature - log;
        }
        return out;
    }

    // ---- GPT-2 tensors -------------------------------------------------------------------

    /** Hugging Face names ("transformer." prefixed, as GPT2LMHeadModel) and shapes of a model's weights. */
    static Map<String, long[]> shapes(ModelConfig c, ModelKind kind) {
        long v = c.vocabSize();
        long p = c.nPositions();
        long e = c.nEmbd();
        Map<String, long[]> out = new LinkedHashMap<>();
        out.put("transformer.wte.weight", new long[]{v, e});
        out.put("transformer.wpe.weight", new long[]{p, e});
        for (int l = 0; l < c.nLayer(); l++) {
            String h = "transformer.h." + l + ".";
            out.put(h + "ln_1.weight", new long[]{e});
            out.put(h + "ln_1.bias", new long[]{e});
            out.put(h + "attn.c_attn.weight", new long[]{e, 3 * e});
            out.put(h + "attn.c_attn.bias", new long[]{3 * e});
            out.put(h + "attn.c_proj.weight", new long[]{e, e});
            out.put(h + "attn.c_proj.bias", new long[]{e});
            out.put(h + "ln_2.weight", new long[]{e});
            out.put(h + "ln_2.bias", new long[]{e});
            out.put(h + "mlp.c_fc.weight", new long[]{e, 4 * e});
            out.put(h + "mlp.c_fc.bias", new long[]{4 * e});
            out.put(h + "mlp.c_proj.weight", new long[]{4 * e, e});
            out.put(h + "mlp.c_proj.bias", new long[]{e});
        }
        out.put("transformer.ln_f.weight", new long[]{e});
        out.put("transformer.ln_f.bias", new long[]{e});
        if (kind == ModelKind.POLICY) {
            out.put("v_head.summary.weight", new long[]{1, e});
            out.put("v_head.summary.bias", new long[]{1});
        } else {
            out.put("score.weight", new long[]{1, e});
        }
        return out;
    }

    static int numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /**
     * Every weight of a model drawn from {@code seed}: matrices normal(0, scale), LayerNorm gains
     * 1 + normal(0, 0.2), biases normal(0, 0.1) — all non-trivial, so a forward that ignored a
     * bias, a gain or a head's bias would not match.
     */
    static Map<String, float[]> randomWeights(ModelConfig c, ModelKind kind, long seed, double scale) {
        Random random = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (var e : shapes(c, kind).entrySet()) {
            String name = e.getKey();
            float[] w = new float[numel(e.getValue())];
            boolean layerNorm = name.contains(".ln_");
            boolean bias = name.endsWith(".bias");
            for (int i = 0; i < w.length; i++) {
                double g = random.nextGaussian();
                w[i] = (float) (layerNorm && !bias ? 1 + 0.2 * g : bias ? 0.1 * g : scale * g);
            }
            out.put(name, w);
        }
        return out;
    }

    /** The weights rounded to float16 (as floats), so that F16 and F32 files hold equal values. */
    static Map<String, float[]> roundedToF16(Map<String, float[]> weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> {
            float[] r = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
            }
            out.put(k, r);
        });
        return out;
    }

    /** The weights rounded (to nearest even) to bfloat16, as floats. */
    static Map<String, float[]> roundedToBf16(Map<String, float[]> weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> {
            float[] r = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = Float.intBitsToFloat((toBf16(v[i]) & 0xFFFF) << 16);
            }
            out.put(k, r);
        });
        return out;
    }

    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    // ---- safetensors ---------------------------------------------------------------------

    /** One tensor of a safetensors file: dtype, shape and raw little-endian bytes. */
    record Tensor(String dtype, long[] shape, byte[] data) {

        static Tensor f32(long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putFloat(v);
            }
            return new Tensor("F32", shape, b.array());
        }

        static Tensor f16(long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putShort(Float.floatToFloat16(v));
            }
            return new Tensor("F16", shape, b.array());
        }

        static Tensor bf16(long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putShort(toBf16(v));
            }
            return new Tensor("BF16", shape, b.array());
        }

        static Tensor i64(long[] shape, long[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) {
                b.putLong(v);
            }
            return new Tensor("I64", shape, b.array());
        }

        /** The values as floats (F32, F16 or BF16). */
        float[] floats() {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            return switch (dtype) {
                case "F32" -> {
                    float[] out = new float[data.length / 4];
                    b.asFloatBuffer().get(out);
                    yield out;
                }
                case "F16" -> {
                    float[] out = new float[data.length / 2];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.float16ToFloat(b.getShort(2 * i));
                    }
                    yield out;
                }
                case "BF16" -> {
                    float[] out = new float[data.length / 2];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
                    }
                    yield out;
                }
                default -> throw new IllegalStateException("not a float dtype: " + dtype);
            };
        }
    }

    /** A parsed safetensors file: its metadata and tensors, in header order. */
    record SafeTensors(Map<String, String> metadata, Map<String, Tensor> tensors, String headerJson,
                       long dataStart) {

        Map<String, float[]> floats() {
            Map<String, float[]> out = new LinkedHashMap<>();
            tensors.forEach((k, t) -> out.put(k, t.floats()));
            return out;
        }
    }

    /** Builds the tensors of a model from float weights, in the given dtype. */
    static Map<String, Tensor> tensors(Map<String, float[]> weights, ModelConfig c, ModelKind kind, String dtype) {
        Map<String, long[]> shapes = shapes(c, kind);
        Map<String, Tensor> out = new LinkedHashMap<>();
        weights.forEach((name, w) -> {
            long[] shape = shapes.get(name);
            if (shape == null) {
                throw new IllegalArgumentException("unknown weight " + name);
            }
            out.put(name, switch (dtype) {
                case "F32" -> Tensor.f32(shape, w);
                case "F16" -> Tensor.f16(shape, w);
                case "BF16" -> Tensor.bf16(shape, w);
                default -> throw new IllegalArgumentException(dtype);
            });
        });
        return out;
    }

    /** The {@code __metadata__} densify writes: format, kind and configuration JSON. */
    static Map<String, String> densifyMetadata(ModelKind kind, ModelConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put("densify.kind", kind.id());
        m.put("densify.config", c.toJson());
        return m;
    }

    /** A safetensors image: tensors laid out back to back in the given order. */
    static byte[] safetensors(Map<String, String> metadata, Map<String, Tensor> tensors) {
        return safetensors(metadata, tensors, header -> {
        });
    }

    /**
     * A safetensors image per the format specification: 8-byte little-endian header length, the
     * JSON header ({@code __metadata__} and, per tensor, dtype, shape and data_offsets relative to
     * the data section), padded with spaces to 8 bytes, then the raw data. {@code edit} may alter
     * the header (to corrupt it) after the offsets are computed.
     */
    static byte[] safetensors(Map<String, String> metadata, Map<String, Tensor> tensors, Consumer<ObjectNode> edit) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        List<byte[]> chunks = new ArrayList<>();
        for (var e : tensors.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode node = header.putObject(e.getKey());
            node.put("dtype", t.dtype());
            ArrayNode shape = node.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            node.putArray("data_offsets").add(offset).add(offset + t.data().length);
            offset += t.data().length;
            chunks.add(t.data());
        }
        edit.accept(header);
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        return image(padSpaces(json, padded), chunks);
    }

    private static byte[] padSpaces(byte[] json, int length) {
        byte[] out = Arrays.copyOf(json, length);
        Arrays.fill(out, json.length, length, (byte) ' ');
        return out;
    }

    /** 8-byte length + raw header bytes + data chunks. */
    static byte[] image(byte[] header, List<byte[]> chunks) {
        int total = 8 + header.length;
        for (byte[] c : chunks) {
            total += c.length;
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        for (byte[] c : chunks) {
            b.put(c);
        }
        return b.array();
    }

    /** Writes a policy or reward checkpoint file of these float weights, in F32, F16 or BF16. */
    static Path writeCheckpoint(Path file, ModelConfig c, ModelKind kind, Map<String, float[]> weights, String dtype) {
        try {
            Files.write(file, safetensors(densifyMetadata(kind, c), tensors(weights, c, kind, dtype)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Parses a safetensors file independently of the engine. */
    static SafeTensors readSafetensors(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = b.getLong(0);
        assertTrue(headerLength > 0 && headerLength <= bytes.length - 8, "header length " + headerLength);
        String headerJson = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        long dataStart = 8 + headerLength;
        JsonNode root;
        try {
            root = JSON.readTree(headerJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : root.properties()) {
            if (e.getKey().equals("__metadata__")) {
                e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().textValue()));
                continue;
            }
            JsonNode node = e.getValue();
            JsonNode shapeNode = node.get("shape");
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).longValue();
            }
            long begin = node.get("data_offsets").get(0).longValue();
            long end = node.get("data_offsets").get(1).longValue();
            byte[] data = Arrays.copyOfRange(bytes, (int) (dataStart + begin), (int) (dataStart + end));
            tensors.put(e.getKey(), new Tensor(node.get("dtype").textValue(), shape, data));
        }
        return new SafeTensors(metadata, tensors, headerJson, dataStart);
    }

    // ---- the reference GPT-2 -------------------------------------------------------------
}
