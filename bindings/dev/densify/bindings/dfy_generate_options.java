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
 * typedef struct dfy_generate_options {
 *     int64_t max_new_tokens;
 *     double temperature;
 *     int64_t top_k;
 *     double top_p;
 *     int64_t stop_token;
 *     int64_t pad_token;
 *     uint64_t seed;
 *     int32_t use_cache;
 * } dfy_generate_options;
 * }
 */
public final class dfy_generate_options {

    private dfy_generate_options() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        densify_h.C_LONG.withName("max_new_tokens"),
        densify_h.C_DOUBLE.withName("temperature"),
        densify_h.C_LONG.withName("top_k"),
        densify_h.C_DOUBLE.withName("top_p"),
        densify_h.C_LONG.withName("stop_token"),
        densify_h.C_LONG.withName("pad_token"),
        densify_h.C_LONG.withName("seed"),
        densify_h.C_INT.withName("use_cache"),
        MemoryLayout.paddingLayout(4)
    ).withName("dfy_generate_options");

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

    private static final OfLong max_new_tokens$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("max_new_tokens"));

    public static OfLong max_new_tokens$layout() {
        return max_new_tokens$LAYOUT;
    }

    private static final long max_new_tokens$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("max_new_tokens"));

    public static long max_new_tokens$offset() {
        return max_new_tokens$OFFSET;
    }

    public static long max_new_tokens(MemorySegment struct) {
        return struct.get(max_new_tokens$LAYOUT, max_new_tokens$OFFSET);
    }

    public static void max_new_tokens(MemorySegment struct, long fieldValue) {
        struct.set(max_new_tokens$LAYOUT, max_new_tokens$OFFSET, fieldValue);
    }

    private static final OfDouble temperature$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("temperature"));

    public static OfDouble temperature$layout() {
        return temperature$LAYOUT;
    }

    private static final long temperature$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("temperature"));

    public static long temperature$offset() {
        return temperature$OFFSET;
    }

    public static double temperature(MemorySegment struct) {
        return struct.get(temperature$LAYOUT, temperature$OFFSET);
    }

    public static void temperature(MemorySegment struct, double fieldValue) {
        struct.set(temperature$LAYOUT, temperature$OFFSET, fieldValue);
    }

    private static final OfLong top_k$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("top_k"));

    public static OfLong top_k$layout() {
        return top_k$LAYOUT;
    }

    private static final long top_k$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("top_k"));

    public static long top_k$offset() {
        return top_k$OFFSET;
    }

    public static long top_k(MemorySegment struct) {
        return struct.get(top_k$LAYOUT, top_k$OFFSET);
    }

    public static void top_k(MemorySegment struct, long fieldValue) {
        struct.set(top_k$LAYOUT, top_k$OFFSET, fieldValue);
    }

    private static final OfDouble top_p$LAYOUT = (OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("top_p"));

    public static OfDouble top_p$layout() {
        return top_p$LAYOUT;
    }

    private static final long top_p$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("top_p"));

    public static long top_p$offset() {
        return top_p$OFFSET;
    }

    public static double top_p(MemorySegment struct) {
        return struct.get(top_p$LAYOUT, top_p$OFFSET);
    }

    public static void top_p(MemorySegment struct, double fieldValue) {
        struct.set(top_p$LAYOUT, top_p$OFFSET, fieldValue);
    }

    private static final OfLong stop_token$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("stop_token"));

    public static OfLong stop_token$layout() {
        return stop_token$LAYOUT;
    }

    private static final long stop_token$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("stop_token"));

    public static long stop_token$offset() {
        return stop_token$OFFSET;
    }

    public static long stop_token(MemorySegment struct) {
        return struct.get(stop_token$LAYOUT, stop_token$OFFSET);
    }

    public static void stop_token(MemorySegment struct, long fieldValue) {
        struct.set(stop_token$LAYOUT, stop_token$OFFSET, fieldValue);
    }

    private static final OfLong pad_token$LAYOUT = (OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("pad_token"));

    public static OfLong pad_token$layout() {
        return pad_token$LAYOUT;
    }

    private static final long pad_token$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("pad_token"));

    public static long pad_token$offset() {
        return pad_token$OFFSET;
    }

    public static long pad_token(MemorySegment struct) {
        return struct.get(pad_token$LAYOUT, pad_token$OFFSET);
    }

    public static void pad_token(MemorySegment struct, long fieldValue) {
        struct.set(pad_token$LAYOUT, pad_token$OFFSET, fieldValue);
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

    private static final OfInt use_cache$LAYOUT = (OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("use_cache"));

    public static OfInt use_cache$layout() {
        return use_cache$LAYOUT;
    }

    private static final long use_cache$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("use_cache"));

    public static long use_cache$offset() {
        return use_cache$OFFSET;
    }

    public static int use_cache(MemorySegment struct) {
        return struct.get(use_cache$LAYOUT, use_cache$OFFSET);
    }

    public static void use_cache(MemorySegment struct, int fieldValue) {
        struct.set(use_cache$LAYOUT, use_cache$OFFSET, fieldValue);
    }

}
