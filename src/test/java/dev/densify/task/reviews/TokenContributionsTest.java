package dev.densify.task.reviews;

import dev.densify.task.reviews.ReviewLexicon.Category;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenContributionsTest {

    private static final double TOL = 1e-9;
    private static final Set<Category> ROLES = EnumSet.of(Category.ADJECTIVE, Category.PAST_VERB, Category.BASE_VERB,
            Category.ADVERB, Category.NOT, Category.NEVER, Category.INTENSIFIER, Category.DIMINISHER, Category.AND,
            Category.BUT);

    /** Shapley values by the textbook formula, written here independently: loop over every subset. */
    static double[] bruteForce(List<String> words, int p) {
        int m = words.size() - p;
        double[] fact = new double[m + 1];
        fact[0] = 1;
        for (int i = 1; i <= m; i++) {
            fact[i] = fact[i - 1] * i;
        }
        double[] v = new double[1 << m];
        for (int s = 0; s < v.length; s++) {
            List<String> x = new ArrayList<>(words.subList(0, p));
            for (int t = 0; t < m; t++) {
                x.add((s & (1 << t)) != 0 ? words.get(p + t) : "<mask>");
            }
            v[s] = SentimentFunction.sentiment(x);
        }
        double[] phi = new double[m];
        for (int i = 0; i < m; i++) {
            for (int s = 0; s < v.length; s++) {
                if ((s & (1 << i)) != 0) {
                    continue;
                }
                int size = Integer.bitCount(s);
                phi[i] += fact[size] * fact[m - size - 1] / fact[m] * (v[s | (1 << i)] - v[s]);
            }
        }
        return phi;
    }

    private static List<String> words(String text) {
        return List.of(text.split(" "));
    }

    @Test
    void handExamples() {
        // v = [good] + 0.5[good][very] − 3[good][very][not]
        TokenContributions.Result r = TokenContributions.shapley("the acting was not very good", 3);
        assertArrayEquals(new double[] {-1.0, -0.75, 0.25}, r.values(), TOL);
        assertEquals(-1.5, r.full());
        assertEquals(0.0, r.empty());
        // v = [good] − 2[awful] − 2[awful][but]
        assertArrayEquals(new double[] {1.0, -1.0, -3.0}, TokenContributions.shapley("good but awful", 0).values(), TOL);
        // prompt tokens are fixed: with "good but" in the prompt, awful alone carries −4
        assertArrayEquals(new double[] {-4.0}, TokenContributions.shapley("good but awful", 2).values(), TOL);
        // empty response
        TokenContributions.Result none = TokenContributions.shapley("the acting was good", 4);
        assertEquals(0, none.values().length);
        assertEquals(1.0, none.full());
        assertEquals(1.0, none.empty());
    }

    @Test
    void closedFormEqualsBruteForceOnGeneratedReviews() {
        SplittableRandom rng = new SplittableRandom(11);
        ReviewGenerator g = new ReviewGenerator(5);
        for (int k = 0; k < 300; k++) {
            List<String> w = g.next().words();
            int minP = Math.max(0, w.size() - 14);
            int p = minP + rng.nextInt(w.size() - minP + 1);
            check(w, p);
        }
    }

    @Test
    void closedFormEqualsBruteForceOnWordSoup() {
        // dense in modifiers, connectives, masks: long chains, several "but"s, chains crossing the prompt
        SplittableRandom rng = new SplittableRandom(12);
        for (int k = 0; k < 600; k++) {
            int n = 1 + rng.nextInt(20);
            List<String> w = SentimentFunctionTest.soup(rng, n);
            int minP = Math.max(0, n - 14);
            int p = k % 4 == 0 ? minP : minP + rng.nextInt(n - minP + 1); // every fourth at the largest M
            check(w, p);
        }
    }

    private static void check(List<String> w, int p) {
        TokenContributions.Result r = TokenContributions.shapley(w, p);
        double[] expected = bruteForce(w, p);
        String label = String.join(" ", w) + " | p=" + p;
        assertArrayEquals(expected, r.values(), TOL, label);
        assertEquals(r.full() - r.empty(), r.sum(), TOL, label);
        assertEquals(SentimentFunction.sentiment(w), r.full(), 0.0, label);
        // tokens with no role in the sentiment function are null players: exactly 0
        for (int t = 0; t < r.response().size(); t++) {
            if (!ReviewLexicon.category(r.response().get(t)).map(ROLES::contains).orElse(false)) {
                assertEquals(0.0, r.value(t), 0.0, label + " token " + t);
            }
        }
    }

    @Test
    void enumerationAgreesWithClosedFormUpTo18Tokens() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int k = 0; k < 40; k++) {
            List<String> w = SentimentFunctionTest.soup(rng, 10 + rng.nextInt(12));
            int p = Math.max(0, w.size() - 18) + rng.nextInt(3);
            assertArrayEquals(TokenContributions.enumerate(w, p).values(), TokenContributions.shapley(w, p).values(), TOL);
        }
    }

    @Test
    void efficiencyHoldsForLongResponses() {
        SplittableRandom rng = new SplittableRandom(14);
        for (int k = 0; k < 500; k++) {
            List<String> w = SentimentFunctionTest.soup(rng, 20 + rng.nextInt(60));
            int p = rng.nextInt(6);
            TokenContributions.Result r = TokenContributions.shapley(w, p);
            assertEquals(r.full() - r.empty(), r.sum(), TOL);
        }
        ReviewGenerator g = new ReviewGenerator(15);
        for (int k = 0; k < 500; k++) {
            Review review = g.next();
            TokenContributions.Result r = TokenContributions.shapley(review.words(), 2);
            assertEquals(review.sentiment() - r.empty(), r.sum(), TOL);
        }
    }

    @Test
    void resultIsAValue() {
        TokenContributions.Result a = TokenContributions.shapley("the acting was not very good", 3);
        TokenContributions.Result b = TokenContributions.shapley(words("the acting was not very good"), 3);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        double[] v = a.values();
        v[0] = 99;
        assertEquals(-1.0, a.value(0), TOL); // the accessor hands out a copy
        assertEquals(words("the acting was"), a.prompt());
        assertEquals(words("not very good"), a.response());
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenContributions.shapley("the acting was good", 5));
        assertTrue(e.getMessage().contains("prompt length 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenContributions.shapley("the acting was good", -1));
        assertThrows(NullPointerException.class, () -> TokenContributions.shapley((List<String>) null, 0));
        List<String> longText = SentimentFunctionTest.soup(new SplittableRandom(1), 30);
        e = assertThrows(IllegalArgumentException.class, () -> TokenContributions.enumerate(longText, 0));
        assertTrue(e.getMessage().contains("30 response tokens") || e.getMessage().contains("2^30"), e.getMessage());
    }
}
