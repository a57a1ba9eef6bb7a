// Hand-maintained in jextract's shape for a struct; BindingsMatchHeaderTest checks it against densify.h.
package dev.densify.bindings;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout.OfDouble;

/**
 * {@snippet lang=c :
 * typedef struct dfy_ppo_stats {
 *     double policy_loss;
 *     double value_loss;
 *     double entropy;
 *     double approx_kl;
 *     double clip_fraction;
 *     double value_clip_fraction;
 *     double explained_variance;
 *     double grad_norm;
 *     double kl_reference;
 *     double reward;
 *     double loss_before;
 *     double loss_after;
 * } dfy_ppo_stats;
 * }
 */
public final class dfy_ppo_stats {

    private dfy_ppo_stats() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        densify_h.C_DOUBLE.withName("policy_loss"),
        densify_h.C_DOUBLE.withName("value_loss"),
        densify_h.C_DOUBLE.withName("entropy"),
        densify_h.C_DOUBLE.withName("approx_kl"),
        densify_h.C_DOUBLE.withName("clip_fraction"),
        densify_h.C_DOUBLE.withName("value_clip_fraction"),
        densify_h.C_DOUBLE.withName("explained_variance"),
        densify_h.C_DOUBLE.withName("grad_norm"),
        densify_h.C_DOUBLE.withName("kl_reference"),
        densify_h.C_DOUBLE.withName("reward"),
        densify_h.C_DOUBLE.withName("loss_before"),
        densify_h.C_DOUBLE.withName("loss_after")
    ).withName("dfy_ppo_stats");

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

    private static final OfDouble policy_loss$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("policy_loss"));

    public static OfDouble policy_loss$layout() {
        return policy_loss$LAYOUT;
    }

    private static final long policy_loss$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("policy_loss"));

    public static long policy_loss$offset() {
        return policy_loss$OFFSET;
    }

    public static double policy_loss(MemorySegment struct) {
        return struct.get(policy_loss$LAYOUT, policy_loss$OFFSET);
    }

    public static void policy_loss(MemorySegment struct, double fieldValue) {
        struct.set(policy_loss$LAYOUT, policy_loss$OFFSET, fieldValue);
    }

    private static final OfDouble value_loss$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("value_loss"));

    public static OfDouble value_loss$layout() {
        return value_loss$LAYOUT;
    }

    private static final long value_loss$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("value_loss"));

    public static long value_loss$offset() {
        return value_loss$OFFSET;
    }

    public static double value_loss(MemorySegment struct) {
        return struct.get(value_loss$LAYOUT, value_loss$OFFSET);
    }

    public static void value_loss(MemorySegment struct, double fieldValue) {
        struct.set(value_loss$LAYOUT, value_loss$OFFSET, fieldValue);
    }

    private static final OfDouble entropy$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("entropy"));

    public static OfDouble entropy$layout() {
        return entropy$LAYOUT;
    }

    private static final long entropy$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("entropy"));

    public static long entropy$offset() {
        return entropy$OFFSET;
    }

    public static double entropy(MemorySegment struct) {
        return struct.get(entropy$LAYOUT, entropy$OFFSET);
    }

    public static void entropy(MemorySegment struct, double fieldValue) {
        struct.set(entropy$LAYOUT, entropy$OFFSET, fieldValue);
    }

    private static final OfDouble approx_kl$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("approx_kl"));

    public static OfDouble approx_kl$layout() {
        return approx_kl$LAYOUT;
    }

    private static final long approx_kl$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("approx_kl"));

    public static long approx_kl$offset() {
        return approx_kl$OFFSET;
    }

    public static double approx_kl(MemorySegment struct) {
        return struct.get(approx_kl$LAYOUT, approx_kl$OFFSET);
    }

    public static void approx_kl(MemorySegment struct, double fieldValue) {
        struct.set(approx_kl$LAYOUT, approx_kl$OFFSET, fieldValue);
    }

    private static final OfDouble clip_fraction$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("clip_fraction"));

    public static OfDouble clip_fraction$layout() {
        return clip_fraction$LAYOUT;
    }

    private static final long clip_fraction$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("clip_fraction"));

    public static long clip_fraction$offset() {
        return clip_fraction$OFFSET;
    }

    public static double clip_fraction(MemorySegment struct) {
        return struct.get(clip_fraction$LAYOUT, clip_fraction$OFFSET);
    }

    public static void clip_fraction(MemorySegment struct, double fieldValue) {
        struct.set(clip_fraction$LAYOUT, clip_fraction$OFFSET, fieldValue);
    }

    private static final OfDouble value_clip_fraction$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("value_clip_fraction"));

    public static OfDouble value_clip_fraction$layout() {
        return value_clip_fraction$LAYOUT;
    }

    private static final long value_clip_fraction$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("value_clip_fraction"));

    public static long value_clip_fraction$offset() {
        return value_clip_fraction$OFFSET;
    }

    public static double value_clip_fraction(MemorySegment struct) {
        return struct.get(value_clip_fraction$LAYOUT, value_clip_fraction$OFFSET);
    }

    public static void value_clip_fraction(MemorySegment struct, double fieldValue) {
        struct.set(value_clip_fraction$LAYOUT, value_clip_fraction$OFFSET, fieldValue);
    }

    private static final OfDouble explained_variance$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("explained_variance"));

    public static OfDouble explained_variance$layout() {
        return explained_variance$LAYOUT;
    }

    private static final long explained_variance$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("explained_variance"));

    public static long explained_variance$offset() {
        return explained_variance$OFFSET;
    }

    public static double explained_variance(MemorySegment struct) {
        return struct.get(explained_variance$LAYOUT, explained_variance$OFFSET);
    }

    public static void explained_variance(MemorySegment struct, double fieldValue) {
        struct.set(explained_variance$LAYOUT, explained_variance$OFFSET, fieldValue);
    }

    private static final OfDouble grad_norm$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("grad_norm"));

    public static OfDouble grad_norm$layout() {
        return grad_norm$LAYOUT;
    }

    private static final long grad_norm$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("grad_norm"));

    public static long grad_norm$offset() {
        return grad_norm$OFFSET;
    }

    public static double grad_norm(MemorySegment struct) {
        return struct.get(grad_norm$LAYOUT, grad_norm$OFFSET);
    }

    public static void grad_norm(MemorySegment struct, double fieldValue) {
        struct.set(grad_norm$LAYOUT, grad_norm$OFFSET, fieldValue);
    }

    private static final OfDouble kl_reference$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("kl_reference"));

    public static OfDouble kl_reference$layout() {
        return kl_reference$LAYOUT;
    }

    private static final long kl_reference$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("kl_reference"));

    public static long kl_reference$offset() {
        return kl_reference$OFFSET;
    }

    public static double kl_reference(MemorySegment struct) {
        return struct.get(kl_reference$LAYOUT, kl_reference$OFFSET);
    }

    public static void kl_reference(MemorySegment struct, double fieldValue) {
        struct.set(kl_reference$LAYOUT, kl_reference$OFFSET, fieldValue);
    }

    private static final OfDouble reward$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("reward"));

    public static OfDouble reward$layout() {
        return reward$LAYOUT;
    }

    private static final long reward$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("reward"));

    public static long reward$offset() {
        return reward$OFFSET;
    }

    public static double reward(MemorySegment struct) {
        return struct.get(reward$LAYOUT, reward$OFFSET);
    }

    public static void reward(MemorySegment struct, double fieldValue) {
        struct.set(reward$LAYOUT, reward$OFFSET, fieldValue);
    }

    private static final OfDouble loss_before$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("loss_before"));

    public static OfDouble loss_before$layout() {
        return loss_before$LAYOUT;
    }

    private static final long loss_before$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("loss_before"));

    public static long loss_before$offset() {
        return loss_before$OFFSET;
    }

    public static double loss_before(MemorySegment struct) {
        return struct.get(loss_before$LAYOUT, loss_before$OFFSET);
    }

    public static void loss_before(MemorySegment struct, double fieldValue) {
        struct.set(loss_before$LAYOUT, loss_before$OFFSET, fieldValue);
    }

    private static final OfDouble loss_after$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("loss_after"));

    public static OfDouble loss_after$layout() {
        return loss_after$LAYOUT;
    }

    private static final long loss_after$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("loss_after"));

    public static long loss_after$offset() {
        return loss_after$OFFSET;
    }

    public static double loss_after(MemorySegment struct) {
        return struct.get(loss_after$LAYOUT, loss_after$OFFSET);
    }

    public static void loss_after(MemorySegment struct, double fieldValue) {
        struct.set(loss_after$LAYOUT, loss_after$OFFSET, fieldValue);
    }

}
