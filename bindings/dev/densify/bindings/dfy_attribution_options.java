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
 * typedef struct dfy_attribution_options {
 *     int32_t method;
 *     int64_t samples;
 *     int64_t baseline_token;
 *     uint64_t seed;
 *     int64_t max_batch_tokens;
 *     double lime_kernel_width;
 *     double ridge_alpha;
 *     int32_t reuse_prefix;
 *     int32_t shap_selection;
 *     int64_t shap_max_features;
 * } dfy_attribution_options;
 * }
 */
public final class dfy_attribution_options {

    private dfy_attribution_options() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        densify_h.C_INT.withName("method"),
        MemoryLayout.paddingLayout(4),
        densify_h.C_LONG.withName("samples"),
        densify_h.C_LONG.withName("baseline_token"),
        densify_h.C_LONG.withName("seed"),
        densify_h.C_LONG.withName("max_batch_tokens"),
        densify_h.C_DOUBLE.withName("lime_kernel_width"),
        densify_h.C_DOUBLE.withName("ridge_alpha"),
        densify_h.C_INT.withName("reuse_prefix"),
        densify_h.C_INT.withName("shap_selection"),
        densify_h.C_LONG.withName("shap_max_features")
    ).withName("dfy_attribution_options");

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

    private static final OfInt method$LAYOUT = (OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("method"));

    public static OfInt method$layout() {
        return method$LAYOUT;
    }

    private static final long method$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("method"));

    public static long method$offset() {
        return method$OFFSET;
    }

    public static int method(MemorySegment struct) {
        return struct.get(method$LAYOUT, method$OFFSET);
    }

    public static void method(MemorySegment struct, int fieldValue) {
        struct.set(method$LAYOUT, method$OFFSET, fieldValue);
    }

    private static final OfLong samples$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("samples"));

    public static OfLong samples$layout() {
        return samples$LAYOUT;
    }

    private static final long samples$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("samples"));

    public static long samples$offset() {
        return samples$OFFSET;
    }

    public static long samples(MemorySegment struct) {
        return struct.get(samples$LAYOUT, samples$OFFSET);
    }

    public static void samples(MemorySegment struct, long fieldValue) {
        struct.set(samples$LAYOUT, samples$OFFSET, fieldValue);
    }

    private static final OfLong baseline_token$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("baseline_token"));

    public static OfLong baseline_token$layout() {
        return baseline_token$LAYOUT;
    }

    private static final long baseline_token$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("baseline_token"));

    public static long baseline_token$offset() {
        return baseline_token$OFFSET;
    }

    public static long baseline_token(MemorySegment struct) {
        return struct.get(baseline_token$LAYOUT, baseline_token$OFFSET);
    }

    public static void baseline_token(MemorySegment struct, long fieldValue) {
        struct.set(baseline_token$LAYOUT, baseline_token$OFFSET, fieldValue);
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

    private static final OfLong max_batch_tokens$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("max_batch_tokens"));

    public static OfLong max_batch_tokens$layout() {
        return max_batch_tokens$LAYOUT;
    }

    private static final long max_batch_tokens$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("max_batch_tokens"));

    public static long max_batch_tokens$offset() {
        return max_batch_tokens$OFFSET;
    }

    public static long max_batch_tokens(MemorySegment struct) {
        return struct.get(max_batch_tokens$LAYOUT, max_batch_tokens$OFFSET);
    }

    public static void max_batch_tokens(MemorySegment struct, long fieldValue) {
        struct.set(max_batch_tokens$LAYOUT, max_batch_tokens$OFFSET, fieldValue);
    }

    private static final OfDouble lime_kernel_width$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("lime_kernel_width"));

    public static OfDouble lime_kernel_width$layout() {
        return lime_kernel_width$LAYOUT;
    }

    private static final long lime_kernel_width$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("lime_kernel_width"));

    public static long lime_kernel_width$offset() {
        return lime_kernel_width$OFFSET;
    }

    public static double lime_kernel_width(MemorySegment struct) {
        return struct.get(lime_kernel_width$LAYOUT, lime_kernel_width$OFFSET);
    }

    public static void lime_kernel_width(MemorySegment struct, double fieldValue) {
        struct.set(lime_kernel_width$LAYOUT, lime_kernel_width$OFFSET, fieldValue);
    }

    private static final OfDouble ridge_alpha$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("ridge_alpha"));

    public static OfDouble ridge_alpha$layout() {
        return ridge_alpha$LAYOUT;
    }

    private static final long ridge_alpha$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("ridge_alpha"));

    public static long ridge_alpha$offset() {
        return ridge_alpha$OFFSET;
    }

    public static double ridge_alpha(MemorySegment struct) {
        return struct.get(ridge_alpha$LAYOUT, ridge_alpha$OFFSET);
    }

    public static void ridge_alpha(MemorySegment struct, double fieldValue) {
        struct.set(ridge_alpha$LAYOUT, ridge_alpha$OFFSET, fieldValue);
    }

    private static final OfInt reuse_prefix$LAYOUT = (OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("reuse_prefix"));

    public static OfInt reuse_prefix$layout() {
        return reuse_prefix$LAYOUT;
    }

    private static final long reuse_prefix$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("reuse_prefix"));

    public static long reuse_prefix$offset() {
        return reuse_prefix$OFFSET;
    }

    public static int reuse_prefix(MemorySegment struct) {
        return struct.get(reuse_prefix$LAYOUT, reuse_prefix$OFFSET);
    }

    public static void reuse_prefix(MemorySegment struct, int fieldValue) {
        struct.set(reuse_prefix$LAYOUT, reuse_prefix$OFFSET, fieldValue);
    }

    private static final OfInt shap_selection$LAYOUT = (OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("shap_selection"));

    public static OfInt shap_selection$layout() {
        return shap_selection$LAYOUT;
    }

    private static final long shap_selection$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("shap_selection"));

    public static long shap_selection$offset() {
        return shap_selection$OFFSET;
    }

    public static int shap_selection(MemorySegment struct) {
        return struct.get(shap_selection$LAYOUT, shap_selection$OFFSET);
    }

    public static void shap_selection(MemorySegment struct, int fieldValue) {
        struct.set(shap_selection$LAYOUT, shap_selection$OFFSET, fieldValue);
    }

    private static final OfLong shap_max_features$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("shap_max_features"));

    public static OfLong shap_max_features$layout() {
        return shap_max_features$LAYOUT;
    }

    private static final long shap_max_features$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("shap_max_features"));

    public static long shap_max_features$offset() {
        return shap_max_features$OFFSET;
    }

    public static long shap_max_features(MemorySegment struct) {
        return struct.get(shap_max_features$LAYOUT, shap_max_features$OFFSET);
    }

    public static void shap_max_features(MemorySegment struct, long fieldValue) {
        struct.set(shap_max_features$LAYOUT, shap_max_features$OFFSET, fieldValue);
    }

}
