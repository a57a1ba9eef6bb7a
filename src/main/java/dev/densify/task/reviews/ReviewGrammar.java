package dev.densify.task.reviews;

import dev.densify.task.reviews.ReviewLexicon.Category;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static dev.densify.task.reviews.ReviewLexicon.Category.*;

/**
 * The syntax of the review language: one set of productions that both generates reviews and
 * recognises them, so the two cannot drift apart.
 *
 * <h2>Productions</h2>
 * Upper-case names are {@link ReviewLexicon.Category categories} (any word of the category);
 * {@code X?} is optional.
 * <pre>
 *   review    = sent | neutral conn sent | sent conn sent
 *             | neutral conn sent conn sent | sent conn sent conn sent
 *   conn      = AND | BUT
 *   noun      = NOUN | FILM
 *   subject   = DETERMINER NOUN_MODIFIER? noun (PREPOSITION DETERMINER FILM)?
 *   object    = DETERMINER NOUN_MODIFIER? noun
 *   mod       = INTENSIFIER | DIMINISHER
 *   adjChain  = (NOT | NEVER) INTENSIFIER? | mod?
 *   verbChain = NEVER INTENSIFIER? | mod?
 *   sent      = subject COPULA adjChain ADJECTIVE                  "the acting in this film was not very good"
 *             | IT COPULA ARTICLE mod? ADJECTIVE noun (PREPOSITION DETERMINER FILM)?
 *                                                               "it was a truly awful film"
 *             | I verbChain PAST_VERB object                       "i never really liked the ending"
 *             | I DID NOT INTENSIFIER? BASE_VERB object            "i did not enjoy the plot"
 *             | subject NEUTRAL_VERB mod? ADVERB                   "the story ended very badly"
 *             | ARTICLE mod? ADJECTIVE noun (WITH ARTICLE mod? ADJECTIVE NOUN)?
 *                                                               "a superb film with a weak ending"
 *   neutral   = I WATCH_VERB (IT | DETERMINER FILM) (LAST TIME | WITH MY RELATION | WHEN)?
 *                                                               "i watched it last night"
 * </pre>
 * Every sentiment clause has one sentiment word (the last form may have two); modifiers sit
 * directly in front of the sentiment word they modify, as {@link SentimentFunction} requires.
 *
 * <h2>Well-formedness ({@link #parses})</h2>
 * A text parses iff it is {@value #MIN_WORDS}–{@value #MAX_WORDS} words separated by single
 * spaces with no leading or trailing space (no final period), every word is in the lexicon,
 * its category sequence is derived by {@code review} above, and every article agrees with the
 * next word ("an" before a word starting with a vowel letter, "a" otherwise). Sentiment is not
 * checked: a well-formed text may have sentiment 0 (the generator never emits one). Texts with
 * the mask or any other special token do not parse.
 */
public final class ReviewGrammar {

    /** Fewest words in a review. */
    public static final int MIN_WORDS = 8;
    /** Most words in a review. */
    public static final int MAX_WORDS = 40;
    /** Most clauses in a review. */
    public static final int MAX_CLAUSES = 3;

    private static final Element REVIEW;
    private static final Pattern PATTERN;

    static {
        Element mod = alt(cat(INTENSIFIER), cat(DIMINISHER));
        Element conn = alt(cat(AND), cat(BUT));
        Element noun = weighted(new double[] {0.8, 0.2}, cat(NOUN), cat(FILM));
        Element ofFilm = opt(0.3, seq(cat(PREPOSITION), cat(DETERMINER), cat(FILM)));
        Element subject = seq(cat(DETERMINER), opt(0.3, cat(NOUN_MODIFIER)), noun, ofFilm);
        Element object = seq(cat(DETERMINER), opt(0.3, cat(NOUN_MODIFIER)), noun);
        // a negator takes at most an intensifier after it ("not very good", never "not slightly good")
        Element adjChain = weighted(new double[] {0.35, 0.65},
                seq(alt(cat(NOT), cat(NEVER)), opt(0.4, cat(INTENSIFIER))), opt(0.4, mod));
        Element verbChain = weighted(new double[] {0.3, 0.7},
                seq(cat(NEVER), opt(0.4, cat(INTENSIFIER))), opt(0.3, mod));
        Element sent = alt(
                seq(subject, cat(COPULA), adjChain, cat(ADJECTIVE)),
                seq(cat(IT), cat(COPULA), cat(ARTICLE), opt(0.4, mod), cat(ADJECTIVE), noun, ofFilm),
                seq(cat(I), verbChain, cat(PAST_VERB), object),
                seq(cat(I), cat(DID), cat(NOT), opt(0.4, cat(INTENSIFIER)), cat(BASE_VERB), object),
                seq(subject, cat(NEUTRAL_VERB), opt(0.4, mod), cat(ADVERB)),
                seq(cat(ARTICLE), opt(0.4, mod), cat(ADJECTIVE), noun,
                        opt(0.5, seq(cat(WITH), cat(ARTICLE), opt(0.4, mod), cat(ADJECTIVE), cat(NOUN)))));
        Element neutral = seq(cat(I), cat(WATCH_VERB), alt(cat(IT), seq(cat(DETERMINER), cat(FILM))),
                opt(0.6, alt(seq(cat(LAST), cat(TIME)), seq(cat(WITH), cat(MY), cat(RELATION)), cat(WHEN))));
        REVIEW = weighted(
                new double[] {0.45, 0.15, 0.2, 0.05, 0.15}, // short single clauses are mostly rejected (< 8 words)
                sent,
                seq(neutral, conn, sent),
                seq(sent, conn, sent),
                seq(neutral, conn, sent, conn, sent),
                seq(sent, conn, sent, conn, sent));
        StringBuilder re = new StringBuilder();
        REVIEW.regex(re);
        PATTERN = Pattern.compile(re.toString());
    }

