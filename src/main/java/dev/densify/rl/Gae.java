package dev.densify.rl;

import dev.densify.bindings.densify_h;
import dev.densify.engine.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = arena.allocate(ValueLayout.JAVA_FLOAT, (long) Math.max(1, batch) * width);
            MemorySegment v = arena.allocate(ValueLayout.JAVA_FLOAT, (long) Math.max(1, batch) * width);
            MemorySegment lengths = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, batch));
            for (int b = 0; b < batch; b++) {
                MemorySegment.copy(rewards[b], 0, r, ValueLayout.JAVA_FLOAT, (long) b * width * Float.BYTES, rewards[b].length);
                MemorySegment.copy(values[b], 0, v, ValueLayout.JAVA_FLOAT, (long) b * width * Float.BYTES, values[b].length);
                lengths.setAtIndex(ValueLayout.JAVA_LONG, b, rewards[b].length);
            }
            MemorySegment advantages = arena.allocate(ValueLayout.JAVA_FLOAT, (long) Math.max(1, batch) * width);
            MemorySegment returns = arena.allocate(ValueLayout.JAVA_FLOAT, (long) Math.max(1, batch) * width);
            Native.load();
            Native.check("dfy_gae", densify_h.dfy_gae(r, v, lengths, batch, width, gamma, lam, advantages, returns));
            float[][] a = new float[batch][];
            float[][] g = new float[batch][];
            for (int b = 0; b < batch; b++) {
                a[b] = new float[rewards[b].length];
                g[b] = new float[rewards[b].length];
                MemorySegment.copy(advantages, ValueLayout.JAVA_FLOAT, (long) b * width * Float.BYTES, a[b], 0, a[b].length);
                MemorySegment.copy(returns, ValueLayout.JAVA_FLOAT, (long) b * width * Float.BYTES, g[b], 0, g[b].length);
            }
            return new Result(a, g);
        }
    }
}
