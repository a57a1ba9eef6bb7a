package dev.densify.model;

/**
 * What {@link Policy#generate} produced, per prompt (row b is prompt b). Rows are trimmed to the
 * generated length, the stop token included. Arrays are not copied.
 *
 * @param tokens   [batch][lengths[b]] generated token ids (the prompt is not repeated)
 * @param logprobs [batch][lengths[b]] log-probabilities of the generated tokens under the
 *                 temperature-scaled distribution before top-k/top-p filtering
 * @param lengths  [batch] tokens generated per prompt
 */
public record Generation(int[][] tokens, float[][] logprobs, int[] lengths) {
}
