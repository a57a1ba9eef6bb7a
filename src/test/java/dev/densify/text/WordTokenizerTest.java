package dev.densify.text;

import dev.densify.task.reviews.Review;
import dev.densify.task.reviews.ReviewGenerator;
import dev.densify.task.reviews.ReviewLexicon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordTokenizerTest {

    private final WordTokenizer tok = ReviewLexicon.tokenizer();

    @Test
    void specialIdsAreFixedAndWordsSorted() {
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "<mask>"), tok.tokens().subList(0, 5));
        assertEquals(0, tok.id(WordTokenizer.PAD_TOKEN));
        assertEquals(4, tok.id(WordTokenizer.MASK_TOKEN));
        List<String> words = tok.tokens().subList(WordTokenizer.FIRST_WORD, tok.vocabularySize());
        List<String> sorted = new ArrayList<>(words);
        sorted.sort(null);
        assertEquals(sorted, words);
        assertEquals(ReviewLexicon.words().size() + 5, tok.vocabularySize());
        assertEquals(42, tok.maxLength());
        // the order the words come in does not matter
        WordTokenizer a = WordTokenizer.of(List.of("film", "good", "the"), 10);
        WordTokenizer b = WordTokenizer.of(List.of("the", "film", "good", "film"), 10);
        assertEquals(a.tokens(), b.tokens());
        assertEquals(5, a.id("film"));
    }

    @Test
    void roundTripOfGeneratedReviews() {
        for (Review r : new ReviewGenerator(3).next(500)) {
            int[] ids = tok.encode(r.text());
            assertEquals(r.words().size(), ids.length);
            for (int id : ids) {
                assertTrue(id >= WordTokenizer.FIRST_WORD, r.text());
            }
            assertEquals(r.text(), tok.decode(ids));
            int[] framed = tok.encode(r.text(), true, true);
            assertEquals(WordTokenizer.BOS, framed[0]);
            assertEquals(WordTokenizer.EOS, framed[framed.length - 1]);
            assertEquals(r.text(), tok.decode(framed));
        }
    }

    @Test
    void unknownWordsAndSpecialStrings() {
        int[] ids = tok.encode("  the  flibbertigibbet was\t<mask> Good\n");
        assertArrayEquals(new int[] {tok.id("the"), WordTokenizer.UNK, tok.id("was"), WordTokenizer.MASK, WordTokenizer.UNK}, ids);
        assertEquals("the <unk> was <mask> <unk>", tok.decode(ids));
        assertEquals("good", tok.decode(new int[] {0, 1, tok.id("good"), 2, 0, 0}));
        assertEquals("", tok.decode(new int[0]));
    }

    @Test
    void badInputIsNamed() {
        NullPointerException npe = assertThrows(NullPointerException.class, () -> tok.encode(null));
        assertEquals("text is null", npe.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.encode("   "));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tok.encode("good ".repeat(43)));
        assertTrue(e.getMessage().contains("43") && e.getMessage().contains("42"), e.getMessage());
        tok.encode("good ".repeat(42));
        e = assertThrows(IllegalArgumentException.class, () -> tok.encode("good ".repeat(41), true, true));
        assertTrue(e.getMessage().contains("43") && e.getMessage().contains("42"), e.getMessage());
        int n = tok.vocabularySize();
        e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {7, n}));
        assertEquals("token id " + n + " at position 1 is out of range [0, " + n + ")", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {-3}));
        assertTrue(e.getMessage().contains("-3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.token(n));
        assertThrows(NullPointerException.class, () -> tok.decode(null));
        e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.of(List.of("good", "bad word"), 5));
        assertTrue(e.getMessage().contains("bad word"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.of(List.of("<mask>"), 5));
        assertTrue(e.getMessage().contains("special"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.of(List.of("good"), 0));
        assertTrue(e.getMessage().contains("maxLength"), e.getMessage());
    }

    @Test
    void saveLoadRoundTrip(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("sub/tokenizer.json");
        tok.save(file);
        WordTokenizer back = WordTokenizer.load(file);
        assertEquals(tok.tokens(), back.tokens());
        assertEquals(tok.maxLength(), back.maxLength());
        String text = "the acting was not very good but the ending was masterful";
        assertArrayEquals(tok.encode(text, true, true), back.encode(text, true, true));
        tok.save(file); // overwrite in place
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no temporary file is left behind");
        }
    }

    @Test
    void loadRejectsOtherFilesNamingThem(@TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("missing.json");
        IOException e = assertThrows(IOException.class, () -> WordTokenizer.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        Path garbage = tmp.resolve("garbage.json");
        Files.writeString(garbage, "{not json");
        e = assertThrows(IOException.class, () -> WordTokenizer.load(garbage));
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
        Path other = tmp.resolve("other.json");
        Files.writeString(other, "{\"format\":\"densify-word-tokenizer\",\"version\":1,\"maxLength\":5,"
                + "\"tokens\":[\"<pad>\",\"<bos>\",\"<eos>\",\"<unk>\",\"<mask>\",\"zebra\",\"apple\"]}");
        e = assertThrows(IOException.class, () -> WordTokenizer.load(other));
        assertTrue(e.getMessage().contains("sorted"), e.getMessage());
        Files.writeString(other, "{\"format\":\"densify-word-tokenizer\",\"version\":1,\"maxLength\":5,"
                + "\"tokens\":[\"<bos>\",\"<pad>\",\"<eos>\",\"<unk>\",\"<mask>\"]}");
        e = assertThrows(IOException.class, () -> WordTokenizer.load(other));
        assertTrue(e.getMessage().contains("specials"), e.getMessage());
    }
}
