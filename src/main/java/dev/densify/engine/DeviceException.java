package dev.densify.engine;

import dev.densify.bindings.densify_h;

/** {@code DFY_ERR_DEVICE}: a device is unavailable or failed. Immutable. */
public final class DeviceException extends DensifyException {

    private static final long serialVersionUID = 1L;

    public DeviceException(String function, String detail) {
        this(function, detail, null);
    }

    public DeviceException(String function, String detail, Throwable cause) {
        super(function, densify_h.DFY_ERR_DEVICE(), detail, cause);
    }
}
