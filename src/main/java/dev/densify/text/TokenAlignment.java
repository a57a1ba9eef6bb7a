package dev.densify.text;

import java.util.Objects;

/**
 * Moves per-token values between two tokenisations of one text by their character spans, for a
 * reward model whose tokenizer differs from the policy's: attributions are computed over the
 * reward model's tokens and given back to the policy's.
 *
 * <p>The rule: a source token's value is split over the target tokens whose spans overlap its
 * span, in proportion to the characters shared. A source token that overlaps none (an empty span,
 * or characters no target token covers, such as whitespace) gives its whole value to the nearest
 * target token (the smallest gap between spans; the earlier one on a tie). So the total is kept
 * exactly up to rounding, and a source token that overlaps exactly one target token passes its
 * value on unchanged. Stateless.
 */
public final class TokenAlignment {

    private TokenAlignment() {
    }

    /**
     * @param values one per source token
     * @return one per target token
     */
    public static double[] map(double[] values, Tokenizer.Encoding source, Tokenizer.Encoding target) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        if (values.length != source.size()) {
            throw new IllegalArgumentException(values.length + " values for " + source.size() + " source tokens");
        }
        if (target.size() == 0) {
            throw new IllegalArgumentException("no target tokens to move the values to");
        }
        int[] ss = source.starts();
        int[] se = source.ends();
        int[] ts = target.starts();
        int[] te = target.ends();
        double[] out = new double[target.size()];
        for (int j = 0; j < values.length; j++) {
            long total = 0;
            for (int i = 0; i < ts.length; i++) {
                total += overlap(ss[j], se[j], ts[i], te[i]);
            }
            if (total == 0) {
                out[nearest(ss[j], se[j], ts, te)] += values[j];
                continue;
            }
            for (int i = 0; i < ts.length; i++) {
                int o = overlap(ss[j], se[j], ts[i], te[i]);
                if (o > 0) {
                    out[i] += values[j] * o / total;
                }
            }
        }
        return out;
    }

    private static int overlap(int a, int b, int c, int d) {
        return Math.max(0, Math.min(b, d) - Math.max(a, c));
    }

    private static int nearest(int a, int b, int[] ts, int[] te) {
        int best = 0;
        long bestGap = Long.MAX_VALUE;
        for (int i = 0; i < ts.length; i++) {
            long gap = te[i] <= a ? a - te[i] : ts[i] >= b ? ts[i] - b : 0;
            if (gap < bestGap) {
                bestGap = gap;
                best = i;
            }
        }
        return best;
    }
}
