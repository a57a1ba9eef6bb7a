package dev.densify.task.reviews;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewGrammarTest {

    @Test
    void wellFormedReviewsParse() {
        for (String t : List.of(
                "the acting was not very good but the ending was masterful",
                "the acting in this film was not very good",
                "i watched it last night but it was a truly awful film",
                "i never really liked the ending and i did not enjoy the plot",
                "a superb film with a weak ending but the story ended very badly",
                "an utterly masterful film with an awful ending",
                "the plot was good and the ending was dull")) { // sentiment 0 is still well-formed
            assertTrue(ReviewGrammar.parses(t), t);
        }
    }

    @Test
    void malformedTextsDoNotParse() {
        for (String t : List.of(
                "",
                "the plot was dull",                                          // too short
                "the acting was not very good but the ending was",            // truncated
                "the acting was not very good but the ending was masterfull", // unknown word
                "the acting was not very good but the ending was <mask>",     // special token
                "The acting was not very good but the ending was masterful",  // case
                "the acting was not very good but the ending was masterful .",
                "the acting was not very good  but the ending was masterful", // double space
                " the acting was not very good but the ending was masterful",
                "the acting was not very good\tbut the ending was masterful",
                "a awful film with a weak ending and the plot was dull",      // article agreement
                "an superb film with a weak ending and the plot was dull",
                "good the acting was not very but the ending was masterful",  // word order
                "the acting was slightly not good but the ending was masterful",
                "the acting was good but the ending was dull and the plot was weak and the cast was bad")) { // 4 clauses
            assertFalse(ReviewGrammar.parses(t), t);
        }
        assertFalse(ReviewGrammar.parses((String) null));
        assertFalse(ReviewGrammar.parses((List<String>) null));
    }

    @Test
    void lengthLimitsAreEnforced() {
        String seven = "the acting in this film was good";
        assertEquals(7, seven.split(" ").length);
        assertFalse(ReviewGrammar.parses(seven));
        assertTrue(ReviewGrammar.parses("the acting in this film was very good"));
    }

    @Test
    void clausesAreCountedByConnectives() {
        assertEquals(1, ReviewGrammar.clauses(List.of("the acting in this film was very good".split(" "))));
        assertEquals(3, ReviewGrammar.clauses(List.of("i saw it and the plot was good but the cast was bad".split(" "))));
    }
}
