package dev.densify.engine;

import dev.densify.bindings.densify_h;

/**
 * A failure reported by the native engine (or detected by the Java layer on its behalf).
 *
 * <p>The message has the form {@code <function>: <detail>}, where {@code function} names the
 * native function (or the Java operation) that failed and {@code detail} is the native text.
 * Subclasses say which kind of failure it was; internal errors (bugs) use this class itself.
 * Immutable and therefore thread-safe.
 */
public class DensifyException extends RuntimeException {

    /** {@link #status()} of a failure detected in Java before any native status existed. */
    public static final int NO_STATUS = -1;

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String function;
    private final String detail;

    public DensifyException(String function, int status, String detail) {
        this(function, status, detail, null);
    }

    public DensifyException(String function, int status, String detail, Throwable cause) {
        super(function + ": " + (detail == null || detail.isEmpty() ? describe(status) : detail), cause);
        this.status = status;
        this.function = function;
        this.detail = detail == null || detail.isEmpty() ? describe(status) : detail;
    }

    /**
     * The exception type for a native status: {@link InvalidArgumentException},
     * {@link FormatException}, {@link DeviceException}, {@link NativeOutOfMemoryException},
     * {@link CallbackException}, else this base class.
     */
    public static DensifyException of(String function, int status, String detail) {
        return of(function, status, detail, null);
    }

    public static DensifyException of(String function, int status, String detail, Throwable cause) {
        if (status == densify_h.DFY_ERR_INVALID_ARGUMENT()) {
            return new InvalidArgumentException(function, detail, cause);
        } else if (status == densify_h.DFY_ERR_FORMAT()) {
            return new FormatException(function, detail, cause);
        } else if (status == densify_h.DFY_ERR_DEVICE()) {
            return new DeviceException(function, detail, cause);
        } else if (status == densify_h.DFY_ERR_OUT_OF_MEMORY()) {
            return new NativeOutOfMemoryException(function, detail, cause);
        } else if (status == densify_h.DFY_ERR_CALLBACK()) {
            return new CallbackException(function, detail, cause);
        }
        return new DensifyException(function, status, detail, cause);
    }

    /** The native status ({@code DFY_ERR_*}), or {@link #NO_STATUS}. */
    public int status() {
        return status;
    }

    /** The native function (or Java operation) that failed. */
    public String function() {
        return function;
    }

    /** The message without the function prefix. */
    public String detail() {
        return detail;
    }

    private static String describe(int status) {
        return status == NO_STATUS ? "failed" : "failed with status " + status + " and no message";
    }
}
