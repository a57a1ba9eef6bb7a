package dev.densify.task.reviews;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws reviews from {@link ReviewGrammar} with a seeded {@link SplittableRandom}: the same
 * seed gives the same reviews in the same order.
 *
 * <p>Each review first draws its label with a fair coin, then draws from the productions until
 * it gets a text of {@value ReviewGrammar#MIN_WORDS}–{@value ReviewGrammar#MAX_WORDS} words whose
 * sentiment is non-zero and has the drawn sign. Labels are therefore balanced in expectation, no
 * review is a tie, and every review parses. Not thread-safe (one generator per thread).
 */
public final class ReviewGenerator {

    /** Rejection sampling needs about four draws per review; this cap only guards against a broken grammar. */
    private static final int MAX_DRAWS = 10_000;

    private final SplittableRandom rng;

    public ReviewGenerator(long seed) {
        this(new SplittableRandom(seed));
    }

    /** A generator drawing from the given stream (callers derive it with {@link SplittableRandom#split()}). */
    ReviewGenerator(SplittableRandom rng) {
        this.rng = rng;
    }

    /** The next review, its label drawn with a fair coin. */
    public Review next() {
        return next(rng.nextBoolean());
    }

    /** The next review with the given label (true = positive). */
    public Review next(boolean positive) {
        for (int draw = 0; draw < MAX_DRAWS; draw++) {
            List<String> words = ReviewGrammar.expand(rng);
            if (words.size() < ReviewGrammar.MIN_WORDS || words.size() > ReviewGrammar.MAX_WORDS) {
                continue;
            }
            double s = SentimentFunction.sentiment(words);
            if (s != 0 && (s > 0) == positive) {
                return Review.of(words);
            }
        }
        throw new IllegalStateException("no " + (positive ? "positive" : "negative") + " review in " + MAX_DRAWS + " draws");
    }

    /** The next n reviews. */
    public List<Review> next(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("number of reviews must be ≥ 0, got " + n);
        }
        List<Review> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }
}
