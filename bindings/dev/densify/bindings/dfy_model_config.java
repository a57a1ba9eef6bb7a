// Hand-maintained in jextract's shape for a struct; BindingsMatchHeaderTest checks it against densify.h.
package dev.densify.bindings;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout.OfDouble;
import java.lang.foreign.ValueLayout.OfLong;

/**
 * {@snippet lang=c :
 * typedef struct dfy_model_config {
 *     int64_t vocab_size;
 *     int64_t n_positions;
 *     int64_t n_embd;
 *     int64_t n_layer;
 *     int64_t n_head;
 *     double layer_norm_epsilon;
 * } dfy_model_config;
 * }
 */
public final class dfy_model_config {

    private dfy_model_config() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        densify_h.C_LONG.withName("vocab_size"),
        densify_h.C_LONG.withName("n_positions"),
        densify_h.C_LONG.withName("n_embd"),
        densify_h.C_LONG.withName("n_layer"),
        densify_h.C_LONG.withName("n_head"),
        densify_h.C_DOUBLE.withName("layer_norm_epsilon")
    ).withName("dfy_model_config");

    /** The layout of this struct. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** The size of this struct in bytes. */
    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    /** Allocates a zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    private static final OfLong vocab_size$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("vocab_size"));

    public static OfLong vocab_size$layout() {
        return vocab_size$LAYOUT;
    }

    private static final long vocab_size$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("vocab_size"));

    public static long vocab_size$offset() {
        return vocab_size$OFFSET;
    }

    public static long vocab_size(MemorySegment struct) {
        return struct.get(vocab_size$LAYOUT, vocab_size$OFFSET);
    }

    public static void vocab_size(MemorySegment struct, long fieldValue) {
        struct.set(vocab_size$LAYOUT, vocab_size$OFFSET, fieldValue);
    }

    private static final OfLong n_positions$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("n_positions"));

    public static OfLong n_positions$layout() {
        return n_positions$LAYOUT;
    }

    private static final long n_positions$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("n_positions"));

    public static long n_positions$offset() {
        return n_positions$OFFSET;
    }

    public static long n_positions(MemorySegment struct) {
        return struct.get(n_positions$LAYOUT, n_positions$OFFSET);
    }

    public static void n_positions(MemorySegment struct, long fieldValue) {
        struct.set(n_positions$LAYOUT, n_positions$OFFSET, fieldValue);
    }

    private static final OfLong n_embd$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("n_embd"));

    public static OfLong n_embd$layout() {
        return n_embd$LAYOUT;
    }

    private static final long n_embd$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("n_embd"));

    public static long n_embd$offset() {
        return n_embd$OFFSET;
    }

    public static long n_embd(MemorySegment struct) {
        return struct.get(n_embd$LAYOUT, n_embd$OFFSET);
    }

    public static void n_embd(MemorySegment struct, long fieldValue) {
        struct.set(n_embd$LAYOUT, n_embd$OFFSET, fieldValue);
    }

    private static final OfLong n_layer$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("n_layer"));

    public static OfLong n_layer$layout() {
        return n_layer$LAYOUT;
    }

    private static final long n_layer$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("n_layer"));

    public static long n_layer$offset() {
        return n_layer$OFFSET;
    }

    public static long n_layer(MemorySegment struct) {
        return struct.get(n_layer$LAYOUT, n_layer$OFFSET);
    }

    public static void n_layer(MemorySegment struct, long fieldValue) {
        struct.set(n_layer$LAYOUT, n_layer$OFFSET, fieldValue);
    }

    private static final OfLong n_head$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("n_head"));

    public static OfLong n_head$layout() {
        return n_head$LAYOUT;
    }

    private static final long n_head$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("n_head"));

    public static long n_head$offset() {
        return n_head$OFFSET;
    }

    public static long n_head(MemorySegment struct) {
        return struct.get(n_head$LAYOUT, n_head$OFFSET);
    }

    public static void n_head(MemorySegment struct, long fieldValue) {
        struct.set(n_head$LAYOUT, n_head$OFFSET, fieldValue);
    }

    private static final OfDouble layer_norm_epsilon$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("layer_norm_epsilon"));

    public static OfDouble layer_norm_epsilon$layout() {
        return layer_norm_epsilon$LAYOUT;
    }

    private static final long layer_norm_epsilon$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("layer_norm_epsilon"));

    public static long layer_norm_epsilon$offset() {
        return layer_norm_epsilon$OFFSET;
    }

    public static double layer_norm_epsilon(MemorySegment struct) {
        return struct.get(layer_norm_epsilon$LAYOUT, layer_norm_epsilon$OFFSET);
    }

    public static void layer_norm_epsilon(MemorySegment struct, double fieldValue) {
        struct.set(layer_norm_epsilon$LAYOUT, layer_norm_epsilon$OFFSET, fieldValue);
    }

}
