package dev.densify.engine;

import dev.densify.bindings.densify_h;

import java.lang.foreign.MemorySegment;

/**
 * Internal helpers for calling the bindings: status checking and C strings. Not part of the
 * supported API. Stateless and thread-safe.
 */
public final class Native {

    private Native() {
    }

    /**
     * Loads the native library if needed. Call before the first use of the bindings so that a
     * missing library surfaces as a {@link DensifyException} rather than a class initialisation error.
     */
    public static void load() {
        NativeLibrary.load();
    }

    /**
     * Throws the {@link DensifyException} for {@code status} unless it is {@code DFY_OK}. Must run on
     * the thread that made the failing call, before any other native call on it: the message comes
     * from the thread-local {@code dfy_last_error()} (FFM downcalls run on the calling thread).
     */
    public static void check(String function, int status) {
        if (status != densify_h.DFY_OK()) {
            throw DensifyException.of(function, status, string(densify_h.dfy_last_error()));
        }
    }

    /** The NUL-terminated UTF-8 string at {@code pointer}; "" for NULL. */
    @SuppressWarnings("restricted") // the native side promises a NUL-terminated string
    static String string(MemorySegment pointer) {
        if (pointer.address() == 0) {
            return "";
        }
        return pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
