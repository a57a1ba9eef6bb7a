package dev.densify.task.reviews;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewGeneratorTest {

    @Test
    void sameSeedSameReviewsDifferentSeedDifferent() {
        List<Review> a = new ReviewGenerator(42).next(200);
        List<Review> b = new ReviewGenerator(42).next(200);
        List<Review> c = new ReviewGenerator(43).next(200);
        assertEquals(a, b);
        assertNotEquals(a, c);
        long same = 0;
        for (int i = 0; i < a.size(); i++) {
            same += a.get(i).text().equals(c.get(i).text()) ? 1 : 0;
        }
        assertTrue(same < 5, same + " identical texts at the same index for different seeds");
    }

    @Test
    void reviewsAreWellFormedBalancedAndNeverTies() {
        List<Review> reviews = new ReviewGenerator(2024).next(2000);
        int positive = 0;
        int[] clauseCounts = new int[ReviewGrammar.MAX_CLAUSES + 1];
        for (Review r : reviews) {
            List<String> w = r.words();
            assertTrue(w.size() >= 8 && w.size() <= 40, r.text());
            assertEquals(String.join(" ", w), r.text());
            assertTrue(r.text().matches("[a-z]+( [a-z]+)*"), r.text());
            int clauses = ReviewGrammar.clauses(w);
            assertTrue(clauses >= 1 && clauses <= 3, r.text());
            clauseCounts[clauses]++;
            assertTrue(ReviewGrammar.parses(r.text()), r.text());
            assertNotEquals(0.0, r.sentiment(), r.text());
            assertEquals(SentimentFunction.sentiment(r.text()), r.sentiment(), 0.0);
            assertEquals(r.sentiment() > 0 ? 1 : 0, r.label());
            positive += r.label();
        }
        double share = positive / 2000.0;
        assertTrue(share > 0.35 && share < 0.65, "positive share " + share);
        for (int k = 1; k <= 3; k++) {
            assertTrue(clauseCounts[k] > 100, "only " + clauseCounts[k] + " reviews with " + k + " clauses");
        }
    }

    @Test
    void requestedLabelIsHonoured() {
        ReviewGenerator g = new ReviewGenerator(9);
        for (int i = 0; i < 200; i++) {
            assertTrue(g.next(true).sentiment() > 0);
            assertTrue(g.next(false).sentiment() < 0);
        }
    }

    @Test
    void reviewsUseContrastNegationAndIntensifiers() {
        // the phenomena attribution is scored on must actually occur
        int but = 0;
        int not = 0;
        int very = 0;
        for (Review r : new ReviewGenerator(77).next(1000)) {
            but += r.words().contains("but") ? 1 : 0;
            not += r.words().contains("not") || r.words().contains("never") ? 1 : 0;
            very += r.words().contains("very") || r.words().contains("barely") ? 1 : 0;
        }
        assertTrue(but > 200 && not > 200 && very > 50, "but=" + but + " not=" + not + " very=" + very);
    }

    @Test
    void badCountIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReviewGenerator(1).next(-1));
        assertTrue(e.getMessage().contains("-1"));
    }
}
