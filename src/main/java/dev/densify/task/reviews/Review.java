package dev.densify.task.reviews;

import java.util.List;
import java.util.Objects;

/**
 * One review with its true sentiment.
 *
 * @param text      the words joined by single spaces
 * @param words     the words
 * @param label     1 positive, 0 negative: {@link SentimentFunction#label(double)} of the sentiment
 * @param sentiment {@link SentimentFunction#sentiment(List)} of the words
 */
public record Review(String text, List<String> words, int label, double sentiment) {

    public Review {
        Objects.requireNonNull(text, "text");
        words = List.copyOf(words);
        if (!text.equals(String.join(" ", words))) {
            throw new IllegalArgumentException("text '" + text + "' is not its words joined by single spaces");
        }
        if (label != SentimentFunction.label(sentiment)) {
            throw new IllegalArgumentException("label " + label + " does not match sentiment " + sentiment);
        }
    }

    /** A review of the given words, its sentiment and label computed by {@link SentimentFunction}. */
    public static Review of(List<String> words) {
        double s = SentimentFunction.sentiment(words);
        return new Review(String.join(" ", words), words, SentimentFunction.label(s), s);
    }

    /** Whether the label is positive. */
    public boolean positive() {
        return label == 1;
    }
}
