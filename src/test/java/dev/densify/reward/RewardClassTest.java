package dev.densify.reward;

import dev.densify.attribution.RewardFunction;
import dev.densify.text.Tokenizer;
import dev.densify.text.WordTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RewardClassTest {

    private static final WordTokenizer WORDS = WordTokenizer.of(List.of("good", "bad"), 16);

    /** Scores the count of "good" in the decoded row. */
    public static final class WithTokenizer implements RewardFunction {
        final Tokenizer tokenizer;

        public WithTokenizer(Tokenizer tokenizer) {
            this.tokenizer = tokenizer;
        }

        public WithTokenizer() {
            throw new AssertionError("the tokenizer constructor comes first");
        }

        @Override
        public float[] score(int[][] ids, int[][] mask) {
            float[] out = new float[ids.length];
            for (int r = 0; r < ids.length; r++) {
                for (String w : tokenizer.decode(ids[r]).split(" ")) {
                    out[r] += w.equals("good") ? 1 : 0;
                }
            }
            return out;
        }
    }

    public static final class NoArguments implements RewardFunction {
        @Override
        public float[] score(int[][] ids, int[][] mask) {
            return new float[ids.length];
        }
    }

    public static final class Throws implements RewardFunction {
        public Throws() {
            throw new IllegalStateException("no model file");
        }

        @Override
        public float[] score(int[][] ids, int[][] mask) {
            return new float[0];
        }
    }

    public static final class OnlyAString implements RewardFunction {
        public OnlyAString(String s) {
        }

        @Override
        public float[] score(int[][] ids, int[][] mask) {
            return new float[0];
        }
    }

    public abstract static class Abstract implements RewardFunction {
    }

    public static final class NotAReward {
    }

    private static RewardFunction load(Class<?> type) {
        return RewardClass.instantiate(type.getName(), WORDS, RewardClassTest.class.getClassLoader());
    }

    @Test
    void constructsWithTheTokenizerElseWithNothing() {
        RewardFunction f = load(WithTokenizer.class);
        assertSame(WORDS, ((WithTokenizer) f).tokenizer);
        int[][] ids = {WORDS.encode("good bad good"), WORDS.encode("bad")};
        assertArrayEquals(new float[]{2, 0}, f.score(ids, ids));
        assertTrue(load(NoArguments.class) instanceof NoArguments);
    }

    @Test
    void badClassesAreNamed() {
        String[][] cases = {
                {"com.example.Missing", "is not on the class path"},
                {NotAReward.class.getName(), "does not implement"},
                {Abstract.class.getName(), "must be a public concrete class"},
                {OnlyAString.class.getName(), "needs a public constructor"},
                {Throws.class.getName(), "threw java.lang.IllegalStateException: no model file"}};
        for (String[] c : cases) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> RewardClass.instantiate(c[0], WORDS, RewardClassTest.class.getClassLoader()));
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains(c[0]), e.getMessage());
        }
    }
}
