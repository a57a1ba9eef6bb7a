package dev.densify.attribution;

import dev.densify.bindings.densify_h;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/** An attribution method. */
public enum Method {

    /** KernelSHAP ({@link KernelShap}). */
    SHAP("shap"),
    /** LIME for text ({@link Lime}). */
    LIME("lime"),
    /** Last-layer attention from the scoring position ({@link AttentionCredit}). */
    ATTENTION("attention");

    private final String id;

    Method(String id) {
        this.id = id;
    }

    /** The lower-case name used on the command line and in JSON: shap, lime, attention. */
    public String id() {
        return id;
    }

    /** The native {@code DFY_ATTRIBUTION_*} code. */
    int code() {
        return switch (this) {
            case SHAP -> densify_h.DFY_ATTRIBUTION_SHAP();
            case LIME -> densify_h.DFY_ATTRIBUTION_LIME();
            case ATTENTION -> densify_h.DFY_ATTRIBUTION_ATTENTION();
        };
    }

    /**
     * The method named {@code id} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the unknown method and the known ones
     */
    public static Method parse(String id) {
        Objects.requireNonNull(id, "method");
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        for (Method m : values()) {
            if (m.id.equals(wanted)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown attribution method '" + id + "' (expected one of "
                + Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return id;
    }
}
