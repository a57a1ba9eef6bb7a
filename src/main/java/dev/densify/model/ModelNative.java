package dev.densify.model;

import dev.densify.bindings.densify_h;
import dev.densify.engine.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/** Marshalling shared by the model handles: config structs, creation, queries and freeing. */
final class ModelNative {

    private static final StructLayout CONFIG = densify_h.dfy_model_config;

    private ModelNative() {
    }

    /** A native model and what it reports about itself. */
    record Described(long address, ModelConfig config, long parameterCount) {
    }

    static MemorySegment config(Arena arena, ModelConfig config) {
        MemorySegment s = arena.allocate(CONFIG);
        s.set(ValueLayout.JAVA_LONG, offset(CONFIG, "vocab_size"), config.vocabSize());
        s.set(ValueLayout.JAVA_LONG, offset(CONFIG, "n_positions"), config.nPositions());
        s.set(ValueLayout.JAVA_LONG, offset(CONFIG, "n_embd"), config.nEmbd());
        s.set(ValueLayout.JAVA_LONG, offset(CONFIG, "n_layer"), config.nLayer());
        s.set(ValueLayout.JAVA_LONG, offset(CONFIG, "n_head"), config.nHead());
        s.set(ValueLayout.JAVA_DOUBLE, offset(CONFIG, "layer_norm_epsilon"), config.layerNormEpsilon());
        return s;
    }

    static long offset(StructLayout layout, String field) {
        return layout.byteOffset(PathElement.groupElement(field));
    }

    static MemorySegment pointer(long address) {
        return MemorySegment.ofAddress(address);
    }

    /** A new model with GPT-2's initialisation on an already checked device. */
    static Described create(ModelKind kind, ModelConfig config, String device, long seed) {
        Native.load();
        long address;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check("dfy_model_create", densify_h.dfy_model_create(kind.code(), config(arena, config),
                    arena.allocateFrom(device), seed, out));
            address = out.get(ValueLayout.ADDRESS, 0).address();
        }
        return describe(address, kind);
    }

    /** Reads config and parameter count of a model this thread just obtained; frees it on failure. */
    static Described describe(long address, ModelKind expected) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment model = pointer(address);
            MemorySegment kind = arena.allocate(ValueLayout.JAVA_INT);
            Native.check("dfy_model_kind", densify_h.dfy_model_kind(model, kind));
            if (kind.get(ValueLayout.JAVA_INT, 0) != expected.code()) {
                throw new IllegalStateException("native model has kind " + kind.get(ValueLayout.JAVA_INT, 0)
                        + ", expected " + expected.code());
            }
            MemorySegment c = arena.allocate(CONFIG);
            Native.check("dfy_model_get_config", densify_h.dfy_model_get_config(model, c));
            MemorySegment count = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check("dfy_model_parameter_count", densify_h.dfy_model_parameter_count(model, count));
            ModelConfig config = new ModelConfig(
                    toInt(c.get(ValueLayout.JAVA_LONG, offset(CONFIG, "vocab_size"))),
                    toInt(c.get(ValueLayout.JAVA_LONG, offset(CONFIG, "n_positions"))),
                    toInt(c.get(ValueLayout.JAVA_LONG, offset(CONFIG, "n_embd"))),
                    toInt(c.get(ValueLayout.JAVA_LONG, offset(CONFIG, "n_layer"))),
                    toInt(c.get(ValueLayout.JAVA_LONG, offset(CONFIG, "n_head"))),
                    c.get(ValueLayout.JAVA_DOUBLE, offset(CONFIG, "layer_norm_epsilon")));
            return new Described(address, config, count.get(ValueLayout.JAVA_LONG, 0));
        } catch (RuntimeException e) {
            free(address);
            throw e;
        }
    }

    private static int toInt(long value) {
        return Math.toIntExact(value);
    }

    static void free(long address) {
        densify_h.dfy_model_free(pointer(address));
    }

    /** Throws when an output of {@code count} elements cannot be a Java array. */
    static int arrayLength(String what, long count) {
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " would have " + count
                    + " elements, more than a Java array holds; use a smaller batch");
        }
        return (int) count;
    }

    /** Rows of a [rows, cols] float array. */
    static float[][] rows(MemorySegment segment, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, (long) r * cols * Float.BYTES, out[r], 0, cols);
        }
        return out;
    }
}
