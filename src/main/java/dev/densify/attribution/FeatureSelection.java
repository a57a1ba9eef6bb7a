package dev.densify.attribution;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.densify.bindings.densify_h;
import dev.densify.engine.Json;

import java.util.Locale;
import java.util.Objects;

/**
 * Which tokens KernelSHAP estimates, as shap's {@code l1_reg}: the others get exactly 0 and the
 * weighted least-squares solve under the efficiency constraint spreads f(x) &minus; f(baseline)
 * over the selected ones (so the values still add up). AIC and BIC follow the Lasso path of the
 * coalition design (least-angle regression, natively, each token's column scaled to unit norm)
 * and score each active set on it by its least-squares refit, counting each coalition as one
 * observation. Two choices differ from shap's, which scores the shrunken Lasso coefficients and
 * counts both rows it makes of a coalition: with those, a token without effect passes AIC far
 * more often than the criterion's nominal rate.
 *
 * <p>Without selection every token gets a value, and a token the score does not depend on
 * gets a small nonzero one (sampling noise, or a model's slight dependence on it). With
 * selection such tokens get exactly 0, which is what a rank comparison against sparse
 * ground truth rewards, and what a dense reward that should skip filler wants.
 *
 * @param kind        the rule
 * @param maxFeatures for {@link Kind#TOP}, how many tokens (&gt;= 1); 0 for every other kind
 */
public record FeatureSelection(Kind kind, int maxFeatures) {

    /** The rules. */
    public enum Kind {
        /** Every token estimated: plain KernelSHAP (the default). */
        NONE("none", densify_h.DFY_SELECTION_NONE()),
        /**
         * shap's {@code "auto"}: {@link #AIC} when the design holds under 20% of the
         * 2<sup>M</sup> &minus; 2 coalitions, else none (exact designs are never selected).
         */
        AUTO("auto", densify_h.DFY_SELECTION_AUTO()),
        /** The Lasso path's knot of least Akaike information criterion (exact designs too). */
        AIC("aic", densify_h.DFY_SELECTION_AIC()),
        /** The same with the Bayesian information criterion, which keeps no more tokens than AIC. */
        BIC("bic", densify_h.DFY_SELECTION_BIC()),
        /**
         * The {@code maxFeatures} tokens of largest |value| without selection. (shap's
         * {@code num_features(k)} takes the first k to enter the Lasso path instead, whose order
         * on this design is by value plus a shift shared by every token, not by magnitude.)
         */
        TOP("top", densify_h.DFY_SELECTION_TOP());

        private final String id;
        private final int code;

        Kind(String id, int code) {
            this.id = id;
            this.code = code;
        }
    }

    public FeatureSelection {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.TOP ? maxFeatures < 1 : maxFeatures != 0) {
            throw new IllegalArgumentException(kind == Kind.TOP
                    ? "top-k selection needs k >= 1, got " + maxFeatures
                    : "maxFeatures is only for top-k selection, got " + maxFeatures + " with " + kind.id);
        }
    }

    public static FeatureSelection none() {
        return new FeatureSelection(Kind.NONE, 0);
    }

    public static FeatureSelection auto() {
        return new FeatureSelection(Kind.AUTO, 0);
    }

    public static FeatureSelection aic() {
        return new FeatureSelection(Kind.AIC, 0);
    }

    public static FeatureSelection bic() {
        return new FeatureSelection(Kind.BIC, 0);
    }

    public static FeatureSelection top(int k) {
        return new FeatureSelection(Kind.TOP, k);
    }

    /**
     * Parses {@code none}, {@code auto}, {@code aic}, {@code bic} or {@code top:K}
     * (case-insensitive), the form {@link #toString()} writes.
     *
     * @throws IllegalArgumentException naming the bad text and the accepted forms
     */
    /** The selection of a JSON value, a string in the form {@link #parse} reads. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static FeatureSelection fromJson(Object value) {
        return parse(Json.text(value, "\"none\", \"auto\", \"aic\", \"bic\" or \"top:K\""));
    }

    public static FeatureSelection parse(String text) {
        Objects.requireNonNull(text, "selection");
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            if (k != Kind.TOP && k.id.equals(t)) {
                return new FeatureSelection(k, 0);
            }
        }
        if (t.startsWith("top:")) {
            try {
                return top(Integer.parseInt(t.substring(4)));
            } catch (IllegalArgumentException e) { // not a number, or below 1: the message below says both
                // falls through
            }
        }
        throw new IllegalArgumentException("unknown feature selection '" + text
                + "' (expected none, auto, aic, bic or top:K with K >= 1)");
    }

    /** The native {@code DFY_SELECTION_*} code. */
    int code() {
        return kind.code;
    }

    @Override
    @JsonValue
    public String toString() {
        return kind == Kind.TOP ? "top:" + maxFeatures : kind.id;
    }
}
