package dev.densify.attribution;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.model.ModelConfig;
import dev.densify.model.RewardModel;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test helpers: small reward models with random weights drawn in Java (large enough that scores
 * vary clearly between coalitions), written as safetensors files from the format specification,
 * plus assertions.
 */
final class Fixtures {

    /** vocab 40, context 32, width 32, 2 layers, 4 heads. */
    static final ModelConfig SMALL = new ModelConfig(40, 32, 32, 2, 4);

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** A reward model whose weights are {@link #weights(ModelConfig, long)}, written to dir and loaded on the CPU. */
    static RewardModel reward(Path dir, ModelConfig config, long seed) {
        return RewardModel.load(write(dir.resolve("reward-" + seed + ".safetensors"), config, weights(config, seed)), "cpu");
    }

    /** Hugging Face names and shapes of a reward model's weights. */
    static Map<String, int[]> shapes(ModelConfig c) {
        int v = c.vocabSize();
        int p = c.nPositions();
        int e = c.nEmbd();
        Map<String, int[]> out = new LinkedHashMap<>();
        out.put("transformer.wte.weight", new int[]{v, e});
        out.put("transformer.wpe.weight", new int[]{p, e});
        for (int l = 0; l < c.nLayer(); l++) {
            String h = "transformer.h." + l + ".";
            out.put(h + "ln_1.weight", new int[]{e});
            out.put(h + "ln_1.bias", new int[]{e});
            out.put(h + "attn.c_attn.weight", new int[]{e, 3 * e});
            out.put(h + "attn.c_attn.bias", new int[]{3 * e});
            out.put(h + "attn.c_proj.weight", new int[]{e, e});
            out.put(h + "attn.c_proj.bias", new int[]{e});
            out.put(h + "ln_2.weight", new int[]{e});
            out.put(h + "ln_2.bias", new int[]{e});
            out.put(h + "mlp.c_fc.weight", new int[]{e, 4 * e});
            out.put(h + "mlp.c_fc.bias", new int[]{4 * e});
            out.put(h + "mlp.c_proj.weight", new int[]{4 * e, e});
            out.put(h + "mlp.c_proj.bias", new int[]{e});
        }
        out.put("transformer.ln_f.weight", new int[]{e});
        out.put("transformer.ln_f.bias", new int[]{e});
        out.put("score.weight", new int[]{1, e});
        return out;
    }

    /** Matrices normal(0, 0.3), LayerNorm gains 1 + normal(0, 0.2), biases normal(0, 0.1). */
    static Map<String, float[]> weights(ModelConfig c, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        shapes(c).forEach((name, shape) -> {
            float[] w = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            boolean layerNorm = name.contains(".ln_");
            boolean bias = name.endsWith(".bias");
            for (int i = 0; i < w.length; i++) {
                double g = random.nextGaussian();
                w[i] = (float) (layerNorm && !bias ? 1 + 0.2 * g : bias ? 0.1 * g : 0.3 * g);
            }
            out.put(name, w);
        });
        return out;
    }

    /** A safetensors file (F32, densify metadata) of these weights. */
    static Path write(Path file, ModelConfig c, Map<String, float[]> weights) {
        Map<String, int[]> shapes = shapes(c);
        ObjectNode header = JSON.createObjectNode();
        ObjectNode metadata = header.putObject("__metadata__");
        metadata.put("format", "pt");
        metadata.put("densify.kind", "reward");
        metadata.put("densify.config", c.toJson());
        long offset = 0;
        List<float[]> chunks = new ArrayList<>();
        for (var e : weights.entrySet()) {
            ObjectNode node = header.putObject(e.getKey());
            node.put("dtype", "F32");
            var shape = node.putArray("shape");
            for (int d : shapes.get(e.getKey())) {
                shape.add(d);
            }
            node.putArray("data_offsets").add(offset).add(offset + 4L * e.getValue().length);
            offset += 4L * e.getValue().length;
            chunks.add(e.getValue());
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        for (float[] chunk : chunks) {
            for (float f : chunk) {
                b.putFloat(f);
            }
        }
        try {
            Files.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** n ids drawn uniformly from [from, vocab). */
    static int[] tokens(Random random, int n, int from, int vocab) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = from + random.nextInt(vocab - from);
        }
        return out;
    }

    /** Sequences of the given {prompt, response} lengths: prompt ids from 0, response ids from 5. */
    static List<ScoredSequence> sequences(Random random, int vocab, int[][] shapes) {
        List<ScoredSequence> out = new ArrayList<>();
        for (int[] shape : shapes) {
            out.add(new ScoredSequence(tokens(random, shape[0], 0, vocab), tokens(random, shape[1], 5, vocab)));
        }
        return out;
    }

    /** Scores of a reward model as a {@link RewardFunction}. */
    static RewardFunction function(RewardModel model) {
        return (ids, mask) -> model.score(new dev.densify.model.TokenBatch(ids, mask));
    }

    static void assertClose(double expected, double actual, double tolerance, String what) {
        if (!(Math.abs(expected - actual) <= tolerance)) {
            fail(what + ": expected " + expected + " but was " + actual + " (|diff| " + Math.abs(expected - actual)
                    + " > " + tolerance + ")");
        }
    }

    static void assertArrayClose(double[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }

    static void assertArrayClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }

    /** Results equal up to tolerance in every number (values, full, baseline, diagnostic) and evaluations exactly. */
    static void assertSameResult(Attribution expected, Attribution actual, double tolerance, String what) {
        assertArrayClose(expected.values(), actual.values(), tolerance, what + " values");
        assertClose(expected.full(), actual.full(), tolerance, what + " full");
        assertClose(expected.baseline(), actual.baseline(), tolerance, what + " baseline");
        assertClose(expected.diagnostic(), actual.diagnostic(), Math.max(tolerance, 1e-6 * Math.abs(expected.diagnostic())),
                what + " diagnostic");
        assertEquals(expected.evaluations(), actual.evaluations(), what + " evaluations");
        assertEquals(expected.method(), actual.method(), what + " method");
    }

    static double maxAbsDiff(double[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
