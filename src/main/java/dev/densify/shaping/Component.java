package dev.densify.shaping;

import java.util.Arrays;
import java.util.Locale;

/** A source of per-token credit that the dense reward blends. */
public enum Component {
    /** All of the sequence reward on the last response token: plain RLHF. */
    SPARSE,
    /** KernelSHAP attributions of the reward model's score. */
    SHAP,
    /** LIME attributions of the reward model's score. */
    LIME,
    /** The reward model's last-layer attention from the scoring position. */
    ATTENTION;

    /** The lower-case name used on the command line and in files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a lower- or upper-case name; the message lists the known ones. */
    public static Component parse(String text) {
        if (text != null) {
            for (Component c : values()) {
                if (c.id().equalsIgnoreCase(text.strip())) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("unknown component '" + text + "' (known: "
                + String.join(", ", Arrays.stream(values()).map(Component::id).toList()) + ")");
    }
}
