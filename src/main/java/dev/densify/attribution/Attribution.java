package dev.densify.attribution;

import java.util.Arrays;
import java.util.Objects;

/**
 * The attribution of one sequence's score over its response tokens. Immutable (the accessor
 * returns a copy of the values).
 *
 * @param values      one value per response token, in response order
 * @param full        f(x): the score of the unmodified sequence
 * @param baseline    f(all response tokens replaced by the baseline token)
 * @param evaluations scorer evaluations used for this sequence, the full and baseline ones
 *                    included (identical coalitions or perturbations are evaluated once)
 * @param diagnostic  quality of the estimate, by method. SHAP: the mean standard error of the
 *                    values, estimated from the weighted residuals of the regression (0 when the
 *                    values are exact, i.e. {@code 2^M - 2 <= samples}, or the response has one
 *                    token). Below about 2(M - 1) samples the coalitions may not identify every
 *                    value; the values are then the minimum-norm least-squares solution (as
 *                    shap's lstsq) and the error covers the identified directions only. LIME: the weighted R² of the ridge fit (1 = the local linear model
 *                    explains the sampled scores completely). Attention: 0.
 * @param method      the method that produced it
 */
public record Attribution(float[] values, float full, float baseline, long evaluations, float diagnostic,
                          AttributionMethod method) {

    public Attribution {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(method, "method");
        values = values.clone();
    }

    /** A copy of the values. */
    @Override
    public float[] values() {
        return values.clone();
    }

    /** The value of response token {@code t}. */
    public float value(int t) {
        return values[t];
    }

    /** Number of response tokens. */
    public int length() {
        return values.length;
    }

    /** Σ values, in double. For SHAP it equals {@code full - baseline} (up to float rounding). */
    public double sum() {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attribution a && Arrays.equals(values, a.values)
                && Float.compare(full, a.full) == 0 && Float.compare(baseline, a.baseline) == 0
                && evaluations == a.evaluations && Float.compare(diagnostic, a.diagnostic) == 0
                && method == a.method;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(values), full, baseline, evaluations, diagnostic, method);
    }

    @Override
    public String toString() {
        return "Attribution[" + method.id() + ", values=" + Arrays.toString(values) + ", full=" + full + ", baseline="
                + baseline + ", evaluations=" + evaluations + ", diagnostic=" + diagnostic + "]";
    }
}
