package dev.densify.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level tokenizer: one id per whitespace-separated word.
 *
 * <p>Ids are fixed: {@value #PAD} = {@value #PAD_TOKEN}, {@value #BOS} = {@value #BOS_TOKEN},
 * {@value #EOS} = {@value #EOS_TOKEN}, {@value #UNK} = {@value #UNK_TOKEN},
 * {@value #MASK} = {@value #MASK_TOKEN}; the vocabulary words follow in sorted (String natural)
 * order from id {@value #FIRST_WORD}, so the same word set always gives the same ids.
 *
 * <p>{@link #encode} splits on runs of whitespace and looks every piece up exactly (case
 * sensitive): unknown words become {@value #UNK}; the special tokens' own strings map to their
 * ids (so a text with {@value #MASK_TOKEN} in it encodes the mask). {@link #decode} joins with
 * single spaces and leaves out pad, bos and eos, so {@code decode(encode(t, true, true))} gives
 * back a text of known words. Encoded sequences, bos and eos included, may not exceed
 * {@link #maxLength()}. Instances are immutable and thread-safe.
 */
public final class WordTokenizer implements Tokenizer {

    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int UNK = 3;
    public static final int MASK = 4;
    /** The id of the first vocabulary word. */
    public static final int FIRST_WORD = 5;

    public static final String PAD_TOKEN = "<pad>";
    public static final String BOS_TOKEN = "<bos>";
    public static final String EOS_TOKEN = "<eos>";
    public static final String UNK_TOKEN = "<unk>";
    public static final String MASK_TOKEN = "<mask>";

    private static final List<String> SPECIALS = List.of(PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, UNK_TOKEN, MASK_TOKEN);
    private static final String FORMAT = "densify-word-tokenizer";
    private static final Pattern WORD = Pattern.compile("\\S+");
    private static final int VERSION = 1;

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int maxLength;

    private WordTokenizer(List<String> tokens, int maxLength) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>();
        for (int i = 0; i < this.tokens.size(); i++) {
            ids.put(this.tokens.get(i), i);
        }
        this.maxLength = maxLength;
    }

    /**
     * A tokenizer over a word set (duplicates are merged; order does not matter).
     *
     * @param words     the vocabulary: non-empty strings without whitespace, none a special token
     * @param maxLength the most tokens an encoded text may have, bos/eos included; at least 1
     * @throws IllegalArgumentException naming the offending word or limit
     */
    public static WordTokenizer of(Collection<String> words, int maxLength) {
        Objects.requireNonNull(words, "words is null");
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (String w : words) {
            if (w == null) {
                throw new IllegalArgumentException("vocabulary contains null");
            }
            validateWord(w);
            sorted.add(w);
        }
        List<String> tokens = new ArrayList<>(SPECIALS);
        tokens.addAll(sorted);
        return new WordTokenizer(tokens, maxLength);
    }

    private static void validateWord(String w) {
        if (w.isEmpty() || w.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("vocabulary word '" + w + "' is empty or contains whitespace");
        }
        if (SPECIALS.contains(w)) {
            throw new IllegalArgumentException("vocabulary word '" + w + "' is a special token");
        }
    }

    /** Encodes without bos or eos. */
    @Override
    public int[] encode(String text) {
        return encode(text, false, false);
    }

    /** Encodes without bos or eos; a word's span is the word. */
    @Override
    public Encoding encodeWithOffsets(String text) {
        int[] ids = encode(text);
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        Matcher word = WORD.matcher(text);
        for (int i = 0; i < ids.length && word.find(); i++) {
            starts[i] = word.start();
            ends[i] = word.end();
        }
        return new Encoding(ids, starts, ends);
    }

    @Override
    public SpecialTokens specialTokens() {
        return new SpecialTokens(BOS, EOS, PAD, UNK, MASK);
    }

    /**
     * Encodes a text.
     *
     * @throws NullPointerException     if text is null
     * @throws IllegalArgumentException if the text has no words, or more tokens than {@link #maxLength()}
     */
    public int[] encode(String text, boolean addBos, boolean addEos) {
        Objects.requireNonNull(text, "text is null");
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("text is empty (no words to encode)");
        }
        String[] words = t.split("\\s+");
        int n = words.length + (addBos ? 1 : 0) + (addEos ? 1 : 0);
        if (n > maxLength) {
            throw new IllegalArgumentException("text has " + n + " tokens" + (addBos || addEos ? " (with bos/eos)" : "")
                    + ", more than the limit of " + maxLength);
        }
        int[] out = new int[n];
        int k = 0;
        if (addBos) {
            out[k++] = BOS;
        }
        for (String w : words) {
            out[k++] = id(w);
        }
        if (addEos) {
            out[k] = EOS;
        }
        return out;
    }

    /**
     * Decodes ids to words joined by single spaces, leaving out pad, bos and eos.
     *
     * @throws IllegalArgumentException naming the first id outside {@code [0, vocabularySize())} and its position
     */
    @Override
    public String decode(int[] ids) {
        Objects.requireNonNull(ids, "ids is null");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= tokens.size()) {
                throw new IllegalArgumentException("token id " + id + " at position " + i
                        + " is out of range [0, " + tokens.size() + ")");
            }
            if (id == PAD || id == BOS || id == EOS) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(tokens.get(id));
        }
        return sb.toString();
    }

    /** The id of a token; {@value #UNK} for unknown words. */
    public int id(String token) {
        Integer id = ids.get(Objects.requireNonNull(token, "token is null"));
        return id == null ? UNK : id;
    }

    /** The token of an id. */
    @Override
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("token id " + id + " is out of range [0, " + tokens.size() + ")");
        }
        return tokens.get(id);
    }

    /** All tokens in id order (specials first). */
    public List<String> tokens() {
        return tokens;
    }

    /** Number of ids, special tokens included. */
    @Override
    public int vocabularySize() {
        return tokens.size();
    }

    /** The most tokens an encoded text may have, bos/eos included. */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Saves as JSON ({@code {"format","version","maxLength","tokens"}}), written to a temporary
     * file beside the target and moved into place, so a reader never sees half a file.
     */
    public void save(Path path) throws IOException {
        Objects.requireNonNull(path, "path is null");
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("maxLength", maxLength);
        ArrayNode arr = root.putArray("tokens");
        tokens.forEach(arr::add);
        byte[] bytes = Json.pretty().writeValueAsBytes(root);
        AtomicFiles.write(path, bytes);
    }

    /**
     * Writes this tokenizer in Hugging Face's form into {@code dir}: {@code tokenizer.json} (a
     * WordLevel model over the same ids, split on whitespace, the five specials as special added
     * tokens, so their strings in a text encode to them) and {@code tokenizer_config.json} naming
     * bos, eos, pad, unk and mask. The tokenizers library then encodes every text of known words
     * as {@link #encode(String)} does, and decodes ids to the words joined by spaces (specials
     * kept). It does not enforce {@link #maxLength()}.
     *
     * @return the files written
     */
    public List<Path> writeHuggingFace(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir is null");
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < SPECIALS.size(); id++) {
            ObjectNode t = added.addObject();
            t.put("id", id);
            t.put("content", SPECIALS.get(id));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "WhitespaceSplit");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(tokens.get(id), id);
        }
        model.put("unk_token", UNK_TOKEN);
        ObjectNode config = Json.MAPPER.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("bos_token", BOS_TOKEN);
        config.put("eos_token", EOS_TOKEN);
        config.put("pad_token", PAD_TOKEN);
        config.put("unk_token", UNK_TOKEN);
        config.put("mask_token", MASK_TOKEN);
        config.put("model_max_length", maxLength);
        Path tokenizer = dir.resolve(HuggingFaceTokenizer.FILE);
        Path tokenizerConfig = dir.resolve(HuggingFaceTokenizer.CONFIG_FILE);
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(tokenizer, Json.pretty().writeValueAsBytes(root));
        files.put(tokenizerConfig, Json.pretty().writeValueAsBytes(config));
        AtomicFiles.writeAll(files);
        return List.of(tokenizer, tokenizerConfig);
    }

    /** Whether {@code file} is a JSON object with this tokenizer's {@code format} (false if unreadable). */
    static boolean isWordTokenizer(Path file) {
        try {
            return FORMAT.equals(Json.MAPPER.readTree(file.toFile()).path("format").asText());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Loads a tokenizer written by {@link #save}.
     *
     * @throws IOException naming the file and the problem if it cannot be read or is not such a file
     */
    public static WordTokenizer load(Path path) throws IOException {
        Objects.requireNonNull(path, "path is null");
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new IOException("cannot read tokenizer " + path + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new IOException(path + " is not a densify word tokenizer (format must be '" + FORMAT + "')");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new IOException(path + ": unsupported tokenizer version " + root.path("version") + ", expected " + VERSION);
        }
        JsonNode max = root.path("maxLength");
        JsonNode arr = root.path("tokens");
        if (!max.isInt() || max.asInt() < 1 || !arr.isArray()) {
            throw new IOException(path + ": needs an integer maxLength ≥ 1 and a tokens array");
        }
        List<String> tokens = new ArrayList<>();
        for (JsonNode t : arr) {
            if (!t.isTextual()) {
                throw new IOException(path + ": token " + tokens.size() + " is not a string");
            }
            tokens.add(t.asText());
        }
        if (tokens.size() < SPECIALS.size() || !tokens.subList(0, SPECIALS.size()).equals(SPECIALS)) {
            throw new IOException(path + ": the first tokens must be the specials " + SPECIALS);
        }
        List<String> words = tokens.subList(SPECIALS.size(), tokens.size());
        try {
            WordTokenizer t = of(words, max.asInt());
            if (!t.tokens.equals(tokens)) {
                throw new IOException(path + ": vocabulary words must be unique and sorted");
            }
            return t;
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "WordTokenizer[vocabularySize=" + tokens.size() + ", maxLength=" + maxLength + "]";
    }
}
