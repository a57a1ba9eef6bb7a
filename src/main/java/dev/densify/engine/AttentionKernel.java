package dev.densify.engine;

/** The attention kernel of the native forwards (see {@link Densify#setAttentionKernel}). */
public enum AttentionKernel {
    /** matmul, mask, softmax, matmul: every build. */
    PLAIN(1),
    /** libtorch's {@code scaled_dot_product_attention}: builds against libtorch 2.0 or later. */
    FUSED(2);

    private final int code;

    AttentionKernel(int code) {
        this.code = code;
    }

    /** The {@code DFY_ATTENTION_*} value. */
    public int code() {
        return code;
    }

    static AttentionKernel of(int code) {
        for (AttentionKernel k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalStateException("unknown attention kernel " + code + " from the native library");
    }
}
