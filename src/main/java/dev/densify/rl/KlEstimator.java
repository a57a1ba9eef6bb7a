package dev.densify.rl;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.densify.engine.Json;

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

    /** The estimator of a JSON value: "k1" or "k3". */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static KlEstimator fromJson(Object value) {
        return parse(Json.text(value, "\"k1\" or \"k3\""));
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
    @JsonValue
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
