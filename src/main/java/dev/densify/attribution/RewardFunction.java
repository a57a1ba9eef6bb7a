package dev.densify.attribution;

/**
 * A black-box scorer that SHAP and LIME ({@link Attributor#of(RewardFunction, int, AttributionOptions)}) can explain instead of a
 * {@link dev.densify.model.RewardModel}: the engine samples coalitions or perturbations natively
 * and calls this function back, on the thread that called {@code attribute}, with batches of
 * right-padded rows.
 *
 * <p>Contract: return exactly one finite score per row. A thrown exception, a result of the wrong
 * length (or {@code null}) and a NaN or infinite score each abort the attribution with a
 * {@link dev.densify.engine.CallbackException}; for the first two its cause is the original
 * exception (respectively an {@link IllegalStateException} describing the result). The arrays
 * are fresh for every call and may be kept or modified.
 *
 * <p>Thread-safety: an attributor used from several threads at once calls the function
 * concurrently, so it must then be thread-safe.
 */
@FunctionalInterface
public interface RewardFunction {

    /**
     * Scores a batch.
     *
     * @param ids  [batch][seqLen] token ids in {@code [0, vocabSize)}: prompt, then the response with
     *             removed tokens replaced by the baseline token, then padding (the baseline token)
     * @param mask [batch][seqLen] 1 for the row's real tokens, 0 for padding (each row is a prefix of 1s)
     * @return [batch] scores
     */
    float[] score(int[][] ids, int[][] mask);
}
