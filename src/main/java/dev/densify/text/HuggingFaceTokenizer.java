package dev.densify.text;

import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import dev.densify.engine.FormatException;
import dev.densify.engine.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Hugging Face {@code tokenizer.json} (GPT-2's byte-level BPE or any other model the Hugging
 * Face tokenizers library reads), run by that library (its Rust core, bundled in
 * {@code ai.djl.huggingface:tokenizers} for linux-x86_64; no network is used).
 *
 * <p>Encoding adds no special tokens, pads and truncates nothing. Decoding keeps special tokens;
 * bytes that do not form a whole UTF-8 character (a sampled response may stop inside an emoji)
 * decode to U+FFFD, as the library does. The vocabulary and the special tokens are read from
 * the file itself ({@code model.vocab}, {@code added_tokens}) and, in a model directory, from
 * {@code tokenizer_config.json} ({@code bos_token}, {@code eos_token}, {@code pad_token}, {@code mask_token},
 * {@code unk_token}) when it is there. Thread-safe; close it to free the native tokenizer early.
 */
public final class HuggingFaceTokenizer implements Tokenizer, AutoCloseable {

    public static final String FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "tokenizer_config.json";

    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer;
    private final Path source;
    private final String[] tokens;
    private final Map<String, Integer> ids;
    private final SpecialTokens specials;

