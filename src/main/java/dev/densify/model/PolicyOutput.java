package dev.densify.model;

/**
 * What {@link Policy#forward} computed. Outputs that were not requested are null. The arrays are
 * the caller's (not copied; equality is by reference), so this is as thread-safe as its use.
 *
 * @param batchSize     rows of the input
 * @param seqLen        length of the rows
 * @param vocabSize     vocabulary size
 * @param logits        [batchSize * seqLen * vocabSize], row-major; see {@link #logit}
 * @param values        [batchSize][seqLen]
 * @param tokenLogprobs [batchSize][seqLen - 1]: log p(ids[t+1] | ids[..t]); 0 where mask[t+1] = 0
 */
public record PolicyOutput(int batchSize, int seqLen, int vocabSize, float[] logits, float[][] values,
                           float[][] tokenLogprobs) {

    /** The logit of token {@code v} at position {@code t} of row {@code b}. */
    public float logit(int b, int t, int v) {
        if (logits == null) {
            throw new IllegalStateException("logits were not requested");
        }
        if (b < 0 || b >= batchSize || t < 0 || t >= seqLen || v < 0 || v >= vocabSize) {
            throw new IndexOutOfBoundsException("logit(" + b + ", " + t + ", " + v + ") outside ["
                    + batchSize + ", " + seqLen + ", " + vocabSize + "]");
        }
        return logits[(b * seqLen + t) * vocabSize + v];
    }
}
