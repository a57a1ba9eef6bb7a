package dev.densify.text;

import dev.densify.engine.FormatException;
import dev.densify.testing.ReferenceBpe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Hugging Face tokenizers library on a GPT-2-style byte-level BPE that the test trains and
 * writes itself, against {@link ReferenceBpe} (GPT-2's algorithm in plain Java) on the same
 * vocabulary and merges.
 */
class HuggingFaceTokenizerTest {

    /** Multilingual text, emoji (with joiners and modifiers), digits, punctuation and odd whitespace. */
    static final List<String> CORPUS = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "I'm sure they'll say it's what we'd've done; you're right, I've seen it.",
            "Größe, Straße und Übermut — naïve café à la crème.",
            "Съешь же ещё этих мягких французских булок, да выпей чаю.",
            "日本語のテキストと中文文本，还有한국어 문장도 있습니다。",
            "مرحبا بالعالم، هذا نص عربي.",
            "Emoji: 😀 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 and ❤️ in a row😀😀.",
            "Numbers 12345 and 3.14159, version 2.0.1-rc3, price $1,299.99!",
            "tabs\tand\nnewlines\n\n  and   runs of    spaces   ",
            "   leading spaces, trailing spaces   ",
            "Symbols: <>{}[]()#@&*^%~`|\\/ \"quoted\" 'single'",
            "mixedCASE camelCase snake_case kebab-case SCREAMING_CASE",
            "The the THE tHe. The, the; the: the!",
            "");

    private static Path dir;
    private static ReferenceBpe reference;
    private static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void trainAndWrite(@TempDir Path tmp) throws Exception {
        dir = tmp;
        List<String> training = new ArrayList<>(CORPUS);
        training.addAll(CORPUS); // frequent pairs repeat
        reference = ReferenceBpe.train(training, 400);
        reference.writeTokenizerJson(tmp.resolve(HuggingFaceTokenizer.FILE));
        tokenizer = HuggingFaceTokenizer.load(tmp);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void encodesAsGpt2sByteLevelBpe() {
        for (String text : CORPUS) {
            assertArrayEquals(reference.encode(text), tokenizer.encode(text), text);
        }
        // Texts the merges were not trained on, and random code points.
        Random rng = new Random(7);
        for (int t = 0; t < 200; t++) {
            String text = randomText(rng);
            assertArrayEquals(reference.encode(text), tokenizer.encode(text), text);
        }
    }

    @Test
    void decodeInvertsEncode() {
        Random rng = new Random(8);
        List<String> texts = new ArrayList<>(CORPUS);
        for (int t = 0; t < 200; t++) {
            texts.add(randomText(rng));
        }
        for (String text : texts) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text)), text);
        }
    }

    @Test
    void offsetsCoverTheText() {
        for (String text : CORPUS) {
            Tokenizer.Encoding e = tokenizer.encodeWithOffsets(text);
            int[] starts = e.starts();
            int[] ends = e.ends();
            boolean[] covered = new boolean[text.length()];
            for (int i = 0; i < e.size(); i++) {
                assertTrue(ends[i] <= text.length() && starts[i] <= ends[i], text + ": token " + i);
                assertTrue(i == 0 || starts[i] >= starts[i - 1], text + ": spans go backwards at " + i);
                for (int c = starts[i]; c < ends[i]; c++) {
                    covered[c] = true;
                }
                // A token whose bytes are whole characters decodes to the text it spans (less the
                // leading space that byte-level offsets trim).
                String decoded = tokenizer.decode(new int[]{e.ids()[i]});
                if (!decoded.contains("\uFFFD")) {
                    assertEquals(decoded.strip(), text.substring(starts[i], ends[i]).strip(), text + ": token " + i);
                }
            }
            for (int c = 0; c < text.length(); c++) {
                assertTrue(covered[c] || Character.isWhitespace(text.charAt(c)),
                        text + ": character " + c + " ('" + text.charAt(c) + "') lies in no token's span");
            }
        }
    }

    @Test
    void decodingAnyIdsNeverThrowsAndMarksBrokenBytes() {
        // The first byte of a four-byte character alone, then the whole character.
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
        int first = reference.id(String.valueOf(ReferenceBpe.byteChar(emoji[0] & 0xFF)));
        assertEquals("\uFFFD", tokenizer.decode(new int[]{first}));
        Random rng = new Random(9);
        for (int t = 0; t < 500; t++) {
            int[] ids = rng.ints(1 + rng.nextInt(12), 0, tokenizer.vocabularySize()).toArray();
            String text = tokenizer.decode(ids);
            assertTrue(text != null);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[]{1, tokenizer.vocabularySize()}));
        assertTrue(e.getMessage().contains("position 1"), e.getMessage());
    }

    @Test
    void vocabularyAndSpecialTokens() {
        assertEquals(reference.vocabularySize(), tokenizer.vocabularySize());
        int eot = reference.id(ReferenceBpe.END_OF_TEXT);
        assertEquals(eot, tokenizer.specialTokens().eos());
        assertEquals(eot, tokenizer.specialTokens().bos());
        assertEquals(-1, tokenizer.specialTokens().pad());
        assertEquals(ReferenceBpe.END_OF_TEXT, tokenizer.token(eot));
        assertEquals("Ġ", tokenizer.token(reference.id("Ġ")));
        assertArrayEquals(new int[]{eot}, tokenizer.encode(ReferenceBpe.END_OF_TEXT));
        assertEquals("a" + ReferenceBpe.END_OF_TEXT, tokenizer.decode(new int[]{reference.id("a"), eot}));
    }

    @Test
    void badFilesAreNamed(@TempDir Path tmp) throws Exception {
        var missing = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTokenizer.load(tmp));
        assertTrue(missing.getMessage().contains("has no tokenizer.json"), missing.getMessage());
        Files.writeString(tmp.resolve(HuggingFaceTokenizer.FILE), "{not json");
        var notJson = assertThrows(FormatException.class, () -> HuggingFaceTokenizer.load(tmp));
        assertTrue(notJson.getMessage().contains("not valid JSON"), notJson.getMessage());
        Files.writeString(tmp.resolve(HuggingFaceTokenizer.FILE), "{\"model\": {\"type\": \"BPE\"}}");
        var noVocab = assertThrows(FormatException.class, () -> HuggingFaceTokenizer.load(tmp));
        assertTrue(noVocab.getMessage().contains("model.vocab"), noVocab.getMessage());
        Files.writeString(tmp.resolve(HuggingFaceTokenizer.FILE), "{\"model\": {\"type\": \"Nonsense\", \"vocab\": {\"a\": 0}}}");
        var unreadable = assertThrows(FormatException.class, () -> HuggingFaceTokenizer.load(tmp));
        assertTrue(unreadable.getMessage().contains("cannot read it"), unreadable.getMessage());
    }

    private static String randomText(Random rng) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rng.nextInt(30);
        for (int i = 0; i < n; i++) {
            int kind = rng.nextInt(6);
            int cp = switch (kind) {
                case 0 -> ' ';
                case 1 -> 'a' + rng.nextInt(26);
                case 2 -> 0x4E00 + rng.nextInt(500);
                case 3 -> 0x1F600 + rng.nextInt(80);
                case 4 -> 0x20 + rng.nextInt(0x5F);
                default -> 0xC0 + rng.nextInt(0x200);
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
