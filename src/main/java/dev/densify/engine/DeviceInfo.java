package dev.densify.engine;

import java.util.Objects;

/**
 * A compute device the engine can use.
 *
 * @param id         "cpu" or "cuda:N", as accepted wherever a device is asked for
 * @param name       a human-readable name (processor model or GPU name)
 * @param totalBytes memory of the device (for the CPU: the machine's physical memory; -1 if unknown)
 * @param freeBytes  memory free when asked (-1 if unknown)
 */
public record DeviceInfo(String id, String name, long totalBytes, long freeBytes) {

    public DeviceInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }

    /** Whether this is a CUDA device. */
    public boolean isCuda() {
        return id.startsWith("cuda");
    }
}
