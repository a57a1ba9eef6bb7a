package dev.densify.attribution;

/**
 * Options of {@link AttentionCredit}. Immutable; validated on construction.
 *
 * @param baselineToken  the id that replaces every response token for the reported
 *                       {@link Attribution#baseline()} score (default 0); the values do not use it
 * @param maxBatchTokens memory budget of one forward in rows x key positions, {@code >= 1}
 *                       (default {@value ShapOptions#DEFAULT_MAX_BATCH_TOKENS})
 */
public record AttentionOptions(int baselineToken, long maxBatchTokens) {

    public AttentionOptions {
        Validation.baselineToken(baselineToken);
        Validation.maxBatchTokens(maxBatchTokens);
    }

    public static AttentionOptions defaults() {
        return new AttentionOptions(0, ShapOptions.DEFAULT_MAX_BATCH_TOKENS);
    }

    public AttentionOptions withBaselineToken(int baselineToken) {
        return new AttentionOptions(baselineToken, maxBatchTokens);
    }

    public AttentionOptions withMaxBatchTokens(long maxBatchTokens) {
        return new AttentionOptions(baselineToken, maxBatchTokens);
    }
}
