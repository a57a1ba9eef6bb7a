package dev.densify.task.reviews;

import dev.densify.task.reviews.ReviewLexicon.Category;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SentimentFunctionTest {

    private static double s(String text) {
        return SentimentFunction.sentiment(text);
    }

    @Test
    void plainValences() {
        assertEquals(1.0, s("the acting was good"));
        assertEquals(2.0, s("the ending was masterful"));
        assertEquals(-1.0, s("the plot was dull"));
        assertEquals(-2.0, s("the score was awful"));
        assertEquals(0.0, s("i watched it last night"));
    }

    @Test
    void negatorsFlipTheNextSentimentWord() {
        assertEquals(-1.0, s("the acting was not good"));
        assertEquals(1.0, s("the acting was not bad"));
        assertEquals(2.0, s("the plot was never awful"));
        assertEquals(-2.0, s("i did not love the film"));
        assertEquals(1, SentimentFunction.label(s("the acting was not bad")));
        assertEquals(0, SentimentFunction.label(s("the acting was not good")));
    }

    @Test
    void intensifiersAndDiminishersScale() {
        assertEquals(1.5, s("the acting was very good"));
        assertEquals(0.5, s("the acting was barely good"));
        assertEquals(-3.0, s("it was a truly awful film"));
        assertEquals(-1.5, s("the acting was not very good"));
        assertEquals(2.25, s("the acting was really very good"));
        assertEquals(-0.25, s("the acting was not slightly somewhat good"));
    }

    @Test
    void contrastDoublesTheClauseAfterBut() {
        // 1 + 2·(−2)
        assertEquals(-3.0, s("the plot was good but the ending was awful"));
        assertEquals(0, SentimentFunction.label(s("the plot was good but the ending was awful")));
        // −1.5 + 2·2
        assertEquals(2.5, s("the acting was not very good but the ending was masterful"));
        // "and" resets the weight to 1: 1 + 2·1 + (−1)
        assertEquals(2.0, s("the plot was good but the cast was good and the score was dull"));
        assertEquals(-1.0, s("the score was awful and the plot was good"));
        // a contrast clause with two sentiment words: both doubled
        assertEquals(2 * (2 - 0.5), s("i saw it but a superb film with a slightly weak ending"));
    }

    @Test
    void modifiersBindOnlyDirectlyInFront() {
        assertEquals(1.0, s("not the good"));           // a neutral word ends the chain
        assertEquals(-1.0 + 1.0, s("not good good"));   // the first sentiment word consumes it
        assertEquals(1.0, s("not and good"));           // a connective ends it too
        assertEquals(0.0, s("very not"));               // a chain with no sentiment word after it counts nothing
    }

    @Test
    void maskIsAnOpaqueNeutralWordThatKeepsItsSlot() {
        assertEquals(1.0, s("the acting was not <mask> good"));  // the mask cuts "not" off "good"
        assertEquals(-1.0, s("the acting was <mask> not good"));
        assertEquals(0.0, s("the acting was not very <mask>"));   // masked sentiment word: nothing
        assertEquals(0.0, s("the acting was not very <mask> and the plot was <mask>"));
        // a masked "but" is no boundary: the earlier "but" is now the nearest connective
        assertEquals(-1.0, s("the plot was good <mask> the ending was awful"));
        assertEquals(1 + 2 * 1 + 2 * -1, s("the plot was good but the cast was good <mask> the score was dull"));
        assertEquals(1 + 2 * 1 - 1, s("the plot was good but the cast was good and the score was dull"));
        assertEquals(1.0, s("the acting was good <unk> zzz"));   // unknown words are neutral as well
    }

    @Test
    void tiesAndEmptyTextAreNegative() {
        assertEquals(0.0, s(""));
        assertEquals(0.0, s("the plot was good and the ending was dull"));
        assertEquals(0, SentimentFunction.label(0.0));
        assertEquals(1, SentimentFunction.label(0.25));
    }

    @Test
    void termsExplainTheSum() {
        List<SentimentFunction.Term> terms = SentimentFunction.terms(
                List.of("the acting was not very good but the ending was masterful".split(" ")));
        assertEquals(List.of(
                new SentimentFunction.Term(5, "good", 1, -1.5, 1.0),
                new SentimentFunction.Term(10, "masterful", 2, 1.0, 2.0)), terms);
    }

    @Test
    void badInputIsNamed() {
        assertThrows(NullPointerException.class, () -> SentimentFunction.sentiment((String) null));
        List<String> withNull = new ArrayList<>(List.of("good", "film"));
        withNull.add(null);
        NullPointerException e = assertThrows(NullPointerException.class, () -> SentimentFunction.sentiment(withNull));
        assertEquals("word 2 is null", e.getMessage());
    }

    /** The definition read literally: for each sentiment word look back for its chain and its nearest connective. */
    static double reference(List<String> w) {
        double total = 0;
        for (int i = 0; i < w.size(); i++) {
            Category c = ReviewLexicon.category(w.get(i)).orElse(null);
            if (c != Category.ADJECTIVE && c != Category.PAST_VERB && c != Category.BASE_VERB && c != Category.ADVERB) {
                continue;
            }
            double modifier = 1;
            for (int j = i - 1; j >= 0; j--) {
                Category m = ReviewLexicon.category(w.get(j)).orElse(null);
                if (m == Category.NOT || m == Category.NEVER) {
                    modifier *= -1;
                } else if (m == Category.INTENSIFIER) {
                    modifier *= 1.5;
                } else if (m == Category.DIMINISHER) {
                    modifier *= 0.5;
                } else {
                    break;
                }
            }
            double weight = 1;
            for (int j = i - 1; j >= 0; j--) {
                Category m = ReviewLexicon.category(w.get(j)).orElse(null);
                if (m == Category.AND || m == Category.BUT) {
                    weight = m == Category.BUT ? 2 : 1;
                    break;
                }
            }
            total += ReviewLexicon.valence(w.get(i)) * modifier * weight;
        }
        return total;
    }

    /** Word soup rich in the tokens that matter: sentiment words, modifiers, connectives, masks, unknowns. */
    static List<String> soup(SplittableRandom rng, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int kind = rng.nextInt(8);
            Category c = switch (kind) {
                case 0, 1 -> rng.nextBoolean() ? Category.ADJECTIVE : Category.ADVERB;
                case 2 -> rng.nextBoolean() ? Category.NOT : Category.NEVER;
                case 3 -> rng.nextBoolean() ? Category.INTENSIFIER : Category.DIMINISHER;
                case 4 -> rng.nextBoolean() ? Category.AND : Category.BUT;
                case 5 -> Category.NOUN;
                default -> null;
            };
            if (c != null) {
                List<String> words = ReviewLexicon.words(c);
                out.add(words.get(rng.nextInt(words.size())));
            } else {
                out.add(kind == 6 ? "<mask>" : rng.nextBoolean() ? "the" : "zzz");
            }
        }
        return out;
    }

    @Test
    void agreesWithTheLiteralDefinitionOnRandomSequences() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int k = 0; k < 5000; k++) {
            List<String> w = soup(rng, rng.nextInt(30));
            assertEquals(reference(w), SentimentFunction.sentiment(w), 0.0, () -> String.join(" ", w));
        }
        ReviewGenerator g = new ReviewGenerator(3);
        for (int k = 0; k < 2000; k++) {
            Review r = g.next();
            assertEquals(reference(r.words()), r.sentiment(), 0.0, r.text());
        }
    }
}
