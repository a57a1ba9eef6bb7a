package dev.densify.task.reviews;

import dev.densify.task.reviews.ReviewLexicon.Category;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The true sentiment of a word sequence of the review language: a deterministic function of its
 * words, known word by word, against which attributions are scored.
 *
 * <h2>Definition</h2>
 * For words {@code w_1 … w_n} (exact, lower-case matches against {@link ReviewLexicon}):
 * <pre>
 *   sentiment(w) = Σ over sentiment words w_i :  valence(w_i) · modifier(i) · clauseWeight(i)
 * </pre>
 * <ul>
 *   <li><b>valence</b>: ±1 or ±2 for sentiment adjectives, verbs and adverbs (e.g. "good" +1,
 *       "masterful" +2, "dull" −1, "awful" −2); every other word is not a sentiment word.</li>
 *   <li><b>modifier(i)</b>: the product of the factors of the <em>modifier chain</em> of
 *       {@code w_i}, the maximal run of consecutive modifier words ending at {@code w_{i−1}}
 *       (empty product = 1). Factors: negators "not", "never" {@value #NEGATION}; intensifiers
 *       ("very", "really", …) {@value #INTENSIFIER}; diminishers ("barely", "slightly", …)
 *       {@value #DIMINISHER}. So "not very good" = −1.5, "barely good" = 0.5. A chain binds only
 *       to a sentiment word directly after it: any other word (neutral, connective, unknown or
 *       mask) ends the chain without effect, and a sentiment word consumes it. Hence a modifier
 *       never reaches across a clause boundary.</li>
 *   <li><b>clauseWeight(i)</b>: {@value #CONTRAST_WEIGHT} if the nearest connective before
 *       {@code w_i} is "but" (the clause after a contrast weighs double), 1 if it is "and" or
 *       if there is none.</li>
 * </ul>
 * The <b>label</b> is positive (1) iff sentiment &gt; 0, else negative (0); a tie at exactly 0
 * is negative. Generated reviews never have sentiment 0 ({@link ReviewGenerator} rejects them).
 * Values are sums of products of small binary fractions, so they are exact in {@code double}.
 *
 * <h2>Masked (removed) tokens</h2>
 * Attribution removes a token by <em>replacing</em> it with the mask token
 * {@value dev.densify.text.WordTokenizer#MASK_TOKEN}; the sequence keeps its length and the
 * mask keeps the word's position. The function therefore treats the mask, like any word
 * outside the lexicon, as an opaque <em>neutral word that still occupies its slot</em>: it has
 * no valence, is no modifier and no connective. Consequences: a masked sentiment word
 * contributes nothing and its chain binds to nothing; masking a chain word cuts the chain there
 * ("not &lt;mask&gt; good" = +1, since only the words directly in front of "good" modify it);
 * masking a connective removes the clause boundary, so the nearest remaining connective decides
 * the weight. This keeps every term local (a sentiment word, its chain, the connectives before
 * it), which is what makes the exact Shapley values of {@link TokenContributions} computable in
 * polynomial time.
 *
 * <p>Examples: "the acting was not very good but the ending was masterful" = −1.5 + 2·2 = 2.5
 * (positive); "the plot was good but the ending was awful" = 1 + 2·(−2) = −3 (negative).
 */
public final class SentimentFunction {

    /** Factor of a negator ("not", "never"). */
    public static final double NEGATION = -1.0;
    /** Factor of an intensifier ("very", "really", …). */
    public static final double INTENSIFIER = 1.5;
    /** Factor of a diminisher ("barely", "slightly", …). */
    public static final double DIMINISHER = 0.5;
    /** Weight of a clause whose nearest preceding connective is "but". */
    public static final double CONTRAST_WEIGHT = 2.0;

    /**
     * One sentiment word's contribution to the sentiment.
     *
     * @param position     index of the word in the sequence
     * @param word         the sentiment word
     * @param valence      its lexicon valence
     * @param modifier     product of its modifier chain's factors
     * @param clauseWeight weight of its clause
     */
    public record Term(int position, String word, int valence, double modifier, double clauseWeight) {
        /** valence · modifier · clauseWeight. */
        public double value() {
            return valence * modifier * clauseWeight;
        }
    }

    private SentimentFunction() {
    }

    /** The sentiment of a text split on whitespace (empty or blank text: 0). */
    public static double sentiment(String text) {
        Objects.requireNonNull(text, "text is null");
        String t = text.strip();
        return t.isEmpty() ? 0.0 : sentiment(List.of(t.split("\\s+")));
    }

    /** The sentiment of a word sequence, as defined in the class documentation. */
    public static double sentiment(List<String> words) {
        double sum = 0;
        for (Term term : terms(words)) {
            sum += term.value();
        }
        return sum;
    }

    /** 1 (positive) if sentiment &gt; 0, else 0 (negative). */
    public static int label(double sentiment) {
        return sentiment > 0 ? 1 : 0;
    }

    /** The label of a word sequence. */
    public static int label(List<String> words) {
        return label(sentiment(words));
    }

    /** The per-word terms whose values sum to the sentiment, in word order. */
    public static List<Term> terms(List<String> words) {
        Objects.requireNonNull(words, "words is null");
        List<Term> terms = new ArrayList<>();
        double chain = 1.0;   // product of the modifier run directly before the current word
        double weight = 1.0;  // weight set by the nearest connective so far
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w == null) {
                throw new NullPointerException("word " + i + " is null");
            }
            Category c = ReviewLexicon.categoryOrNull(w);
            if (c != null && isSentiment(c)) {
                terms.add(new Term(i, w, ReviewLexicon.valence(w), chain, weight));
                chain = 1.0;
            } else if (c != null && isModifier(c)) {
                chain *= factor(c);
            } else {
                chain = 1.0;
                if (c == Category.AND || c == Category.BUT) {
                    weight = c == Category.BUT ? CONTRAST_WEIGHT : 1.0;
                }
            }
        }
        return terms;
    }

    static boolean isSentiment(Category c) {
        return c == Category.ADJECTIVE || c == Category.PAST_VERB || c == Category.BASE_VERB || c == Category.ADVERB;
    }

    static boolean isModifier(Category c) {
        return c == Category.NOT || c == Category.NEVER || c == Category.INTENSIFIER || c == Category.DIMINISHER;
    }

    /** The factor of a modifier category. */
    static double factor(Category c) {
        return switch (c) {
            case NOT, NEVER -> NEGATION;
            case INTENSIFIER -> INTENSIFIER;
            case DIMINISHER -> DIMINISHER;
            default -> throw new IllegalArgumentException("not a modifier: " + c);
        };
    }
}
