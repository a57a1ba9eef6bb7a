package dev.densify.rl;

import java.util.Locale;

/** Per-token estimators of KL(policy ‖ reference) from the sampled token's log-probabilities. */
public enum KlEstimator {
    /** log p − log p_ref: unbiased, can be negative per token. */
    K1(1),
    /** (r − 1) − log r with r = p_ref / p: unbiased and non-negative (Schulman's k3). */
    K3(2);

    private final int code;

    KlEstimator(int code) {
        this.code = code;
    }

    /** The DFY_KL_* constant. */
    public int code() {
        return code;
    }

    public static KlEstimator parse(String text) {
        for (KlEstimator e : values()) {
            if (e.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown KL estimator '" + text + "' (known: k1, k3)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
