package dev.densify.engine;

import dev.densify.bindings.densify_h;

/** {@code DFY_ERR_INVALID_ARGUMENT}: a value, id, shape or option was out of its domain. Immutable. */
public final class InvalidArgumentException extends DensifyException {

    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String function, String detail) {
        this(function, detail, null);
    }

    public InvalidArgumentException(String function, String detail, Throwable cause) {
        super(function, densify_h.DFY_ERR_INVALID_ARGUMENT(), detail, cause);
    }
}
