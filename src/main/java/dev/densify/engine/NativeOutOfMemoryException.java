package dev.densify.engine;

import dev.densify.bindings.densify_h;

/** {@code DFY_ERR_OUT_OF_MEMORY}: a host or device allocation in the native engine failed. Immutable. */
public final class NativeOutOfMemoryException extends DensifyException {

    private static final long serialVersionUID = 1L;

    public NativeOutOfMemoryException(String function, String detail) {
        this(function, detail, null);
    }

    public NativeOutOfMemoryException(String function, String detail, Throwable cause) {
        super(function, densify_h.DFY_ERR_OUT_OF_MEMORY(), detail, cause);
    }
}
