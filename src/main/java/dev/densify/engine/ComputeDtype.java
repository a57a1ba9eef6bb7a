package dev.densify.engine;

import java.util.Locale;

/** The element type of inference forwards' matrix products (see {@link Densify#setComputeDtype}). */
public enum ComputeDtype {
    FLOAT32(1),
    /** CPU and CUDA. */
    BFLOAT16(2),
    /** CUDA devices only. */
    FLOAT16(3);

    private final int code;

    ComputeDtype(int code) {
        this.code = code;
    }

    /** The {@code DFY_DTYPE_*} value. */
    public int code() {
        return code;
    }

    /** float32, bfloat16 or float16 (any case). */
    public static ComputeDtype parse(String text) {
        for (ComputeDtype d : values()) {
            if (d.name().equalsIgnoreCase(text.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("dtype '" + text + "' is not one of float32, bfloat16, float16");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ComputeDtype of(int code) {
        for (ComputeDtype d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        throw new IllegalStateException("unknown compute dtype " + code + " from the native library");
    }
}
