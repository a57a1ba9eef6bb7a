package dev.densify.engine.internal;

import dev.densify.bindings.densify_h;
import dev.densify.bindings.densify_h.dfy_ppo_options;
import dev.densify.bindings.densify_h.dfy_ppo_stats;
import dev.densify.model.Optimizer;
import dev.densify.model.Policy;
import dev.densify.rl.PpoOptions;
import dev.densify.rl.PpoStats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The downcalls of reinforcement learning: {@code dfy_ppo_step} and {@code dfy_gae}. Stateless; thread-safe. */
public final class PpoCalls {

    private PpoCalls() {
    }

    /**
     * One PPO update on checked rollouts; holds the policy's, the reference's and the optimizer's
     * locks in that order.
     *
     * @param group     a data-parallel group ({@code dfy_ppo_step_group}, its lock held first), or null
     * @param reference null when the KL coefficient is 0
     * @param width     the longest sequence
     * @param packed    the number of response tokens over all rollouts
     * @param maxBatchTokens rows × positions a forward and backward may take (0: each minibatch at once)
     */
    public static PpoStats step(NativeHandle group, Policy policy, Policy reference, Optimizer optimizer,
                                int[][] sequences, int[] responseStart, float[][] rewards, PpoOptions options,
                                int width, long packed, long maxBatchTokens) {
        int batch = sequences.length;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, (long) batch * width);
            MemorySegment mask = arena.allocate(ValueLayout.JAVA_LONG, (long) batch * width);
            MemorySegment start = arena.allocate(ValueLayout.JAVA_LONG, batch);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG, batch);
            MemorySegment r = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, packed));
            long k = 0;
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < sequences[b].length; t++) {
                    ids.setAtIndex(ValueLayout.JAVA_LONG, (long) b * width + t, sequences[b][t]);
                    mask.setAtIndex(ValueLayout.JAVA_LONG, (long) b * width + t, 1);
                }
                start.setAtIndex(ValueLayout.JAVA_LONG, b, responseStart[b]);
                length.setAtIndex(ValueLayout.JAVA_LONG, b, rewards[b].length);
                for (float x : rewards[b]) {
                    r.setAtIndex(ValueLayout.JAVA_FLOAT, k++, x);
                }
            }
            MemorySegment o = options(arena, options);
            dfy_ppo_options.max_batch_tokens(o, maxBatchTokens);
            MemorySegment stats = dfy_ppo_stats.allocate(arena);
            NativeHandle optimizerHandle = Handles.of(optimizer);
            if (group == null) {
                Handles.of(policy).call(p -> withReference(reference, ref -> optimizerHandle.call(opt -> {
                    Native.check("dfy_ppo_step", densify_h.dfy_ppo_step(Native.pointer(p), ref, Native.pointer(opt),
                            ids, mask, batch, width, start, length, r, o, stats));
                    return null;
                })));
            } else {
                group.call(g -> Handles.of(policy).call(p -> withReference(reference, ref -> optimizerHandle.call(opt -> {
                    Native.check("dfy_ppo_step_group", densify_h.dfy_ppo_step_group(Native.pointer(g),
                            Native.pointer(p), ref, Native.pointer(opt), ids, mask, batch, width, start, length, r, o,
                            stats));
                    return null;
                }))));
            }
            return new PpoStats(dfy_ppo_stats.policy_loss(stats), dfy_ppo_stats.value_loss(stats),
                    dfy_ppo_stats.entropy(stats), dfy_ppo_stats.approx_kl(stats), dfy_ppo_stats.clip_fraction(stats),
                    dfy_ppo_stats.value_clip_fraction(stats), dfy_ppo_stats.explained_variance(stats),
                    dfy_ppo_stats.grad_norm(stats), dfy_ppo_stats.kl_reference(stats), dfy_ppo_stats.reward(stats),
                    dfy_ppo_stats.loss_before(stats), dfy_ppo_stats.loss_after(stats));
        }
    }

    private static MemorySegment options(Arena arena, PpoOptions options) {
        MemorySegment o = dfy_ppo_options.allocate(arena);
        dfy_ppo_options.gamma(o, options.gamma());
        dfy_ppo_options.lam(o, options.lam());
        dfy_ppo_options.clip_range(o, options.clipRange());
        dfy_ppo_options.clip_range_value(o, options.clipRangeValue());
        dfy_ppo_options.value_coef(o, options.valueCoef());
        dfy_ppo_options.entropy_coef(o, options.entropyCoef());
        dfy_ppo_options.kl_coef(o, options.klCoef());
        dfy_ppo_options.kl_estimator(o, options.klEstimator().code());
        dfy_ppo_options.whiten_advantages(o, options.whitenAdvantages() ? 1 : 0);
        dfy_ppo_options.epochs(o, options.epochs());
        dfy_ppo_options.minibatch_size(o, options.minibatchSize());
        dfy_ppo_options.seed(o, options.seed());
        dfy_ppo_options.compute_dtype(o, options.computeDtype().code());
        return o;
    }

    private static <T> T withReference(Policy reference, java.util.function.Function<MemorySegment, T> body) {
        if (reference == null) {
            return body.apply(MemorySegment.NULL);
        }
        return Handles.of(reference).call(address -> body.apply(Native.pointer(address)));
    }

    /** Advantages and returns of checked rows (rows of equal lengths in both arrays). */
    public static float[][][] gae(float[][] rewards, float[][] values, int width, double gamma, double lam) {
        int batch = rewards.length;
        int[] lengths = new int[batch];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = Native.padded(arena, rewards, width);
            MemorySegment v = Native.padded(arena, values, width);
            MemorySegment lengthSegment = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, batch));
            for (int b = 0; b < batch; b++) {
                lengths[b] = rewards[b].length;
                lengthSegment.setAtIndex(ValueLayout.JAVA_LONG, b, lengths[b]);
            }
            MemorySegment advantages = arena.allocate(ValueLayout.JAVA_FLOAT, (long) Math.max(1, batch) * width);
            MemorySegment returns = arena.allocate(ValueLayout.JAVA_FLOAT, (long) Math.max(1, batch) * width);
            Native.load();
            Native.check("dfy_gae", densify_h.dfy_gae(r, v, lengthSegment, batch, width, gamma, lam, advantages,
                    returns));
            return new float[][][]{Native.rows(advantages, width, lengths), Native.rows(returns, width, lengths)};
        }
    }
}
