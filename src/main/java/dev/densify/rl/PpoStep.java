package dev.densify.rl;

import dev.densify.engine.internal.PpoCalls;
import dev.densify.model.Optimizer;
import dev.densify.model.Policy;

import java.util.Objects;

/**
 * One native PPO update ({@code dfy_ppo_step}) of a policy on a batch of rollouts with
 * per-token rewards. The policy's, the reference's and the optimizer's locks are held in that
 * order for the call.
 */
public final class PpoStep {

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
        return run(null, policy, reference, optimizer, sequences, responseStart, rewards, options, 0);
    }

    /**
     * Runs the update with each forward and backward within {@code maxBatchTokens} rows × positions:
     * a minibatch larger than that runs in micro-batches whose gradients are accumulated (the same
     * update up to float rounding); 0 runs each minibatch at once.
     */
    public static PpoStats run(Policy policy, Policy reference, Optimizer optimizer, int[][] sequences,
                               int[] responseStart, float[][] rewards, PpoOptions options, long maxBatchTokens) {
        return run(null, policy, reference, optimizer, sequences, responseStart, rewards, options, maxBatchTokens);
    }

    /**
     * The update of a data-parallel group ({@code dfy_ppo_step_group}): this rank passes its own
     * rollouts (rank r's follow rank r-1's in the whole batch) and every rank takes the step one
     * process would take on the whole batch; the statistics are the whole batch's. Collective.
     *
     * @param group          null for one process (as {@link #run(Policy, Policy, Optimizer, int[][], int[], float[][], PpoOptions)})
     * @param maxBatchTokens rows × positions a forward and backward may take (micro-batches); 0: each minibatch at once
     */
    public static PpoStats run(ProcessGroup group, Policy policy, Policy reference, Optimizer optimizer,
                               int[][] sequences, int[] responseStart, float[][] rewards, PpoOptions options,
                               long maxBatchTokens) {
        if (maxBatchTokens < 0) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 0 (0 = off), got " + maxBatchTokens);
        }
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(sequences, "sequences");
        Objects.requireNonNull(responseStart, "responseStart");
        Objects.requireNonNull(rewards, "rewards");
        Objects.requireNonNull(options, "options");
        if (optimizer.model() != policy) {
            throw new IllegalArgumentException("this optimizer belongs to another model");
        }
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
        return PpoCalls.step(group == null ? null : group.handle(), policy, reference, optimizer, sequences, responseStart,
                rewards, options, width, packed, maxBatchTokens);
    }
}
