package dev.densify.attribution;

import dev.densify.bindings.densify_h;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A source of per-token credit for a sequence's score: the attribution methods, and
 * {@link #SPARSE} (all of the score on the last response token, plain RLHF). The dense-reward
 * weights blend these ({@link dev.densify.shaping.ShapingWeights}).
 */
public enum AttributionMethod {

    /** All of the sequence reward on the last response token; needs no attributor. */
    SPARSE,
    /**
     * KernelSHAP over the response tokens. Removed tokens are replaced by the baseline token;
     * the design is shap's KernelExplainer design (subset sizes enumerated completely from the
     * outside in while the budget covers them, the rest sampled by the Shapley kernel with paired
     * complements) and the values solve the weighted least squares under the efficiency
     * constraint, so {@code sum(values) = full - baseline} at every budget. When
     * {@code 2^M - 2 <= samples} every coalition is evaluated and the values are the exact
     * Shapley values (diagnostic 0); otherwise the diagnostic is the mean standard error. A
     * response of one token gets {@code full - baseline}. With a selection other than none
     * ({@link FeatureSelection}) the tokens it leaves out get exactly 0 and the constrained solve
     * runs again on the kept ones; the sum still holds.
     */
    SHAP,
    /**
     * LIME for text, as the lime package's text explainer: the first sample is the unperturbed
     * sequence, every other one removes {@code k ~ U{1..M}} distinct tokens chosen uniformly
     * (replaced by the baseline token); samples are weighted by {@code sqrt(exp(-d^2 / width^2))}
     * of the cosine distance to the unperturbed row x 100, and the values are the coefficients of
     * a weighted ridge regression with intercept (the intercept not penalised). Identical
     * perturbations are scored once. The diagnostic is the weighted R².
     */
    LIME,
    /**
     * Attention-based credit ("ABC", Chan et al. 2024): the reward model's last-layer attention
     * probabilities from the scoring position (the last token) to each response token, averaged
     * over heads. The values are non-negative and sum to at most 1 (the rest of the attention
     * goes to the prompt); full and baseline are reported as for the other methods; evaluations
     * is 2; diagnostic 0. Needs a reward model (a black-box function has no attention).
     */
    ATTENTION;

    /** The lower-case name used on the command line and in files: sparse, shap, lime, attention. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether an {@link Attributor} computes it (every method but {@link #SPARSE}). */
    public boolean isAttribution() {
        return this != SPARSE;
    }

    /** The native {@code DFY_ATTRIBUTION_*} code. */
    int code() {
        return switch (this) {
            case SHAP -> densify_h.DFY_ATTRIBUTION_SHAP();
            case LIME -> densify_h.DFY_ATTRIBUTION_LIME();
            case ATTENTION -> densify_h.DFY_ATTRIBUTION_ATTENTION();
            case SPARSE -> throw new IllegalArgumentException("sparse credit is not computed natively");
        };
    }

    /**
     * The method named {@code text} (case-insensitive, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the unknown method and the known ones
     */
    public static AttributionMethod parse(String text) {
        if (text != null) {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            for (AttributionMethod m : values()) {
                if (m.id().equals(wanted)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("unknown attribution method '" + text + "' (known: "
                + Arrays.stream(values()).map(AttributionMethod::id).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return id();
    }
}
