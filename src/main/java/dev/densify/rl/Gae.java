package dev.densify.rl;

import dev.densify.engine.internal.PpoCalls;

import java.util.Objects;

/**
 * Generalised advantage estimation (Schulman et al.) over responses, computed by the same native
 * code as the PPO step: δ_t = r_t + γ V_{t+1} − V_t with V after the last token 0,
 * A_t = δ_t + γλ A_{t+1}, returns A_t + V_t. Stateless.
 */
public final class Gae {

    /** Advantages and returns, one row per response. */
    public record Result(float[][] advantages, float[][] returns) {
    }

    private Gae() {
    }

    /**
     * @param rewards per-token rewards of each response
     * @param values  per-token values, row lengths as {@code rewards}
     */
    public static Result compute(float[][] rewards, float[][] values, double gamma, double lam) {
        Objects.requireNonNull(rewards, "rewards");
        Objects.requireNonNull(values, "values");
        if (rewards.length != values.length) {
            throw new IllegalArgumentException(rewards.length + " reward rows but " + values.length + " value rows");
        }
        int batch = rewards.length;
        int width = 1;
        for (int b = 0; b < batch; b++) {
            Objects.requireNonNull(rewards[b], "rewards[" + b + "]");
            Objects.requireNonNull(values[b], "values[" + b + "]");
            if (rewards[b].length != values[b].length) {
                throw new IllegalArgumentException("row " + b + " has " + rewards[b].length + " rewards but "
                        + values[b].length + " values");
            }
            width = Math.max(width, rewards[b].length);
        }
        float[][][] result = PpoCalls.gae(rewards, values, width, gamma, lam);
        return new Result(result[0], result[1]);
    }
}
