package dev.densify.model;

import dev.densify.bindings.densify_h;

import java.util.Locale;

/** The kinds of model the engine builds; {@link #code()} is the C ABI's {@code DFY_MODEL_*}. */
public enum ModelKind {
    /** GPT-2 with its tied LM head and a scalar value head. */
    POLICY(densify_h.DFY_MODEL_POLICY()),
    /** GPT-2 backbone with a scalar score head. */
    REWARD(densify_h.DFY_MODEL_REWARD());

    private final int code;

    ModelKind(int code) {
        this.code = code;
    }

    /** The C ABI's constant for this kind. */
    public int code() {
        return code;
    }

    /** The name used in checkpoint metadata and on the command line: "policy" or "reward". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code id} ("policy" or "reward"). */
    public static ModelKind fromId(String id) {
        for (ModelKind kind : values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown model kind '" + id + "': expected policy or reward");
    }

    /** The kind for a C ABI code. */
    static ModelKind fromCode(int code) {
        for (ModelKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown model kind code " + code);
    }
}
