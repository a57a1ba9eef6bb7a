package dev.densify.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.FormatException;
import dev.densify.engine.Json;
import dev.densify.engine.internal.MappedFiles;
import dev.densify.engine.internal.ModelCalls;
import dev.densify.text.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Checkpoints: safetensors files whose {@code __metadata__} holds
 * {@code {"format":"pt","densify.kind":"policy"|"reward","densify.config":"<config JSON>"}}.
 * A directory is read in Hugging Face layout: {@code model.safetensors} plus {@code config.json}.
 *
 * <p>Java reads only the safetensors header's metadata; the tensors are validated natively while
 * loading from a read-only memory map of the file (never copied into the Java heap). The model
 * configuration comes from, in order: an explicit {@link ModelConfig}, the metadata's
 * {@code densify.config}, the directory's {@code config.json}.
 *
 * <p>Errors: a path that does not exist or is not a checkpoint (e.g. a directory without
 * {@code model.safetensors}) → {@link IllegalArgumentException} naming the path; an unusable
 * file (corrupt header, bad metadata, wrong kind, no configuration, tensors that do not match)
 * → {@link FormatException} naming the path; other I/O failures → {@link UncheckedIOException}.
 * Saving is atomic: the file appears complete or not at all.
 *
 * <p>Stateless and thread-safe.
 */
public final class Checkpoint {

    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";
    public static final String KIND_KEY = "densify.kind";
    public static final String CONFIG_KEY = "densify.config";
    /** The safetensors reference implementation's limit. */
    private static final long MAX_HEADER_BYTES = 100_000_000;

    private Checkpoint() {
    }

    /**
     * What a checkpoint says about itself.
     *
     * @param weights  the safetensors file
     * @param metadata the header's {@code __metadata__} (empty if absent)
     * @param kind     from the metadata, if recorded
     * @param config   from the metadata or {@code config.json}, if either has one
     */
    public record Info(Path weights, Map<String, String> metadata, Optional<ModelKind> kind,
                       Optional<ModelConfig> config) {

        public Info {
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** Reads a checkpoint's metadata and configuration without loading its tensors. */
    public static Info inspect(Path path) {
        Objects.requireNonNull(path, "path");
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("checkpoint not found: " + path);
        }
        Path weights = path;
        Path configFile = null;
        if (Files.isDirectory(path)) {
            weights = path.resolve(WEIGHTS_FILE);
            if (!Files.isRegularFile(weights)) {
                throw new IllegalArgumentException("checkpoint directory " + path + " has no " + WEIGHTS_FILE);
            }
            configFile = path.resolve(CONFIG_FILE);
        } else if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("checkpoint is not a regular file: " + path);
        }
        Map<String, String> metadata = readMetadata(weights);

        ModelKind kind = null;
        String kindId = metadata.get(KIND_KEY);
        if (kindId != null) {
            try {
                kind = ModelKind.fromId(kindId);
            } catch (IllegalArgumentException e) {
                throw format(weights, "metadata " + KIND_KEY + ": " + e.getMessage());
            }
        }
        ModelConfig config = null;
        String configJson = metadata.get(CONFIG_KEY);
        if (configJson != null) {
            try {
                config = ModelConfig.parse(configJson, "metadata " + CONFIG_KEY);
            } catch (IllegalArgumentException e) {
                throw format(weights, e.getMessage());
            }
            // A config.json beside it must describe the same model: which of the two is meant is unknowable.
            if (configFile != null && Files.exists(configFile)) {
                ModelConfig beside;
                try {
                    beside = ModelConfig.read(configFile);
                } catch (IllegalArgumentException e) {
                    throw format(configFile, e.getMessage());
                }
                if (!beside.equals(config)) {
                    throw format(configFile, "describes " + beside + ", but the weights' metadata " + CONFIG_KEY
                            + " describes " + config + "; remove or correct one of them");
                }
            }
        } else if (configFile != null && Files.exists(configFile)) {
            try {
                config = ModelConfig.read(configFile);
            } catch (IllegalArgumentException e) {
                throw format(configFile, e.getMessage());
            }
        }
        return new Info(weights, metadata, Optional.ofNullable(kind), Optional.ofNullable(config));
    }

    /** The checkpoint at {@code path} checked for {@code kind}, with the configuration to load it with. */
    static Info resolve(Path path, ModelKind kind, ModelConfig override) {
        Info info = inspect(path);
        if (info.kind().isPresent() && info.kind().get() != kind) {
            throw format(info.weights(), "holds a " + info.kind().get().id() + " model, not a " + kind.id() + " model");
        }
        if (override == null && info.config().isEmpty()) {
            throw format(info.weights(), "no model configuration: the metadata has no " + CONFIG_KEY
                    + (Files.isDirectory(path) ? " and the directory has no " + CONFIG_FILE : "")
                    + "; pass a ModelConfig (or use a directory with " + CONFIG_FILE + ")");
        }
        ModelConfig config = override != null ? override : info.config().get();
        return new Info(info.weights(), info.metadata(), Optional.of(kind), Optional.of(config));
    }

