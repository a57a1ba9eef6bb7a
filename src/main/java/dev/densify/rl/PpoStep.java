package dev.densify.rl;

import dev.densify.bindings.densify_h;
import dev.densify.engine.Native;
import dev.densify.model.Optimizer;
import dev.densify.model.Policy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * One native PPO update ({@code dfy_ppo_step}) of a policy on a batch of rollouts with
 * per-token rewards. The policy's, the reference's and the optimizer's locks are held in that
 * order for the call.
 */
public final class PpoStep {

    private static final StructLayout OPTIONS = densify_h.dfy_ppo_options;
    private static final StructLayout STATS = densify_h.dfy_ppo_stats;

    private PpoStep() {
    }

    /**
     * Runs the update.
     *
     * @param reference     the frozen reference policy, or null when {@code options.klCoef()} is 0
     * @param sequences     prompt + response token ids per rollout
     * @param responseStart index of the first response token in each sequence (≥ 1)
     * @param rewards       per response token of each rollout (its length is the response length)
     */
    public static PpoStats run(Policy policy, Policy reference, Optimizer optimizer, int[][] sequences,
                               int[] responseStart, float[][] rewards, PpoOptions options) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(sequences, "sequences");
        Objects.requireNonNull(responseStart, "responseStart");
        Objects.requireNonNull(rewards, "rewards");
        Objects.requireNonNull(options, "options");
        int batch = sequences.length;
        if (batch == 0) {
            throw new IllegalArgumentException("empty batch of rollouts");
        }
        if (responseStart.length != batch || rewards.length != batch) {
            throw new IllegalArgumentException("sequences (" + batch + "), responseStart (" + responseStart.length
                    + ") and rewards (" + rewards.length + ") differ in length");
        }
        int width = 0;
        long packed = 0;
        for (int b = 0; b < batch; b++) {
            Objects.requireNonNull(sequences[b], "sequences[" + b + "]");
            Objects.requireNonNull(rewards[b], "rewards[" + b + "]");
            width = Math.max(width, sequences[b].length);
            packed += rewards[b].length;
        }
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
            MemorySegment o = arena.allocate(OPTIONS);
            set(o, "gamma", options.gamma());
            set(o, "lam", options.lam());
            set(o, "clip_range", options.clipRange());
            set(o, "clip_range_value", options.clipRangeValue());
            set(o, "value_coef", options.valueCoef());
            set(o, "entropy_coef", options.entropyCoef());
            set(o, "kl_coef", options.klCoef());
            o.set(ValueLayout.JAVA_INT, offset(OPTIONS, "kl_estimator"), options.klEstimator().code());
            o.set(ValueLayout.JAVA_INT, offset(OPTIONS, "whiten_advantages"), options.whitenAdvantages() ? 1 : 0);
            o.set(ValueLayout.JAVA_LONG, offset(OPTIONS, "epochs"), options.epochs());
            o.set(ValueLayout.JAVA_LONG, offset(OPTIONS, "minibatch_size"), options.minibatchSize());
            o.set(ValueLayout.JAVA_LONG, offset(OPTIONS, "seed"), options.seed());
            MemorySegment stats = arena.allocate(STATS);
            int seqLen = width;
            policy.withAddress(p -> withReference(reference, ref -> optimizer.use(policy, opt -> {
                Native.check("dfy_ppo_step", densify_h.dfy_ppo_step(MemorySegment.ofAddress(p), ref,
                        MemorySegment.ofAddress(opt), ids, mask, batch, seqLen, start, length, r, o, stats));
                return null;
            })));
            return new PpoStats(get(stats, "policy_loss"), get(stats, "value_loss"), get(stats, "entropy"),
                    get(stats, "approx_kl"), get(stats, "clip_fraction"), get(stats, "value_clip_fraction"),
                    get(stats, "explained_variance"), get(stats, "grad_norm"), get(stats, "kl_reference"),
                    get(stats, "reward"), get(stats, "loss_before"), get(stats, "loss_after"));
        }
    }

    private static <T> T withReference(Policy reference, java.util.function.Function<MemorySegment, T> body) {
        if (reference == null) {
            return body.apply(MemorySegment.NULL);
        }
        return reference.withAddress(address -> body.apply(MemorySegment.ofAddress(address)));
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement(field));
    }

    private static void set(MemorySegment s, String field, double value) {
        s.set(ValueLayout.JAVA_DOUBLE, offset(OPTIONS, field), value);
    }

    private static double get(MemorySegment s, String field) {
        return s.get(ValueLayout.JAVA_DOUBLE, offset(STATS, field));
    }
}
