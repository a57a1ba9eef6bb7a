package dev.densify.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Text to token ids and back. Two implementations: {@link WordTokenizer} (the built-in task's)
 * and {@link HuggingFaceTokenizer} (any {@code tokenizer.json}). Encoding adds no special
 * tokens; implementations are immutable and thread-safe.
 */
public interface Tokenizer {

    /**
     * Loads a tokenizer: a Hugging Face {@code tokenizer.json}, or a densify word tokenizer file
     * (JSON with {@code "format": "densify-word-tokenizer"}), or a directory holding either as
     * {@code tokenizer.json}.
     *
     * @throws IllegalArgumentException when the path holds neither
     */
    static Tokenizer load(Path path) {
        Objects.requireNonNull(path, "path");
        Path file = Files.isDirectory(path) ? path.resolve(HuggingFaceTokenizer.FILE) : path;
        if (Files.isRegularFile(file) && WordTokenizer.isWordTokenizer(file)) {
            try {
                return WordTokenizer.load(file);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return HuggingFaceTokenizer.load(path);
    }

    /** The tokenizer of {@code model}: the tokenizer.json inside a model directory, or beside a checkpoint file. */
    static Path besideModel(Path model) {
        return Files.isDirectory(model) ? model : model.toAbsolutePath().resolveSibling(HuggingFaceTokenizer.FILE);
    }

    /**
     * The tokenizer's files at {@code path} (as {@link #load} takes it): the tokenizer file, and
     * beside a Hugging Face one its {@code tokenizer_config.json} and {@code special_tokens_map.json}
     * where they exist. What a model directory carries to be complete.
     */
    static List<Path> files(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(HuggingFaceTokenizer.FILE) : path;
        List<Path> files = new ArrayList<>(List.of(file));
        if (!WordTokenizer.isWordTokenizer(file)) {
            for (String sibling : List.of(HuggingFaceTokenizer.CONFIG_FILE, "special_tokens_map.json")) {
                if (Files.isRegularFile(file.resolveSibling(sibling))) {
                    files.add(file.resolveSibling(sibling));
                }
            }
        }
        return List.copyOf(files);
    }

    /** The ids of {@code text}, no special tokens added. */
    int[] encode(String text);

    /** The ids of {@code text} and the characters each token covers. */
    Encoding encodeWithOffsets(String text);

    /**
     * The text of {@code ids}.
     *
     * @throws IllegalArgumentException naming the first id outside {@code [0, vocabularySize())}
     */
    String decode(int[] ids);

    /** Number of ids, special tokens included. */
    int vocabularySize();

    /** The token's own string (for byte-level BPE its byte-level form, e.g. "Ġthe"). */
    String token(int id);

    /** The special tokens, -1 where the tokenizer has none. */
    SpecialTokens specialTokens();

    /**
     * Token ids with the UTF-16 character span {@code [starts[i], ends[i])} of {@code text} that
     * token i came from. Tokens of one character split into several bytes share its span.
     */
    record Encoding(int[] ids, int[] starts, int[] ends) {

        public Encoding {
            Objects.requireNonNull(ids, "ids");
            Objects.requireNonNull(starts, "starts");
            Objects.requireNonNull(ends, "ends");
            if (starts.length != ids.length || ends.length != ids.length) {
                throw new IllegalArgumentException(ids.length + " ids but " + starts.length + " starts and "
                        + ends.length + " ends");
            }
            for (int i = 0; i < ids.length; i++) {
                if (starts[i] < 0 || ends[i] < starts[i]) {
                    throw new IllegalArgumentException("token " + i + " has the span [" + starts[i] + ", " + ends[i] + ")");
                }
            }
            ids = ids.clone();
            starts = starts.clone();
            ends = ends.clone();
        }

        public int size() {
            return ids.length;
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }

        @Override
        public int[] starts() {
            return starts.clone();
        }

        @Override
        public int[] ends() {
            return ends.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(starts, e.starts)
                    && Arrays.equals(ends, e.ends);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids) * 31 + Arrays.hashCode(starts);
        }

        @Override
        public String toString() {
            return "Encoding" + Arrays.toString(ids);
        }
    }

    /**
     * @param bos  begins a sequence
     * @param eos  ends a response (the stop token of generation)
     * @param pad  pads batches
     * @param unk  stands for unknown input
     * @param mask stands for a masked token (BERT's [MASK]; the built-in task's reward model is
     *             trained with it)
     */
    record SpecialTokens(int bos, int eos, int pad, int unk, int mask) {

        /**
         * The token that stands for one SHAP or LIME removes: the mask token (as shap's text masker
         * takes a tokenizer's), else pad, else eos, else unk; -1 for none.
         */
        public int removed() {
            return mask >= 0 ? mask : pad >= 0 ? pad : eos >= 0 ? eos : unk;
        }

        public SpecialTokens {
            for (int id : new int[]{bos, eos, pad, unk, mask}) {
                if (id < -1) {
                    throw new IllegalArgumentException("a special token id must be >= 0, or -1 for none; got " + id);
                }
            }
        }
    }
}
