package dev.densify.shaping;

import dev.densify.attribution.AttributionMethod;

import java.util.Map;
import java.util.Objects;

/**
 * The dense-reward function of Koo et al. (arXiv 2504.16272): each method's per-token scores
 * are normalised per response into a credit distribution ε_k (Σ_t ε_k,t = 1), and token t
 * of a response with sequence reward R gets r_t = R · Σ_k w_k ε_k,t.
 *
 * <p>Because every ε_k sums to 1 and w lies on the simplex, Σ_t r_t = R exactly for every w:
 * the shaped return equals the sparse one, so shaping redistributes credit within a response
 * without changing what any whole response is worth.
 *
 * <p>Normalisation of scores s (attributions, attention) of an M-token response: ε_t = s_t / Σ_j s_j
 * when that sum is numerically meaningful, |Σ_j s_j| ≥ {@link #MIN_NET_SHARE} · Σ_j |s_j| and
 * Σ_j |s_j| > 0. Otherwise — scores that cancel out, all zeros, or any NaN or infinite score —
 * the fallback is uniform credit, ε_t = 1/M. With the guard, |ε_t| ≤ 1/{@link #MIN_NET_SHARE}.
 * The sparse component is ε = (0, …, 0, 1).
 *
 * <p>Stateless and thread-safe.
 */
public final class DenseRewardShaper {

    /** Smallest |net| / gross ratio of scores that is divided by; below it credit is uniform. */
    public static final double MIN_NET_SHARE = 0.1;

    private final ShapingWeights weights;

    public DenseRewardShaper(ShapingWeights weights) {
        this.weights = Objects.requireNonNull(weights, "weights");
    }

    public ShapingWeights weights() {
        return weights;
    }

    /**
     * Per-token credit distribution of one method's scores.
     *
     * @param scores one score per response token (at least one)
     * @return ε with Σ ε = 1
     */
    public static double[] normalise(float[] scores) {
        Objects.requireNonNull(scores, "scores");
        int m = scores.length;
        if (m == 0) {
            throw new IllegalArgumentException("a response has no token to credit");
        }
        double net = 0;
        double gross = 0;
        boolean finite = true;
        for (float s : scores) {
            finite &= Float.isFinite(s);
            net += s;
            gross += Math.abs(s);
        }
        double[] eps = new double[m];
        if (finite && gross > 0 && Math.abs(net) >= MIN_NET_SHARE * gross) {
            for (int t = 0; t < m; t++) {
                eps[t] = scores[t] / net;
            }
        } else {
            java.util.Arrays.fill(eps, 1.0 / m);
        }
        return eps;
    }

    /**
     * Dense rewards of one response.
     *
     * @param reward  the sequence reward R (finite)
     * @param scores  per-token scores of each non-sparse component with a positive weight,
     *                each as long as the response
     * @param length  number of response tokens
     * @return r_t for t in [0, length)
     * @throws IllegalArgumentException when R is not finite, a weighted component's scores are
     *                                  missing, or a length differs
     */
    public float[] shape(double reward, Map<AttributionMethod, float[]> scores, int length) {
        Objects.requireNonNull(scores, "scores");
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("sequence reward must be finite, got " + reward);
        }
        if (length < 1) {
            throw new IllegalArgumentException("a response has no token to credit (length " + length + ")");
        }
        double[] dense = new double[length];
        for (Map.Entry<AttributionMethod, Double> e : weights.weights().entrySet()) {
            double w = e.getValue();
            if (w == 0) {
                continue;
            }
            if (e.getKey() == AttributionMethod.SPARSE) {
                dense[length - 1] += w;
                continue;
            }
            float[] s = scores.get(e.getKey());
            if (s == null) {
                throw new IllegalArgumentException("no " + e.getKey().id() + " scores for a weighted component");
            }
            if (s.length != length) {
                throw new IllegalArgumentException(e.getKey().id() + " has " + s.length + " scores for "
                        + length + " response tokens");
            }
            double[] eps = normalise(s);
            for (int t = 0; t < length; t++) {
                dense[t] += w * eps[t];
            }
        }
        float[] out = new float[length];
        for (int t = 0; t < length; t++) {
            out[t] = (float) (reward * dense[t]);
        }
        return out;
    }
}
