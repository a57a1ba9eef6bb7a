/**
 * The built-in task "reviews": a generated movie-review language whose sentiment is known word
 * by word, mirroring the standard RLHF sentiment setup (a policy continues the opening words of
 * a review; a sentiment classifier gives the reward) so that attributions can be scored
 * against the truth.
 *
 * <ul>
 *   <li>{@link dev.densify.task.reviews.ReviewLexicon}: the words, their categories and valences;</li>
 *   <li>{@link dev.densify.task.reviews.ReviewGrammar}: the productions, and the well-formedness check;</li>
 *   <li>{@link dev.densify.task.reviews.ReviewGenerator}: seeded, label-balanced reviews;</li>
 *   <li>{@link dev.densify.task.reviews.SentimentFunction}: the true sentiment and label;</li>
 *   <li>{@link dev.densify.task.reviews.TokenContributions}: exact Shapley values of response tokens (the oracle);</li>
 *   <li>{@link dev.densify.task.reviews.ReviewDataset}: seeded splits and prompts, written as JSON Lines;</li>
 *   <li>{@link dev.densify.task.reviews.ReviewsTask}: {@code densify prepare --task reviews}: trains the SFT
 *       policy and the reward model into a task directory, and opens one
 *       ({@link dev.densify.task.reviews.ReviewsConfig}, {@link dev.densify.task.reviews.ReviewsSummary}).</li>
 * </ul>
 */
package dev.densify.task.reviews;