    /** Loads a resolved checkpoint onto an already checked device. */
    static ModelCalls.Described load(Info resolved, String device, int scoreLabel) {
        return ModelCalls.load(resolved.kind().orElseThrow(), resolved.config().orElseThrow(), device,
                resolved.weights(), scoreLabel);
    }

    /** The metadata JSON written into checkpoints of this kind and configuration. */
    static String metadataJson(ModelKind kind, ModelConfig config) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("format", "pt");
        node.put(KIND_KEY, kind.id());
        node.put(CONFIG_KEY, config.toJson());
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /**
     * A Hugging Face model directory: weights written by {@code saveWeights}, {@code config.json},
     * the tokenizer files; built in a sibling folder and renamed into place.
     */
    static void writeDirectory(Path dir, ModelKind kind, ModelConfig config, List<Path> tokenizerFiles,
                               Model.SpecialIds tokens, Consumer<Path> saveWeights) {
        if (Files.exists(dir)) {
            throw new IllegalArgumentException("cannot write a model directory at " + dir + ": it exists");
        }
        for (Path f : tokenizerFiles) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("tokenizer file not found: " + f);
            }
            if (f.getFileName().toString().equals(WEIGHTS_FILE) || f.getFileName().toString().equals(CONFIG_FILE)) {
                throw new IllegalArgumentException("a tokenizer file cannot be named " + f.getFileName() + ": " + f);
            }
        }
        try {
            AtomicFiles.writeDirectory(dir, partial -> {
                saveWeights.accept(partial.resolve(WEIGHTS_FILE));
                Files.writeString(partial.resolve(CONFIG_FILE), huggingFaceConfig(kind, config, tokens));
                for (Path f : tokenizerFiles) {
                    Files.copy(f, partial.resolve(f.getFileName().toString()));
                }
            });
        } catch (IOException e) {
            throw io("cannot write model directory", dir, e);
        }
    }

    /**
     * The {@code config.json} transformers reads for a GPT-2 of this kind: the architecture's
     * keys with its defaults (tanh-GELU, tied embeddings), the sizes, the special ids.
     */
    static String huggingFaceConfig(ModelKind kind, ModelConfig config, Model.SpecialIds tokens) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.putArray("architectures").add(kind == ModelKind.POLICY ? "GPT2LMHeadModel" : "GPT2ForSequenceClassification");
        node.put("model_type", "gpt2");
        node.put("vocab_size", config.vocabSize());
        node.put("n_positions", config.nPositions());
        node.put("n_ctx", config.nPositions());
        node.put("n_embd", config.nEmbd());
        node.put("n_layer", config.nLayer());
        node.put("n_head", config.nHead());
        node.putNull("n_inner");
        node.put("activation_function", "gelu_new");
        node.put("layer_norm_epsilon", config.layerNormEpsilon());
        node.put("resid_pdrop", 0.1);
        node.put("embd_pdrop", 0.1);
        node.put("attn_pdrop", 0.1);
        node.put("initializer_range", 0.02);
        node.put("tie_word_embeddings", true);
        node.put("torch_dtype", "float32");
        if (kind == ModelKind.REWARD) {
            node.put("num_labels", 1);
        }
        if (tokens.bos() >= 0) {
            node.put("bos_token_id", tokens.bos());
        }
        if (tokens.eos() >= 0) {
            node.put("eos_token_id", tokens.eos());
        }
        if (tokens.pad() >= 0) {
            node.put("pad_token_id", tokens.pad());
        }
        try {
            return Json.pretty().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /** The header's {@code __metadata__}: 8-byte little-endian length, then that many bytes of JSON. */
    static Map<String, String> readMetadata(Path weights) {
        try (FileChannel channel = FileChannel.open(weights, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw format(weights, "file has " + size + " bytes, too few for a safetensors header");
            }
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, length, 0);
            long headerLength = length.getLong(0);
            if (headerLength < 2 || headerLength > size - 8 || headerLength > MAX_HEADER_BYTES) {
                throw format(weights, "safetensors header length " + Long.toUnsignedString(headerLength)
                        + " does not fit a file of " + size + " bytes (limit " + MAX_HEADER_BYTES
                        + "); not a safetensors file, or truncated");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(header.array());
            } catch (JsonProcessingException e) {
                throw format(weights, "safetensors header is not valid JSON: " + Json.excerpt(e.getOriginalMessage()));
            }
            if (root == null || !root.isObject()) {
                throw format(weights, "safetensors header is not a JSON object");
            }
            JsonNode node = root.get("__metadata__");
            Map<String, String> metadata = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return metadata;
            }
            if (!node.isObject()) {
                throw format(weights, "safetensors __metadata__ is not a JSON object");
            }
            for (var entry : node.properties()) {
                if (!entry.getValue().isTextual()) {
                    throw format(weights, "safetensors __metadata__ value of '" + entry.getKey() + "' is not a string");
                }
                metadata.put(entry.getKey(), entry.getValue().textValue());
            }
            return metadata;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("checkpoint not found: " + weights, e);
        } catch (IOException e) {
            throw io("cannot read checkpoint", weights, e);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static FormatException format(Path file, String detail) {
        return new FormatException("checkpoint", file + ": " + detail);
    }

    private static UncheckedIOException io(String what, Path path, IOException e) {
        return MappedFiles.io(what, path, e);
    }
}
