package dev.densify.model;

/**
 * Which outputs {@link Policy#forward} computes and returns; at least one. Immutable.
 *
 * @param logits        [batch, seqLen, vocab] logits
 * @param values        [batch, seqLen] value-head outputs
 * @param tokenLogprobs [batch, seqLen - 1] log-probabilities of each next token
 */
public record ForwardOutputs(boolean logits, boolean values, boolean tokenLogprobs) {

    public static final ForwardOutputs ALL = new ForwardOutputs(true, true, true);
    public static final ForwardOutputs LOGITS = new ForwardOutputs(true, false, false);
    public static final ForwardOutputs VALUES = new ForwardOutputs(false, true, false);
    public static final ForwardOutputs TOKEN_LOGPROBS = new ForwardOutputs(false, false, true);

    public ForwardOutputs {
        if (!logits && !values && !tokenLogprobs) {
            throw new IllegalArgumentException("request at least one output (logits, values or tokenLogprobs)");
        }
    }

    /** The outputs of both. */
    public ForwardOutputs and(ForwardOutputs other) {
        return new ForwardOutputs(logits || other.logits, values || other.values,
                tokenLogprobs || other.tokenLogprobs);
    }
}
