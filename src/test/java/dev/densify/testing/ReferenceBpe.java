package dev.densify.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level BPE written from its description (Radford et al. 2019; the encoder.py of
 * the GPT-2 release): bytes mapped to printable characters, the text split by GPT-2's pattern,
 * each piece merged by rank. Also trains merges on a corpus and writes the vocabulary and merges
 * as a Hugging Face {@code tokenizer.json}, so that the library can be checked against this
 * independent implementation on the same vocabulary.
 */
public final class ReferenceBpe {

    public static final String END_OF_TEXT = "<|endoftext|>";
    private static final Pattern PIECES = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        // Printable bytes stand for themselves; the others are shifted past 255, in byte order.
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (printable ? b : next++);
        }
    }

    private final Map<String, Integer> vocabulary;
    private final List<String[]> mergeList;
    private final Map<String, Integer> ranks;

    private ReferenceBpe(Map<String, Integer> vocabulary, List<String[]> merges) {
        this.vocabulary = vocabulary;
        this.mergeList = List.copyOf(merges);
        this.ranks = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            ranks.put(merges.get(i)[0] + " " + merges.get(i)[1], i);
        }
    }

    /** Merges learned greedily from {@code corpus} (most frequent adjacent pair first). */
    public static ReferenceBpe train(List<String> corpus, int mergeCount) {
        Map<List<String>, Integer> words = new LinkedHashMap<>();
        for (String text : corpus) {
            for (String piece : pieces(text)) {
                words.merge(symbols(piece), 1, Integer::sum);
            }
        }
        Map<String, Integer> vocabulary = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocabulary.put(String.valueOf(BYTE_TO_CHAR[b]), b);
        }
        List<String[]> merges = new ArrayList<>();
        for (int m = 0; m < mergeCount; m++) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (Map.Entry<List<String>, Integer> w : words.entrySet()) {
                List<String> s = w.getKey();
                for (int i = 0; i + 1 < s.size(); i++) {
                    counts.merge(s.get(i) + "\u0000" + s.get(i + 1), w.getValue(), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 1;
            for (Map.Entry<String, Integer> c : counts.entrySet()) {
                if (c.getValue() > bestCount || (c.getValue() == bestCount && best != null && c.getKey().compareTo(best) < 0)) {
                    best = c.getKey();
                    bestCount = c.getValue();
                }
            }
            if (best == null) {
                break;
            }
            String[] pair = best.split("\u0000", 2);
            merges.add(pair);
            vocabulary.putIfAbsent(pair[0] + pair[1], vocabulary.size());
            Map<List<String>, Integer> merged = new LinkedHashMap<>();
            for (Map.Entry<List<String>, Integer> w : words.entrySet()) {
                merged.merge(apply(w.getKey(), pair), w.getValue(), Integer::sum);
            }
            words = merged;
        }
        vocabulary.put(END_OF_TEXT, vocabulary.size());
        return new ReferenceBpe(vocabulary, merges);
    }

    private static List<String> apply(List<String> symbols, String[] pair) {
        List<String> out = new ArrayList<>(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            if (i + 1 < symbols.size() && symbols.get(i).equals(pair[0]) && symbols.get(i + 1).equals(pair[1])) {
                out.add(pair[0] + pair[1]);
                i++;
            } else {
                out.add(symbols.get(i));
            }
        }
        return out;
    }

    static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = PIECES.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static List<String> symbols(String piece) {
        List<String> out = new ArrayList<>();
        for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
            out.add(String.valueOf(BYTE_TO_CHAR[b & 0xFF]));
        }
        return out;
    }

    /** GPT-2's encoding of {@code text} (no special tokens). */
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        for (String piece : pieces(text)) {
            List<String> s = symbols(piece);
            while (s.size() > 1) {
                int bestRank = Integer.MAX_VALUE;
                int at = -1;
                for (int i = 0; i + 1 < s.size(); i++) {
                    Integer r = ranks.get(s.get(i) + " " + s.get(i + 1));
                    if (r != null && r < bestRank) {
                        bestRank = r;
                        at = i;
                    }
                }
                if (at < 0) {
                    break;
                }
                String[] pair = {s.get(at), s.get(at + 1)};
                s = apply(s, pair);
            }
            for (String symbol : s) {
                ids.add(vocabulary.get(symbol));
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    public int id(String token) {
        return vocabulary.get(token);
    }

    public int vocabularySize() {
        return vocabulary.size();
    }

    /** The byte-level form of one byte (e.g. 'Ġ' for a space). */
    public static char byteChar(int b) {
        return BYTE_TO_CHAR[b];
    }

    /** Writes GPT-2's tokenizer.json layout (byte-level pre-tokenizer and decoder, BPE model). */
    public void writeTokenizerJson(Path file) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode eot = added.addObject();
        eot.put("id", vocabulary.get(END_OF_TEXT));
        eot.put("content", END_OF_TEXT);
        eot.put("single_word", false);
        eot.put("lstrip", false);
        eot.put("rstrip", false);
        eot.put("normalized", true);
        eot.put("special", true);
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false));
        root.set("post_processor", byteLevel(true));
        root.set("decoder", byteLevel(true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        vocabulary.forEach((token, id) -> {
            if (!token.equals(END_OF_TEXT)) {
                vocab.put(token, id);
            }
        });
        ArrayNode merges = model.putArray("merges");
        for (String[] pair : mergeList) {
            merges.add(pair[0] + " " + pair[1]);
        }
        Files.writeString(file, Json.MAPPER.writeValueAsString(root));
    }

    private static ObjectNode byteLevel(boolean prefixSpace) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", prefixSpace);
        node.put("trim_offsets", true);
        node.put("use_regex", true);
        return node;
    }
}
