package dev.densify.engine.internal;

import dev.densify.bindings.densify_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * The downcalls about the engine as a whole: versions, threads, devices and the runtime it
 * resolved. Each loads the library on first use. Stateless; thread-safe.
 */
public final class EngineCalls {

    private static final int NAME_CAPACITY = 256;

    private EngineCalls() {
    }

    /** One CUDA device as {@code dfy_cuda_device_info} reports it. */
    public record Device(String name, long totalBytes, long freeBytes) {
    }

    public static String version() {
        Native.load();
        return Native.string(densify_h.dfy_version());
    }

    public static String torchVersion() {
        Native.load();
        return Native.string(densify_h.dfy_torch_version());
    }

    public static Path libraryPath() {
        return NativeLibrary.path();
    }

    public static boolean cudaCompiled() {
        Native.load();
        return densify_h.dfy_cuda_compiled() != 0;
    }

    public static boolean fusedAttentionCompiled() {
        Native.load();
        return densify_h.dfy_fused_attention_compiled() != 0;
    }

    /** {@code DFY_ATTENTION_PLAIN} or {@code DFY_ATTENTION_FUSED}. */
    public static int attention() {
        return readInt("dfy_get_attention", out -> densify_h.dfy_get_attention(out));
    }

    public static void setAttention(int kernel) {
        Native.load();
        Native.check("dfy_set_attention", densify_h.dfy_set_attention(kernel));
    }

    /** {@code DFY_DTYPE_*}. */
    public static int computeDtype() {
        return readInt("dfy_get_compute_dtype", out -> densify_h.dfy_get_compute_dtype(out));
    }

    public static void setComputeDtype(int dtype) {
        Native.load();
        Native.check("dfy_set_compute_dtype", densify_h.dfy_set_compute_dtype(dtype));
    }

    public static int threads() {
        return readInt("dfy_get_num_threads", out -> densify_h.dfy_get_num_threads(out));
    }

    public static void setThreads(int threads) {
        Native.load();
        Native.check("dfy_set_num_threads", densify_h.dfy_set_num_threads(threads));
    }

    public static int cudaDeviceCount() {
        return readInt("dfy_cuda_device_count", out -> densify_h.dfy_cuda_device_count(out));
    }

    public static Device cudaDevice(int index) {
        Native.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(NAME_CAPACITY);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check("dfy_cuda_device_info", densify_h.dfy_cuda_device_info(index, name, NAME_CAPACITY, total, free));
            // Guard against a missing terminator rather than reading past the buffer.
            name.set(ValueLayout.JAVA_BYTE, NAME_CAPACITY - 1, (byte) 0);
            return new Device(name.getString(0), total.get(ValueLayout.JAVA_LONG, 0), free.get(ValueLayout.JAVA_LONG, 0));
        }
    }

    /** The JSON text of {@code dfy_runtime_info}, asked for its length first. */
    public static String runtimeInfoJson() {
        Native.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check("dfy_runtime_info", densify_h.dfy_runtime_info(MemorySegment.NULL, 0, length));
            long capacity = length.get(ValueLayout.JAVA_LONG, 0) + 1;
            MemorySegment buffer = arena.allocate(capacity);
            Native.check("dfy_runtime_info", densify_h.dfy_runtime_info(buffer, capacity, length));
            return buffer.getString(0);
        }
    }

    @FunctionalInterface
    private interface IntOut {
        int call(MemorySegment out);
    }

    private static int readInt(String function, IntOut call) {
        Native.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            Native.check(function, call.call(out));
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }
}
