// Hand-maintained in jextract's shape for a struct; BindingsMatchHeaderTest checks it against densify.h.
package dev.densify.bindings;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout.OfDouble;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfLong;

/**
 * {@snippet lang=c :
 * typedef struct dfy_ppo_options {
 *     double gamma;
 *     double lam;
 *     double clip_range;
 *     double clip_range_value;
 *     double value_coef;
 *     double entropy_coef;
 *     double kl_coef;
 *     int32_t kl_estimator;
 *     int32_t whiten_advantages;
 *     int64_t epochs;
 *     int64_t minibatch_size;
 *     uint64_t seed;
 * } dfy_ppo_options;
 * }
 */
public final class dfy_ppo_options {

    private dfy_ppo_options() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        densify_h.C_DOUBLE.withName("gamma"),
        densify_h.C_DOUBLE.withName("lam"),
        densify_h.C_DOUBLE.withName("clip_range"),
        densify_h.C_DOUBLE.withName("clip_range_value"),
        densify_h.C_DOUBLE.withName("value_coef"),
        densify_h.C_DOUBLE.withName("entropy_coef"),
        densify_h.C_DOUBLE.withName("kl_coef"),
        densify_h.C_INT.withName("kl_estimator"),
        densify_h.C_INT.withName("whiten_advantages"),
        densify_h.C_LONG.withName("epochs"),
        densify_h.C_LONG.withName("minibatch_size"),
        densify_h.C_LONG.withName("seed")
    ).withName("dfy_ppo_options");

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

    private static final OfDouble gamma$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("gamma"));

    public static OfDouble gamma$layout() {
        return gamma$LAYOUT;
    }

    private static final long gamma$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("gamma"));

    public static long gamma$offset() {
        return gamma$OFFSET;
    }

    public static double gamma(MemorySegment struct) {
        return struct.get(gamma$LAYOUT, gamma$OFFSET);
    }

    public static void gamma(MemorySegment struct, double fieldValue) {
        struct.set(gamma$LAYOUT, gamma$OFFSET, fieldValue);
    }

    private static final OfDouble lam$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("lam"));

    public static OfDouble lam$layout() {
        return lam$LAYOUT;
    }

    private static final long lam$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("lam"));

    public static long lam$offset() {
        return lam$OFFSET;
    }

    public static double lam(MemorySegment struct) {
        return struct.get(lam$LAYOUT, lam$OFFSET);
    }

    public static void lam(MemorySegment struct, double fieldValue) {
        struct.set(lam$LAYOUT, lam$OFFSET, fieldValue);
    }

    private static final OfDouble clip_range$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("clip_range"));

    public static OfDouble clip_range$layout() {
        return clip_range$LAYOUT;
    }

    private static final long clip_range$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("clip_range"));

    public static long clip_range$offset() {
        return clip_range$OFFSET;
    }

    public static double clip_range(MemorySegment struct) {
        return struct.get(clip_range$LAYOUT, clip_range$OFFSET);
    }

    public static void clip_range(MemorySegment struct, double fieldValue) {
        struct.set(clip_range$LAYOUT, clip_range$OFFSET, fieldValue);
    }

    private static final OfDouble clip_range_value$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("clip_range_value"));

    public static OfDouble clip_range_value$layout() {
        return clip_range_value$LAYOUT;
    }

    private static final long clip_range_value$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("clip_range_value"));

    public static long clip_range_value$offset() {
        return clip_range_value$OFFSET;
    }

    public static double clip_range_value(MemorySegment struct) {
        return struct.get(clip_range_value$LAYOUT, clip_range_value$OFFSET);
    }

    public static void clip_range_value(MemorySegment struct, double fieldValue) {
        struct.set(clip_range_value$LAYOUT, clip_range_value$OFFSET, fieldValue);
    }

    private static final OfDouble value_coef$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("value_coef"));

    public static OfDouble value_coef$layout() {
        return value_coef$LAYOUT;
    }

    private static final long value_coef$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("value_coef"));

    public static long value_coef$offset() {
        return value_coef$OFFSET;
    }

    public static double value_coef(MemorySegment struct) {
        return struct.get(value_coef$LAYOUT, value_coef$OFFSET);
    }

    public static void value_coef(MemorySegment struct, double fieldValue) {
        struct.set(value_coef$LAYOUT, value_coef$OFFSET, fieldValue);
    }

    private static final OfDouble entropy_coef$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("entropy_coef"));

    public static OfDouble entropy_coef$layout() {
        return entropy_coef$LAYOUT;
    }

    private static final long entropy_coef$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("entropy_coef"));

    public static long entropy_coef$offset() {
        return entropy_coef$OFFSET;
    }

    public static double entropy_coef(MemorySegment struct) {
        return struct.get(entropy_coef$LAYOUT, entropy_coef$OFFSET);
    }

    public static void entropy_coef(MemorySegment struct, double fieldValue) {
        struct.set(entropy_coef$LAYOUT, entropy_coef$OFFSET, fieldValue);
    }

    private static final OfDouble kl_coef$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("kl_coef"));

    public static OfDouble kl_coef$layout() {
        return kl_coef$LAYOUT;
    }

    private static final long kl_coef$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("kl_coef"));

    public static long kl_coef$offset() {
        return kl_coef$OFFSET;
    }

    public static double kl_coef(MemorySegment struct) {
        return struct.get(kl_coef$LAYOUT, kl_coef$OFFSET);
    }

    public static void kl_coef(MemorySegment struct, double fieldValue) {
        struct.set(kl_coef$LAYOUT, kl_coef$OFFSET, fieldValue);
    }

    private static final OfInt kl_estimator$LAYOUT = (OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("kl_estimator"));

    public static OfInt kl_estimator$layout() {
        return kl_estimator$LAYOUT;
    }

    private static final long kl_estimator$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("kl_estimator"));

    public static long kl_estimator$offset() {
        return kl_estimator$OFFSET;
    }

    public static int kl_estimator(MemorySegment struct) {
        return struct.get(kl_estimator$LAYOUT, kl_estimator$OFFSET);
    }

    public static void kl_estimator(MemorySegment struct, int fieldValue) {
        struct.set(kl_estimator$LAYOUT, kl_estimator$OFFSET, fieldValue);
    }

    private static final OfInt whiten_advantages$LAYOUT = (OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("whiten_advantages"));

    public static OfInt whiten_advantages$layout() {
        return whiten_advantages$LAYOUT;
    }

    private static final long whiten_advantages$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("whiten_advantages"));

    public static long whiten_advantages$offset() {
        return whiten_advantages$OFFSET;
    }

    public static int whiten_advantages(MemorySegment struct) {
        return struct.get(whiten_advantages$LAYOUT, whiten_advantages$OFFSET);
    }

    public static void whiten_advantages(MemorySegment struct, int fieldValue) {
        struct.set(whiten_advantages$LAYOUT, whiten_advantages$OFFSET, fieldValue);
    }

    private static final OfLong epochs$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("epochs"));

    public static OfLong epochs$layout() {
        return epochs$LAYOUT;
    }

    private static final long epochs$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("epochs"));

    public static long epochs$offset() {
        return epochs$OFFSET;
    }

    public static long epochs(MemorySegment struct) {
        return struct.get(epochs$LAYOUT, epochs$OFFSET);
    }

    public static void epochs(MemorySegment struct, long fieldValue) {
        struct.set(epochs$LAYOUT, epochs$OFFSET, fieldValue);
    }

    private static final OfLong minibatch_size$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("minibatch_size"));

    public static OfLong minibatch_size$layout() {
        return minibatch_size$LAYOUT;
    }

    private static final long minibatch_size$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("minibatch_size"));

    public static long minibatch_size$offset() {
        return minibatch_size$OFFSET;
    }

    public static long minibatch_size(MemorySegment struct) {
        return struct.get(minibatch_size$LAYOUT, minibatch_size$OFFSET);
    }

    public static void minibatch_size(MemorySegment struct, long fieldValue) {
        struct.set(minibatch_size$LAYOUT, minibatch_size$OFFSET, fieldValue);
    }

    private static final OfLong seed$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("seed"));

    public static OfLong seed$layout() {
        return seed$LAYOUT;
    }

    private static final long seed$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("seed"));

    public static long seed$offset() {
        return seed$OFFSET;
    }

    public static long seed(MemorySegment struct) {
        return struct.get(seed$LAYOUT, seed$OFFSET);
    }

    public static void seed(MemorySegment struct, long fieldValue) {
        struct.set(seed$LAYOUT, seed$OFFSET, fieldValue);
    }

}
