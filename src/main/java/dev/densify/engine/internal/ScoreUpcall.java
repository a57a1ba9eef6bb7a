package dev.densify.engine.internal;

import dev.densify.attribution.RewardFunction;
import dev.densify.bindings.densify_h;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The {@code dfy_score_fn} behind a {@link RewardFunction}. An exception must never leave an
 * upcall (the JVM would end), so {@link #apply} catches every {@link Throwable}, keeps the first
 * one and returns non-zero; the native call then fails with {@code DFY_ERR_CALLBACK} and the
 * caller rethrows the kept exception as the cause of a
 * {@link dev.densify.engine.CallbackException}. One instance serves one native call, on the
 * thread that made it.
 */
final class ScoreUpcall implements densify_h.dfy_score_fn.Function {

    /** The function's result was unusable (null or of the wrong length). */
    static final class BadResult extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        BadResult(String message) {
            super(message);
        }
    }

    private final RewardFunction function;
    private Throwable failure;

    ScoreUpcall(RewardFunction function) {
        this.function = function;
    }

    /** The first failure, or null. */
    Throwable failure() {
        return failure;
    }

    @Override
    @SuppressWarnings("restricted") // the engine passes [batch, seq_len] int64 arrays and a [batch] float array
    public int apply(MemorySegment userData, MemorySegment ids, MemorySegment mask, long batch, long seqLen,
                     MemorySegment outScores) {
        try {
            if (failure != null) {
                return 1;
            }
            if (batch < 1 || seqLen < 1 || batch > Integer.MAX_VALUE || seqLen > Integer.MAX_VALUE
                    || batch * seqLen > Integer.MAX_VALUE - 8) {
                throw new BadResult("the engine asked for a batch of " + batch + " x " + seqLen + " tokens");
            }
            int n = (int) batch;
            int t = (int) seqLen;
            long cells = batch * seqLen;
            MemorySegment idsAll = ids.reinterpret(cells * Long.BYTES);
            MemorySegment maskAll = mask.reinterpret(cells * Long.BYTES);
            int[][] idRows = new int[n][t];
            int[][] maskRows = new int[n][t];
            long k = 0;
            for (int r = 0; r < n; r++) {
                int[] idRow = idRows[r];
                int[] maskRow = maskRows[r];
                for (int c = 0; c < t; c++, k++) {
                    idRow[c] = (int) idsAll.getAtIndex(ValueLayout.JAVA_LONG, k);
                    maskRow[c] = (int) maskAll.getAtIndex(ValueLayout.JAVA_LONG, k);
                }
            }
            float[] scores = function.score(idRows, maskRows);
            if (scores == null) {
                throw new BadResult("the RewardFunction returned null instead of " + n + " scores");
            }
            if (scores.length != n) {
                throw new BadResult("the RewardFunction returned " + scores.length + " scores for a batch of " + n
                        + " rows");
            }
            MemorySegment.copy(scores, 0, outScores.reinterpret((long) n * Float.BYTES), ValueLayout.JAVA_FLOAT, 0, n);
            return 0;
        } catch (Throwable e) {
            if (failure == null) {
                failure = e;
            }
            return 1;
        }
    }
}
