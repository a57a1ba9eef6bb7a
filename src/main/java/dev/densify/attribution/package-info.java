/**
 * Token attribution: how much each response token contributed to a reward model's score.
 *
 * <p>Three methods ({@link dev.densify.attribution.AttributionMethod}), one
 * {@link dev.densify.attribution.Attributor} made from
 * {@link dev.densify.attribution.AttributionOptions} (the fields of {@code dfy_attribution_options}):
 * <ul>
 *   <li>SHAP — KernelSHAP: coalitions of kept response tokens (removed tokens replaced by a
 *       baseline token, positions kept), Shapley-kernel weights, paired sampling, subset sizes
 *       enumerated exactly where the budget allows (exact Shapley values when
 *       {@code 2^M - 2 <= samples}), weighted least squares under the efficiency constraint:
 *       {@code sum(values) = full - baseline} at every budget; optionally with shap's feature
 *       selection ({@link dev.densify.attribution.FeatureSelection}), which gives the tokens it
 *       leaves out exactly 0.</li>
 *   <li>LIME — LIME for text: perturbations with {@code k ~ U{1..M}} tokens removed,
 *       exponential kernel on cosine distance x 100, weighted ridge regression with intercept.</li>
 *   <li>ATTENTION — the reward model's last-layer attention from the scoring position, averaged
 *       over heads, restricted to response tokens.</li>
 * </ul>
 * {@code SPARSE} (the whole score on the last token) is the fourth credit source the dense
 * reward blends; it needs no attributor.
 *
 * <p>Sampling, batching and the regressions run in the native engine. The scores come either
 * from a {@link dev.densify.model.RewardModel} (packed native forwards that reuse the prompt and
 * shared prefixes) or from any Java {@link dev.densify.attribution.RewardFunction} (a black box,
 * SHAP and LIME only), which the engine calls back in batches.
 *
 * <p>Determinism: a sequence's samples depend only on the seed and its own tokens, so the same
 * seed gives the same values for a sequence alone or in any batch (on the same build and device).
 */
package dev.densify.attribution;
