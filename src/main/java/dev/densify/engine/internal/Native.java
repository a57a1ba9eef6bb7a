package dev.densify.engine.internal;

import dev.densify.bindings.densify_h;
import dev.densify.engine.DensifyException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What every call into the bindings shares: loading, status checking, C strings and the copies
 * between Java arrays and native buffers. Stateless and thread-safe.
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

    /** A native pointer held by a {@link NativeHandle}. */
    static MemorySegment pointer(long address) {
        return MemorySegment.ofAddress(address);
    }

    /** The pointer written to an out-parameter of type {@code T**}. */
    static long address(MemorySegment out) {
        return out.get(ValueLayout.ADDRESS, 0).address();
    }

    /** Throws when an output of {@code count} elements cannot be a Java array. */
    public static int arrayLength(String what, long count) {
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " would have " + count
                    + " elements, more than a Java array holds; use a smaller batch");
        }
        return (int) count;
    }

    /** A rectangular int array as a native int64 [rows, cols] array. */
    static MemorySegment int64(Arena arena, int[][] rows) {
        int cols = rows[0].length;
        MemorySegment segment = arena.allocate(ValueLayout.JAVA_LONG, (long) rows.length * cols);
        long i = 0;
        for (int[] row : rows) {
            for (int v : row) {
                segment.setAtIndex(ValueLayout.JAVA_LONG, i++, v);
            }
        }
        return segment;
    }

    /** Rows of a [rows, cols] float array. */
    static float[][] rows(MemorySegment segment, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, (long) r * cols * Float.BYTES, out[r], 0, cols);
        }
        return out;
    }

    /** Rows of different lengths from a [rows, width] float array (each row from its start). */
    static float[][] rows(MemorySegment segment, int width, int[] lengths) {
        float[][] out = new float[lengths.length][];
        for (int r = 0; r < lengths.length; r++) {
            out[r] = new float[lengths[r]];
            MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, (long) r * width * Float.BYTES, out[r], 0, lengths[r]);
        }
        return out;
    }

    /** Rows of different lengths into a zero-padded [rows, width] float array. */
    static MemorySegment padded(Arena arena, float[][] rows, int width) {
        MemorySegment segment = arena.allocate(ValueLayout.JAVA_FLOAT, (long) Math.max(1, rows.length) * width);
        for (int r = 0; r < rows.length; r++) {
            MemorySegment.copy(rows[r], 0, segment, ValueLayout.JAVA_FLOAT, (long) r * width * Float.BYTES, rows[r].length);
        }
        return segment;
    }
}
