package dev.densify.task;

import java.util.Locale;

/** How big a prepared task is: {@code small} (fast, for tests) or {@code default}. */
public enum TaskSize {
    SMALL, DEFAULT;

    /** The name on the command line and in task.json: "small" or "default". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The size named {@code id}.
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static TaskSize fromId(String id) {
        for (TaskSize s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown size '" + id + "': expected small or default");
    }
}
