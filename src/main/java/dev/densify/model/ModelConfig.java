package dev.densify.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * GPT-2 hyperparameters, as in a Hugging Face {@code config.json}. Immutable; validated on
 * construction.
 *
 * @param vocabSize        tokens in the vocabulary
 * @param nPositions       context length (learned positions)
 * @param nEmbd            embedding width; divisible by {@code nHead}
 * @param nLayer           transformer blocks
 * @param nHead            attention heads per block
 * @param layerNormEpsilon LayerNorm epsilon (GPT-2: 1e-5)
 */
public record ModelConfig(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead, double layerNormEpsilon) {

    public static final double DEFAULT_LAYER_NORM_EPSILON = 1e-5;


    public ModelConfig {
        positive("vocab_size", vocabSize);
        positive("n_positions", nPositions);
        positive("n_embd", nEmbd);
        positive("n_layer", nLayer);
        positive("n_head", nHead);
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException(
                    "n_embd (" + nEmbd + ") must be divisible by n_head (" + nHead + ")");
        }
        if (!(layerNormEpsilon > 0) || !Double.isFinite(layerNormEpsilon)) {
            throw new IllegalArgumentException(
                    "layer_norm_epsilon must be finite and > 0, got " + layerNormEpsilon);
        }
    }

    /** A configuration with GPT-2's LayerNorm epsilon. */
    public ModelConfig(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead) {
        this(vocabSize, nPositions, nEmbd, nLayer, nHead, DEFAULT_LAYER_NORM_EPSILON);
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + value);
        }
    }

    /**
     * Reads a Hugging Face GPT-2 {@code config.json}.
     *
     * @throws IllegalArgumentException when the file is missing, is not JSON, or a key is missing,
     *                                  ill-typed or out of range (the message names the key and file)
     * @throws UncheckedIOException     on other I/O failures
     */
    public static ModelConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("model config not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model config " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses a Hugging Face GPT-2 config: keys {@code vocab_size}, {@code n_positions} (or
     * {@code n_ctx}), {@code n_embd}, {@code n_layer}, {@code n_head}, optional
     * {@code layer_norm_epsilon}; other keys (dropouts, architectures, ...) are ignored.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public static ModelConfig parse(String json) {
        return parse(json, "model config");
    }

    static ModelConfig parse(String json, String source) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": expected a JSON object");
        }
        JsonNode type = root.get("model_type");
        if (type != null && !"gpt2".equals(type.asText())) {
            throw new IllegalArgumentException(source + ": model_type is '" + type.asText() + "', but densify runs "
                    + "GPT-2 (model_type gpt2) natively; use a reward model of another architecture as TorchScript "
                    + "(torch.jit.trace it and give the .pt file to --reward-model), by serving it (--reward-url) or "
                    + "from a Java RewardFunction (--reward-class)");
        }
        String positions = root.has("n_positions") || !root.has("n_ctx") ? "n_positions" : "n_ctx";
        try {
            return new ModelConfig(
                    integer(root, "vocab_size", source),
                    integer(root, positions, source),
                    integer(root, "n_embd", source),
                    integer(root, "n_layer", source),
                    integer(root, "n_head", source),
                    root.has("layer_norm_epsilon") ? number(root, "layer_norm_epsilon", source)
                            : DEFAULT_LAYER_NORM_EPSILON);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(source)) {
                throw e;
            }
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static int integer(JsonNode root, String key, String source) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException(source + ": missing key '" + key + "'");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new IllegalArgumentException(source + ": key '" + key + "' must be an integer, got " + node);
        }
        return node.intValue();
    }

    private static double number(JsonNode root, String key, String source) {
        JsonNode node = root.get(key);
        if (node == null || !node.isNumber()) {
            throw new IllegalArgumentException(source + ": key '" + key + "' must be a number, got " + node);
        }
        return node.doubleValue();
    }

    /**
     * The parameters a model of this configuration has (a policy's value head included; a reward
     * model's one-row head is one fewer), −1 when the count overflows a long: what memory a
     * configuration asks for before anything is allocated.
     */
    public long parameterCount() {
        long e = nEmbd;
        long perLayer = dev.densify.engine.MemoryBudget.product(12, e, e);
        long[] parts = {dev.densify.engine.MemoryBudget.product(vocabSize, e),
                dev.densify.engine.MemoryBudget.product(nPositions, e),
                perLayer < 0 ? -1 : dev.densify.engine.MemoryBudget.product(nLayer, perLayer + 13 * e), 3 * e + 1};
        long sum = 0;
        for (long part : parts) {
            if (part < 0 || sum > Long.MAX_VALUE - part) {
                return -1;
            }
            sum += part;
        }
        return sum;
    }

    /** This configuration as a Hugging Face GPT-2 {@code config.json} (one line). */
    public String toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("model_type", "gpt2");
        node.put("vocab_size", vocabSize);
        node.put("n_positions", nPositions);
        node.put("n_embd", nEmbd);
        node.put("n_layer", nLayer);
        node.put("n_head", nHead);
        node.put("layer_norm_epsilon", layerNormEpsilon);
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
