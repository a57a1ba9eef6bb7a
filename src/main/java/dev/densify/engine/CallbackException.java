package dev.densify.engine;

import dev.densify.bindings.densify_h;

/** {@code DFY_ERR_CALLBACK}: a Java callback invoked by the native engine reported failure. Immutable. */
public final class CallbackException extends DensifyException {

    private static final long serialVersionUID = 1L;

    public CallbackException(String function, String detail) {
        this(function, detail, null);
    }

    public CallbackException(String function, String detail, Throwable cause) {
        super(function, densify_h.DFY_ERR_CALLBACK(), detail, cause);
    }
}
