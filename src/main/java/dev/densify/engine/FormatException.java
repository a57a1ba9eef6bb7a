package dev.densify.engine;

import dev.densify.bindings.densify_h;

/** {@code DFY_ERR_FORMAT}: a file or buffer is corrupt or does not match the model configuration. Immutable. */
public final class FormatException extends DensifyException {

    private static final long serialVersionUID = 1L;

    public FormatException(String function, String detail) {
        this(function, detail, null);
    }

    public FormatException(String function, String detail, Throwable cause) {
        super(function, densify_h.DFY_ERR_FORMAT(), detail, cause);
    }
}
