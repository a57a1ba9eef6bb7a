package dev.densify.bo;

/**
 * A function of a batch of q points (GP inputs) whose maximiser is worth evaluating next.
 * Implementations are thread-safe: the optimiser may evaluate them from several threads.
 */
public interface AcquisitionFunction {

    /** q, the number of points {@link #evaluate} takes. */
    int batchSize();

    /** The value at {@code points} (q rows of GP inputs); larger is better. */
    double evaluate(double[][] points);
}
