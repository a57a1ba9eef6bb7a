// Hand-maintained in jextract's shape for a struct; BindingsMatchHeaderTest checks it against densify.h.
package dev.densify.bindings;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout.OfDouble;

/**
 * {@snippet lang=c :
 * typedef struct dfy_adam_options {
 *     double learning_rate;
 *     double beta1;
 *     double beta2;
 *     double eps;
 *     double weight_decay;
 *     double max_grad_norm;
 * } dfy_adam_options;
 * }
 */
public final class dfy_adam_options {

    private dfy_adam_options() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        densify_h.C_DOUBLE.withName("learning_rate"),
        densify_h.C_DOUBLE.withName("beta1"),
        densify_h.C_DOUBLE.withName("beta2"),
        densify_h.C_DOUBLE.withName("eps"),
        densify_h.C_DOUBLE.withName("weight_decay"),
        densify_h.C_DOUBLE.withName("max_grad_norm")
    ).withName("dfy_adam_options");

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

    private static final OfDouble learning_rate$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("learning_rate"));

    public static OfDouble learning_rate$layout() {
        return learning_rate$LAYOUT;
    }

    private static final long learning_rate$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("learning_rate"));

    public static long learning_rate$offset() {
        return learning_rate$OFFSET;
    }

    public static double learning_rate(MemorySegment struct) {
        return struct.get(learning_rate$LAYOUT, learning_rate$OFFSET);
    }

    public static void learning_rate(MemorySegment struct, double fieldValue) {
        struct.set(learning_rate$LAYOUT, learning_rate$OFFSET, fieldValue);
    }

    private static final OfDouble beta1$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("beta1"));

    public static OfDouble beta1$layout() {
        return beta1$LAYOUT;
    }

    private static final long beta1$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("beta1"));

    public static long beta1$offset() {
        return beta1$OFFSET;
    }

    public static double beta1(MemorySegment struct) {
        return struct.get(beta1$LAYOUT, beta1$OFFSET);
    }

    public static void beta1(MemorySegment struct, double fieldValue) {
        struct.set(beta1$LAYOUT, beta1$OFFSET, fieldValue);
    }

    private static final OfDouble beta2$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("beta2"));

    public static OfDouble beta2$layout() {
        return beta2$LAYOUT;
    }

    private static final long beta2$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("beta2"));

    public static long beta2$offset() {
        return beta2$OFFSET;
    }

    public static double beta2(MemorySegment struct) {
        return struct.get(beta2$LAYOUT, beta2$OFFSET);
    }

    public static void beta2(MemorySegment struct, double fieldValue) {
        struct.set(beta2$LAYOUT, beta2$OFFSET, fieldValue);
    }

    private static final OfDouble eps$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("eps"));

    public static OfDouble eps$layout() {
        return eps$LAYOUT;
    }

    private static final long eps$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("eps"));

    public static long eps$offset() {
        return eps$OFFSET;
    }

    public static double eps(MemorySegment struct) {
        return struct.get(eps$LAYOUT, eps$OFFSET);
    }

    public static void eps(MemorySegment struct, double fieldValue) {
        struct.set(eps$LAYOUT, eps$OFFSET, fieldValue);
    }

    private static final OfDouble weight_decay$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("weight_decay"));

    public static OfDouble weight_decay$layout() {
        return weight_decay$LAYOUT;
    }

    private static final long weight_decay$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("weight_decay"));

    public static long weight_decay$offset() {
        return weight_decay$OFFSET;
    }

    public static double weight_decay(MemorySegment struct) {
        return struct.get(weight_decay$LAYOUT, weight_decay$OFFSET);
    }

    public static void weight_decay(MemorySegment struct, double fieldValue) {
        struct.set(weight_decay$LAYOUT, weight_decay$OFFSET, fieldValue);
    }

    private static final OfDouble max_grad_norm$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("max_grad_norm"));

    public static OfDouble max_grad_norm$layout() {
        return max_grad_norm$LAYOUT;
    }

    private static final long max_grad_norm$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("max_grad_norm"));

    public static long max_grad_norm$offset() {
        return max_grad_norm$OFFSET;
    }

    public static double max_grad_norm(MemorySegment struct) {
        return struct.get(max_grad_norm$LAYOUT, max_grad_norm$OFFSET);
    }

    public static void max_grad_norm(MemorySegment struct, double fieldValue) {
        struct.set(max_grad_norm$LAYOUT, max_grad_norm$OFFSET, fieldValue);
    }

}