    private ReviewGrammar() {
    }

    /** Whether a text is a well-formed review (see the class documentation). Null is not. */
    public static boolean parses(String text) {
        if (text == null || text.isEmpty() || !text.equals(text.strip()) || text.contains("  ")) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isWhitespace(ch) && ch != ' ') {
                return false;
            }
        }
        return parses(List.of(text.split(" ")));
    }

    /** Whether a word sequence is a well-formed review (see the class documentation). */
    public static boolean parses(List<String> words) {
        if (words == null || words.size() < MIN_WORDS || words.size() > MAX_WORDS) {
            return false;
        }
        StringBuilder cats = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            Category c = w == null ? null : ReviewLexicon.categoryOrNull(w);
            if (c == null) {
                return false;
            }
            if (c == ARTICLE && (i + 1 == words.size() || !w.equals(article(words.get(i + 1))))) {
                return false;
            }
            cats.append(c.name()).append(' ');
        }
        return PATTERN.matcher(cats).matches();
    }

    /** Number of clauses of a well-formed review: connectives only join clauses, so it is one more than their count. */
    public static int clauses(List<String> words) {
        int n = 1;
        for (String w : words) {
            Category c = ReviewLexicon.categoryOrNull(w);
            if (c == AND || c == BUT) {
                n++;
            }
        }
        return n;
    }

    /** Draws one word sequence from the productions (any length; articles agree). */
    static List<String> expand(SplittableRandom rng) {
        List<String> out = new ArrayList<>();
        REVIEW.generate(Objects.requireNonNull(rng), out);
        for (int i = 0; i + 1 < out.size(); i++) {
            if (ReviewLexicon.categoryOrNull(out.get(i)) == ARTICLE) {
                out.set(i, article(out.get(i + 1)));
            }
        }
        return out;
    }

    private static String article(String next) {
        return "aeiou".indexOf(next.charAt(0)) >= 0 ? "an" : "a";
    }

    // ---- a tiny production language: each element generates words and renders a regex over category names

    private sealed interface Element permits Cat, Seq, Opt, Alt {
        void generate(SplittableRandom rng, List<String> out);

        void regex(StringBuilder sb);
    }

    private record Cat(Category category) implements Element {
        public void generate(SplittableRandom rng, List<String> out) {
            List<String> words = ReviewLexicon.words(category);
            out.add(words.get(rng.nextInt(words.size())));
        }

        public void regex(StringBuilder sb) {
            sb.append(category.name()).append(' ');
        }
    }

    private record Seq(List<Element> parts) implements Element {
        public void generate(SplittableRandom rng, List<String> out) {
            parts.forEach(p -> p.generate(rng, out));
        }

        public void regex(StringBuilder sb) {
            parts.forEach(p -> p.regex(sb));
        }
    }

    private record Opt(double probability, Element inner) implements Element {
        public void generate(SplittableRandom rng, List<String> out) {
            if (rng.nextDouble() < probability) {
                inner.generate(rng, out);
            }
        }

        public void regex(StringBuilder sb) {
            sb.append("(?:");
            inner.regex(sb);
            sb.append(")?");
        }
    }

    private record Alt(double[] weights, List<Element> choices) implements Element {
        public void generate(SplittableRandom rng, List<String> out) {
            double total = 0;
            for (double w : weights) {
                total += w;
            }
            double u = rng.nextDouble() * total;
            int k = 0;
            while (k < choices.size() - 1 && (u -= weights[k]) >= 0) {
                k++;
            }
            choices.get(k).generate(rng, out);
        }

        public void regex(StringBuilder sb) {
            sb.append("(?:");
            for (int i = 0; i < choices.size(); i++) {
                if (i > 0) {
                    sb.append('|');
                }
                choices.get(i).regex(sb);
            }
            sb.append(')');
        }
    }

    private static Element cat(Category c) {
        return new Cat(c);
    }

    private static Element seq(Element... parts) {
        return new Seq(List.of(parts));
    }

    private static Element opt(double p, Element e) {
        return new Opt(p, e);
    }

    private static Element alt(Element... choices) {
        double[] w = new double[choices.length];
        java.util.Arrays.fill(w, 1.0);
        return new Alt(w, List.of(choices));
    }

    private static Element weighted(double[] weights, Element... choices) {
        return new Alt(weights, List.of(choices));
    }
}
