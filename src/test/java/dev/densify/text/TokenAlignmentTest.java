package dev.densify.text;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenAlignmentTest {

    /** A random tokenisation of a text of {@code n} characters: contiguous spans, some gaps, some empty. */
    private static Tokenizer.Encoding random(int n, Random rng) {
        List<int[]> spans = new ArrayList<>();
        int at = 0;
        while (at < n) {
            if (rng.nextInt(6) == 0) {
                at++; // a gap (whitespace no token covers)
                continue;
            }
            int len = rng.nextInt(8) == 0 ? 0 : 1 + rng.nextInt(5);
            int end = Math.min(n, at + len);
            spans.add(new int[]{at, end});
            at = Math.max(end, at + (len == 0 ? 0 : 1));
            if (len == 0) {
                at++;
            }
        }
        if (spans.isEmpty()) {
            spans.add(new int[]{0, n});
        }
        int[] ids = new int[spans.size()];
        int[] starts = new int[spans.size()];
        int[] ends = new int[spans.size()];
        for (int i = 0; i < spans.size(); i++) {
            starts[i] = spans.get(i)[0];
            ends[i] = spans.get(i)[1];
        }
        return new Tokenizer.Encoding(ids, starts, ends);
    }

    @Test
    void theTotalIsKeptForRandomTokenisations() {
        Random rng = new Random(3);
        for (int t = 0; t < 500; t++) {
            int n = 1 + rng.nextInt(80);
            Tokenizer.Encoding source = random(n, rng);
            Tokenizer.Encoding target = random(n, rng);
            double[] values = rng.doubles(source.size(), -2, 2).toArray();
            double[] mapped = TokenAlignment.map(values, source, target);
            assertEquals(target.size(), mapped.length);
            double a = 0;
            double b = 0;
            for (double v : values) {
                a += v;
            }
            for (double v : mapped) {
                b += v;
            }
            assertEquals(a, b, 1e-9);
        }
    }

    @Test
    void aTokenOverOneTargetPassesUnchangedAndOverlapsSplitByCharacters() {
        // text "abcdefgh": source [ab][cdef][gh], target [abc][def][gh]
        Tokenizer.Encoding source = new Tokenizer.Encoding(new int[3], new int[]{0, 2, 6}, new int[]{2, 6, 8});
        Tokenizer.Encoding target = new Tokenizer.Encoding(new int[3], new int[]{0, 3, 6}, new int[]{3, 6, 8});
        double[] mapped = TokenAlignment.map(new double[]{1.0, 4.0, 0.7}, source, target);
        // [ab] inside [abc]; [cdef] shares 1 char with [abc], 3 with [def]; [gh] = [gh].
        assertArrayEquals(new double[]{1.0 + 1.0, 3.0, 0.7}, mapped, 1e-12);
        // A source token in a gap goes to the nearest target token.
        Tokenizer.Encoding gapped = new Tokenizer.Encoding(new int[2], new int[]{0, 5}, new int[]{2, 7});
        Tokenizer.Encoding nearSecond = new Tokenizer.Encoding(new int[1], new int[]{4}, new int[]{5});
        assertArrayEquals(new double[]{0, 2.5}, TokenAlignment.map(new double[]{2.5}, nearSecond, gapped), 1e-12);
        Tokenizer.Encoding midway = new Tokenizer.Encoding(new int[1], new int[]{3}, new int[]{4});
        assertArrayEquals(new double[]{2.5, 0}, TokenAlignment.map(new double[]{2.5}, midway, gapped), 1e-12);
    }

    @Test
    void realTokenizersOnOneText() {
        WordTokenizer words = WordTokenizer.of(List.of("the", "movie", "was", "great,", "truly!"), 32);
        String text = "the movie was great, truly!";
        Tokenizer.Encoding w = words.encodeWithOffsets(text);
        // A character-level tokenisation of the same text.
        int n = text.length();
        int[] starts = new int[n];
        int[] ends = new int[n];
        for (int i = 0; i < n; i++) {
            starts[i] = i;
            ends[i] = i + 1;
        }
        Tokenizer.Encoding chars = new Tokenizer.Encoding(new int[n], starts, ends);
        double[] perChar = new double[n];
        for (int i = 0; i < n; i++) {
            perChar[i] = text.charAt(i) == ' ' ? 0.5 : 1;
        }
        double[] perWord = TokenAlignment.map(perChar, chars, w);
        // Each word gets its letters, the spaces go to the word before them (the nearer, earlier one).
        assertArrayEquals(new double[]{3 + 0.5, 5 + 0.5, 3 + 0.5, 6 + 0.5, 6}, perWord, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> TokenAlignment.map(new double[1], chars, w));
    }
}