    private HuggingFaceTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer, Path source,
                                 String[] tokens, Map<String, Integer> ids, SpecialTokens specials) {
        this.tokenizer = tokenizer;
        this.source = source;
        this.tokens = tokens;
        this.ids = ids;
        this.specials = specials;
    }

    /**
     * Loads {@code path}: a {@code tokenizer.json} file, or a directory holding one (and perhaps a
     * {@code tokenizer_config.json}).
     *
     * @throws IllegalArgumentException when there is no such file
     * @throws FormatException          when the file is not a tokenizer the library reads
     */
    public static HuggingFaceTokenizer load(Path path) {
        Objects.requireNonNull(path, "path");
        Path file = Files.isDirectory(path) ? path.resolve(FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(Files.isDirectory(path)
                    ? "tokenizer directory " + path + " has no " + FILE
                    : "tokenizer file not found: " + path);
        }
        String json;
        JsonNode root;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
            root = Json.MAPPER.readTree(json);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("tokenizer file not found: " + file, e);
        } catch (IOException e) {
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException p) {
                throw new FormatException("tokenizer", file + ": not valid JSON: " + p.getOriginalMessage());
            }
            throw new UncheckedIOException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
        Map<String, Integer> vocabulary = vocabulary(root, file);
        int size = 0;
        for (int id : vocabulary.values()) {
            size = Math.max(size, id + 1);
        }
        String[] byId = new String[size];
        vocabulary.forEach((token, id) -> byId[id] = token);
        JsonNode config = null;
        Path configFile = file.resolveSibling(CONFIG_FILE);
        if (Files.isRegularFile(configFile)) {
            try {
                config = Json.MAPPER.readTree(configFile.toFile());
            } catch (IOException e) {
                throw new FormatException("tokenizer", configFile + ": not valid JSON: " + e.getMessage());
            }
        }
        SpecialTokens specials = specialTokens(root, config, vocabulary);
        ai.djl.huggingface.tokenizers.HuggingFaceTokenizer native_;
        // The library would otherwise report usage to its vendor when it runs on EC2.
        System.setProperty("OPT_OUT_TRACKING", "true");
        try {
            native_ = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(
                    new java.io.ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    Map.of("addSpecialTokens", "false", "padding", "false", "truncation", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new FormatException("tokenizer", file + ": the Hugging Face tokenizers library cannot read it ("
                    + e.getMessage() + ")");
        }
        return new HuggingFaceTokenizer(native_, file, byId, vocabulary, specials);
    }

    private static Map<String, Integer> vocabulary(JsonNode root, Path file) {
        if (root == null || !root.isObject()) {
            throw new FormatException("tokenizer", file + ": not a tokenizer.json (not a JSON object)");
        }
        JsonNode vocab = root.path("model").path("vocab");
        Map<String, Integer> out = new HashMap<>();
        if (vocab.isObject()) {
            vocab.properties().forEach(e -> out.put(e.getKey(), e.getValue().asInt(-1)));
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...]
            for (int i = 0; i < vocab.size(); i++) {
                out.put(vocab.get(i).path(0).asText(), i);
            }
        } else {
            throw new FormatException("tokenizer", file + ": no model.vocab");
        }
        for (JsonNode added : root.path("added_tokens")) {
            out.put(added.path("content").asText(), added.path("id").asInt(-1));
        }
        for (Map.Entry<String, Integer> e : out.entrySet()) {
            if (e.getValue() < 0) {
                throw new FormatException("tokenizer", file + ": token '" + e.getKey() + "' has no valid id");
            }
        }
        if (out.isEmpty()) {
            throw new FormatException("tokenizer", file + ": the vocabulary is empty");
        }
        return Map.copyOf(out);
    }

    private static SpecialTokens specialTokens(JsonNode root, JsonNode config, Map<String, Integer> vocabulary) {
        Map<String, Integer> found = new HashMap<>();
        String[][] names = {
                {"bos", "<|endoftext|>", "<s>", "<bos>", "[CLS]"},
                {"eos", "<|endoftext|>", "</s>", "<eos>", "[SEP]"},
                {"pad", "<pad>", "[PAD]", "<|pad|>"},
                {"unk", "<unk>", "[UNK]", "<|unk|>"},
                {"mask", "<mask>", "[MASK]"}};
        for (String[] role : names) {
            String configured = config == null ? null : tokenText(config.get(role[0] + "_token"));
            if (configured != null && vocabulary.containsKey(configured)) {
                found.put(role[0], vocabulary.get(configured));
                continue;
            }
            for (int k = 1; k < role.length; k++) {
                if (isSpecial(root, role[k]) && vocabulary.containsKey(role[k])) {
                    found.put(role[0], vocabulary.get(role[k]));
                    break;
                }
            }
        }
        return new SpecialTokens(found.getOrDefault("bos", -1), found.getOrDefault("eos", -1),
                found.getOrDefault("pad", -1), found.getOrDefault("unk", -1), found.getOrDefault("mask", -1));
    }

    /** A tokenizer_config.json token: a string or {"content": ...}. */
    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isTextual() ? node.textValue() : node.path("content").asText(null);
    }

    private static boolean isSpecial(JsonNode root, String content) {
        for (JsonNode added : root.path("added_tokens")) {
            if (content.equals(added.path("content").asText()) && added.path("special").asBoolean(false)) {
                return true;
            }
        }
        return false;
    }

    /** The file this tokenizer was read from. */
    public Path source() {
        return source;
    }

    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        // Ids alone: the spans' conversion to UTF-16 is the larger part of encodeWithOffsets.
        long[] raw = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = Math.toIntExact(raw[i]);
        }
        return out;
    }

    @Override
    public Encoding encodeWithOffsets(String text) {
        Objects.requireNonNull(text, "text");
        ai.djl.huggingface.tokenizers.Encoding e = tokenizer.encode(text, false, false);
        long[] raw = e.getIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int[] utf16 = codePointsToUtf16(text);
        int[] out = new int[raw.length];
        int[] starts = new int[raw.length];
        int[] ends = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = Math.toIntExact(raw[i]);
            CharSpan span = spans == null || i >= spans.length ? null : spans[i];
            if (span == null) {
                starts[i] = i == 0 ? 0 : ends[i - 1];
                ends[i] = starts[i];
            } else {
                starts[i] = utf16[Math.min(span.getStart(), utf16.length - 1)];
                ends[i] = utf16[Math.min(span.getEnd(), utf16.length - 1)];
            }
        }
        return new Encoding(out, starts, ends);
    }

    /**
     * For each code-point offset of {@code text} (and its end), the UTF-16 index: the library's
     * offsets count Unicode scalar values, Java's strings UTF-16 units.
     */
    private static int[] codePointsToUtf16(String text) {
        int[] map = new int[text.codePointCount(0, text.length()) + 1];
        int k = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            map[k++] = i;
        }
        map[k] = text.length();
        return map;
    }

    @Override
    public String decode(int[] ids) {
        Objects.requireNonNull(ids, "ids");
        long[] raw = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= tokens.length || tokens[ids[i]] == null) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i
                        + " is not in the vocabulary of " + source + " (" + tokens.length + " ids)");
            }
            raw[i] = ids[i];
        }
        return tokenizer.decode(raw, false);
    }

    @Override
    public int vocabularySize() {
        return tokens.length;
    }

    @Override
    public String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (" + tokens.length + " ids)");
        }
        return tokens[id];
    }

    /** The id of a token string, or -1. */
    public int id(String token) {
        return ids.getOrDefault(Objects.requireNonNull(token, "token"), -1);
    }

    @Override
    public SpecialTokens specialTokens() {
        return specials;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "HuggingFaceTokenizer[" + source + ", " + tokens.length + " ids]";
    }
}
