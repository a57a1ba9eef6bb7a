package dev.densify.engine;

import java.util.Locale;

/**
 * Token budgets of batched forwards ({@code maxBatchTokens}: rows × key positions) from the memory
 * a device has free and what one token of a GPT-2 forward holds. Free memory is CUDA's
 * {@code cudaMemGetInfo} for a {@code cuda:N} device and the kernel's {@code MemAvailable}
 * ({@link MemoryBudget#machineBytes()}) for the CPU, asked when a batch is planned, so it is what
 * is left after the models were loaded.
 *
 * <p>Bytes per token, for a model of L layers, width E, H heads, vocabulary V, keys K and an
 * element size of b bytes:
 * <ul>
 * <li>{@link Use#INFERENCE} (scoring, attribution): {@code b · (2·L·E + 18·E + 2·H·K)}: the KV cache
 * of every layer (kept for prefix reuse), and one layer's working set at a time: the LayerNorm
 * outputs, q/k/v, the attention context and projection, the MLP's 4E hidden and GELU outputs
 * and the residuals (18·E), and the attention scores and probabilities (2·H·K);
 * <li>{@link Use#LOGITS} (policy forwards): the same plus {@code 2·V·b} (logits and log-softmax);
 * <li>{@link Use#TRAINING} (PPO minibatches): {@code b · (L·(18·E + 2·H·K) + 4·V)}: every layer's
 * working set is kept for the backward pass, and logits and log-softmax with their gradients.
 * </ul>
 * A batch gets {@link #SHARE} of the free memory: the rest covers the allocator's fragmentation
 * and the temporaries the closed form leaves out (an out-of-memory is still caught and the batch
 * halved: {@link OomRetry}).
 */
public final class BatchBudget {

    /** What the forwards of a batch keep. */
    public enum Use { INFERENCE, LOGITS, TRAINING }

    /** Share of the free memory one batch may plan for. */
    public static final double SHARE = 0.5;

    private BatchBudget() {
    }

    /**
     * Bytes one token (one row at one position) of a forward holds; see the class comment.
     *
     * @param keys key positions each query attends to (the longest sequence of the batch), >= 1
     * @param elementBytes 4 for float32, 2 for bfloat16/float16
     * @return the bytes, or -1 when they overflow a long
     */
    public static long bytesPerToken(long nLayer, long nEmbd, long nHead, long vocabSize, long keys, int elementBytes,
                                     Use use) {
        if (nLayer < 1 || nEmbd < 1 || nHead < 1 || vocabSize < 1 || keys < 1 || elementBytes < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "model sizes, keys and element size must be >= 1, got layers %d, width %d, heads %d, vocabulary %d, "
                            + "keys %d, element %d", nLayer, nEmbd, nHead, vocabSize, keys, elementBytes));
        }
        try {
            long layer = Math.addExact(Math.multiplyExact(18, nEmbd), Math.multiplyExact(2, Math.multiplyExact(nHead, keys)));
            long elements = switch (use) {
                case INFERENCE -> Math.addExact(Math.multiplyExact(2, Math.multiplyExact(nLayer, nEmbd)), layer);
                case LOGITS -> Math.addExact(Math.addExact(Math.multiplyExact(2, Math.multiplyExact(nLayer, nEmbd)), layer),
                        Math.multiplyExact(2, vocabSize));
                case TRAINING -> Math.addExact(Math.multiplyExact(nLayer, layer), Math.multiplyExact(4, vocabSize));
            };
            return Math.multiplyExact(elements, (long) elementBytes);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /**
     * {@code floor(SHARE · freeBytes / bytesPerToken)}, at least {@code keys} (one row) so that a
     * batch always makes progress (a row that does not fit fails as an out-of-memory).
     */
    public static long maxBatchTokens(long freeBytes, long bytesPerToken, long keys) {
        if (freeBytes < 0 || bytesPerToken == 0 || bytesPerToken < -1 || keys < 1) {
            throw new IllegalArgumentException("freeBytes >= 0, bytesPerToken >= 1 and keys >= 1 required, got " + freeBytes
                    + ", " + bytesPerToken + ", " + keys);
        }
        if (bytesPerToken < 0) {
            return keys;
        }
        long tokens = (long) Math.floor(SHARE * (double) freeBytes / (double) bytesPerToken);
        return Math.max(keys, tokens);
    }

    /**
     * Free memory of a device now: {@code "cpu"} or {@code "cuda:N"} (as {@link Densify#parseDevice}
     * normalises it); Long.MAX_VALUE when it cannot be known.
     */
    public static long freeBytes(String device) {
        String d = Densify.parseDevice(device);
        if (d.equals("cpu")) {
            return MemoryBudget.machineBytes();
        }
        int index = Integer.parseInt(d.substring("cuda:".length()));
        long free = dev.densify.engine.internal.EngineCalls.cudaDevice(index).freeBytes();
        return free >= 0 ? free : Long.MAX_VALUE;
    }

    /** {@link #maxBatchTokens(long, long, long)} with the device's free memory now. */
    public static long forDevice(String device, long nLayer, long nEmbd, long nHead, long vocabSize, long keys,
                                 int elementBytes, Use use) {
        return maxBatchTokens(freeBytes(device), bytesPerToken(nLayer, nEmbd, nHead, vocabSize, keys, elementBytes, use),
                keys);
    }
}
