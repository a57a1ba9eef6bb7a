// Checked-in FFM bindings for native/include/densify.h, in the shape jextract generates.
// Keep in step with the header: BindingsMatchHeaderTest fails on any difference.
// No logic here beyond what jextract emits; the library is found by dev.densify.engine.internal.NativeLibrary.

package dev.densify.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import java.util.stream.Collectors;

@SuppressWarnings({"unused", "restricted"})
public class densify_h {

    densify_h() {
        // Should not be called directly
    }

    static final boolean TRACE_DOWNCALLS = Boolean.getBoolean("jextract.trace.downcalls");

    static void traceDowncall(String name, Object... args) {
        String traceArgs = Arrays.stream(args)
                .map(Object::toString)
                .collect(Collectors.joining(", "));
        System.out.printf("%s(%s)\n", name, traceArgs);
    }

    // Resolved when a function's holder is first used (not at class initialisation), so that
    // constants and layouts work without the library and the library's loader may use them.
    static MemorySegment findOrThrow(String symbol) {
        return SYMBOL_LOOKUP().find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }

    static SymbolLookup SYMBOL_LOOKUP() {
        return dev.densify.engine.internal.NativeLibrary.lookup();
    }

    static MethodHandle upcallHandle(Class<?> fi, String name, FunctionDescriptor fdesc) {
        try {
            return MethodHandles.lookup().findVirtual(fi, name, fdesc.toMethodType());
        } catch (ReflectiveOperationException ex) {
            throw new AssertionError(ex);
        }
    }

    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final int DFY_ABI_VERSION = (int)6L;

    /**
     * {@snippet lang=c :
     * #define DFY_ABI_VERSION 6
     * }
     */
    public static int DFY_ABI_VERSION() {
        return DFY_ABI_VERSION;
    }

    private static final int DFY_OK = (int)0L;

    /**
     * {@snippet lang=c :
     * #define DFY_OK 0
     * }
     */
    public static int DFY_OK() {
        return DFY_OK;
    }

    private static final int DFY_ERR_INVALID_ARGUMENT = (int)1L;

    /**
     * {@snippet lang=c :
     * #define DFY_ERR_INVALID_ARGUMENT 1
     * }
     */
    public static int DFY_ERR_INVALID_ARGUMENT() {
        return DFY_ERR_INVALID_ARGUMENT;
    }

    private static final int DFY_ERR_FORMAT = (int)2L;

    /**
     * {@snippet lang=c :
     * #define DFY_ERR_FORMAT 2
     * }
     */
    public static int DFY_ERR_FORMAT() {
        return DFY_ERR_FORMAT;
    }

    private static final int DFY_ERR_DEVICE = (int)3L;

    /**
     * {@snippet lang=c :
     * #define DFY_ERR_DEVICE 3
     * }
     */
    public static int DFY_ERR_DEVICE() {
        return DFY_ERR_DEVICE;
    }

    private static final int DFY_ERR_OUT_OF_MEMORY = (int)4L;

    /**
     * {@snippet lang=c :
     * #define DFY_ERR_OUT_OF_MEMORY 4
     * }
     */
    public static int DFY_ERR_OUT_OF_MEMORY() {
        return DFY_ERR_OUT_OF_MEMORY;
    }

    private static final int DFY_ERR_CALLBACK = (int)5L;

    /**
     * {@snippet lang=c :
     * #define DFY_ERR_CALLBACK 5
     * }
     */
    public static int DFY_ERR_CALLBACK() {
        return DFY_ERR_CALLBACK;
    }

    private static final int DFY_ERR_INTERNAL = (int)99L;

    /**
     * {@snippet lang=c :
     * #define DFY_ERR_INTERNAL 99
     * }
     */
    public static int DFY_ERR_INTERNAL() {
        return DFY_ERR_INTERNAL;
    }

    private static final int DFY_ATTRIBUTION_SHAP = (int)1L;

    /**
     * {@snippet lang=c :
     * #define DFY_ATTRIBUTION_SHAP 1
     * }
     */
    public static int DFY_ATTRIBUTION_SHAP() {
        return DFY_ATTRIBUTION_SHAP;
    }

    private static final int DFY_ATTRIBUTION_LIME = (int)2L;

    /**
     * {@snippet lang=c :
     * #define DFY_ATTRIBUTION_LIME 2
     * }
     */
    public static int DFY_ATTRIBUTION_LIME() {
        return DFY_ATTRIBUTION_LIME;
    }

    private static final int DFY_ATTRIBUTION_ATTENTION = (int)3L;

    /**
     * {@snippet lang=c :
     * #define DFY_ATTRIBUTION_ATTENTION 3
     * }
     */
    public static int DFY_ATTRIBUTION_ATTENTION() {
        return DFY_ATTRIBUTION_ATTENTION;
    }

    private static final int DFY_SELECTION_NONE = (int)0L;

    /**
     * {@snippet lang=c :
     * #define DFY_SELECTION_NONE 0
     * }
     */
    public static int DFY_SELECTION_NONE() {
        return DFY_SELECTION_NONE;
    }

    private static final int DFY_SELECTION_AUTO = (int)1L;

    /**
     * {@snippet lang=c :
     * #define DFY_SELECTION_AUTO 1
     * }
     */
    public static int DFY_SELECTION_AUTO() {
        return DFY_SELECTION_AUTO;
    }

    private static final int DFY_SELECTION_AIC = (int)2L;

    /**
     * {@snippet lang=c :
     * #define DFY_SELECTION_AIC 2
     * }
     */
    public static int DFY_SELECTION_AIC() {
        return DFY_SELECTION_AIC;
    }

    private static final int DFY_SELECTION_BIC = (int)3L;

    /**
     * {@snippet lang=c :
     * #define DFY_SELECTION_BIC 3
     * }
     */
    public static int DFY_SELECTION_BIC() {
        return DFY_SELECTION_BIC;
    }

    private static final int DFY_SELECTION_TOP = (int)4L;

    /**
     * {@snippet lang=c :
     * #define DFY_SELECTION_TOP 4
     * }
     */
    public static int DFY_SELECTION_TOP() {
        return DFY_SELECTION_TOP;
    }

    private static final int DFY_MAX_SAMPLES = (int)1048576L;

    /**
     * {@snippet lang=c :
     * #define DFY_MAX_SAMPLES 1048576
     * }
     */
    public static int DFY_MAX_SAMPLES() {
        return DFY_MAX_SAMPLES;
    }

    private static final int DFY_KL_K1 = (int)1L;

    /**
     * {@snippet lang=c :
     * #define DFY_KL_K1 1
     * }
     */
    public static int DFY_KL_K1() {
        return DFY_KL_K1;
    }

    private static final int DFY_KL_K3 = (int)2L;

    /**
     * {@snippet lang=c :
     * #define DFY_KL_K3 2
     * }
     */
    public static int DFY_KL_K3() {
        return DFY_KL_K3;
    }

    private static final int DFY_ATTENTION_PLAIN = (int)1L;

    /**
     * {@snippet lang=c :
     * #define DFY_ATTENTION_PLAIN 1
     * }
     */
    public static int DFY_ATTENTION_PLAIN() {
        return DFY_ATTENTION_PLAIN;
    }

    private static final int DFY_ATTENTION_FUSED = (int)2L;

    /**
     * {@snippet lang=c :
     * #define DFY_ATTENTION_FUSED 2
     * }
     */
    public static int DFY_ATTENTION_FUSED() {
        return DFY_ATTENTION_FUSED;
    }

    private static final int DFY_DTYPE_FLOAT32 = (int)1L;

    /**
     * {@snippet lang=c :
     * #define DFY_DTYPE_FLOAT32 1
     * }
     */
    public static int DFY_DTYPE_FLOAT32() {
        return DFY_DTYPE_FLOAT32;
    }

    private static final int DFY_DTYPE_BFLOAT16 = (int)2L;

    /**
     * {@snippet lang=c :
     * #define DFY_DTYPE_BFLOAT16 2
     * }
     */
    public static int DFY_DTYPE_BFLOAT16() {
        return DFY_DTYPE_BFLOAT16;
    }

    private static final int DFY_DTYPE_FLOAT16 = (int)3L;

    /**
     * {@snippet lang=c :
     * #define DFY_DTYPE_FLOAT16 3
     * }
     */
    public static int DFY_DTYPE_FLOAT16() {
        return DFY_DTYPE_FLOAT16;
    }

    private static final int DFY_MODEL_POLICY = (int)1L;

    /**
     * {@snippet lang=c :
     * #define DFY_MODEL_POLICY 1
     * }
     */
    public static int DFY_MODEL_POLICY() {
        return DFY_MODEL_POLICY;
    }

    private static final int DFY_MODEL_REWARD = (int)2L;

    /**
     * {@snippet lang=c :
     * #define DFY_MODEL_REWARD 2
     * }
     */
    public static int DFY_MODEL_REWARD() {
        return DFY_MODEL_REWARD;
    }

    private static final int DFY_SCORE_ONLY_ROW = (int)-2L;

    /**
     * {@snippet lang=c :
     * #define DFY_SCORE_ONLY_ROW -2
     * }
     */
    public static int DFY_SCORE_ONLY_ROW() {
        return DFY_SCORE_ONLY_ROW;
    }

    private static final int DFY_SCORE_LOGIT_DIFFERENCE = (int)-1L;

    /**
     * {@snippet lang=c :
     * #define DFY_SCORE_LOGIT_DIFFERENCE -1
     * }
     */
    public static int DFY_SCORE_LOGIT_DIFFERENCE() {
        return DFY_SCORE_LOGIT_DIFFERENCE;
    }

    /**
     * {@snippet lang=c :
     * typedef struct dfy_model_config {
     *     int64_t vocab_size;
     *     int64_t n_positions;
     *     int64_t n_embd;
     *     int64_t n_layer;
     *     int64_t n_head;
     *     double layer_norm_epsilon;
     *     int64_t score_label;
     * } dfy_model_config;
     * }
     */
    public static final class dfy_model_config {

        private dfy_model_config() {
            // Should not be called directly
        }

        private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            densify_h.C_LONG.withName("vocab_size"),
            densify_h.C_LONG.withName("n_positions"),
            densify_h.C_LONG.withName("n_embd"),
            densify_h.C_LONG.withName("n_layer"),
            densify_h.C_LONG.withName("n_head"),
            densify_h.C_DOUBLE.withName("layer_norm_epsilon"),
            densify_h.C_LONG.withName("score_label")
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

        private static final ValueLayout.OfLong vocab_size$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("vocab_size"));

        public static ValueLayout.OfLong vocab_size$layout() {
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

        private static final ValueLayout.OfLong n_positions$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("n_positions"));

        public static ValueLayout.OfLong n_positions$layout() {
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

        private static final ValueLayout.OfLong n_embd$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("n_embd"));

        public static ValueLayout.OfLong n_embd$layout() {
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

        private static final ValueLayout.OfLong n_layer$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("n_layer"));

        public static ValueLayout.OfLong n_layer$layout() {
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

        private static final ValueLayout.OfLong n_head$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("n_head"));

        public static ValueLayout.OfLong n_head$layout() {
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

        private static final ValueLayout.OfDouble layer_norm_epsilon$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("layer_norm_epsilon"));

        public static ValueLayout.OfDouble layer_norm_epsilon$layout() {
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

        private static final ValueLayout.OfLong score_label$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("score_label"));

        public static ValueLayout.OfLong score_label$layout() {
            return score_label$LAYOUT;
        }

        private static final long score_label$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("score_label"));

        public static long score_label$offset() {
            return score_label$OFFSET;
        }

        public static long score_label(MemorySegment struct) {
            return struct.get(score_label$LAYOUT, score_label$OFFSET);
        }

        public static void score_label(MemorySegment struct, long fieldValue) {
            struct.set(score_label$LAYOUT, score_label$OFFSET, fieldValue);
        }

    }

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
    public static final class dfy_generate_options {

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

        private static final ValueLayout.OfLong max_new_tokens$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("max_new_tokens"));

        public static ValueLayout.OfLong max_new_tokens$layout() {
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

        private static final ValueLayout.OfDouble temperature$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("temperature"));

        public static ValueLayout.OfDouble temperature$layout() {
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

        private static final ValueLayout.OfLong top_k$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("top_k"));

        public static ValueLayout.OfLong top_k$layout() {
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

        private static final ValueLayout.OfDouble top_p$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("top_p"));

        public static ValueLayout.OfDouble top_p$layout() {
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

        private static final ValueLayout.OfLong stop_token$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("stop_token"));

        public static ValueLayout.OfLong stop_token$layout() {
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

        private static final ValueLayout.OfLong pad_token$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("pad_token"));

        public static ValueLayout.OfLong pad_token$layout() {
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

        private static final ValueLayout.OfLong seed$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("seed"));

        public static ValueLayout.OfLong seed$layout() {
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

        private static final ValueLayout.OfInt use_cache$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("use_cache"));

        public static ValueLayout.OfInt use_cache$layout() {
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
    public static final class dfy_adam_options {

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

        private static final ValueLayout.OfDouble learning_rate$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("learning_rate"));

        public static ValueLayout.OfDouble learning_rate$layout() {
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

        private static final ValueLayout.OfDouble beta1$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("beta1"));

        public static ValueLayout.OfDouble beta1$layout() {
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

        private static final ValueLayout.OfDouble beta2$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("beta2"));

        public static ValueLayout.OfDouble beta2$layout() {
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

        private static final ValueLayout.OfDouble eps$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("eps"));

        public static ValueLayout.OfDouble eps$layout() {
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

        private static final ValueLayout.OfDouble weight_decay$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("weight_decay"));

        public static ValueLayout.OfDouble weight_decay$layout() {
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

        private static final ValueLayout.OfDouble max_grad_norm$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("max_grad_norm"));

        public static ValueLayout.OfDouble max_grad_norm$layout() {
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
     *     int64_t max_batch_tokens;
     *     int32_t compute_dtype;
     * } dfy_ppo_options;
     * }
     */
    public static final class dfy_ppo_options {

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
            densify_h.C_LONG.withName("seed"),
            densify_h.C_LONG.withName("max_batch_tokens"),
            densify_h.C_INT.withName("compute_dtype"),
            MemoryLayout.paddingLayout(4)
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

        private static final ValueLayout.OfDouble gamma$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("gamma"));

        public static ValueLayout.OfDouble gamma$layout() {
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

        private static final ValueLayout.OfDouble lam$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("lam"));

        public static ValueLayout.OfDouble lam$layout() {
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

        private static final ValueLayout.OfDouble clip_range$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("clip_range"));

        public static ValueLayout.OfDouble clip_range$layout() {
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

        private static final ValueLayout.OfDouble clip_range_value$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("clip_range_value"));

        public static ValueLayout.OfDouble clip_range_value$layout() {
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

        private static final ValueLayout.OfDouble value_coef$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("value_coef"));

        public static ValueLayout.OfDouble value_coef$layout() {
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

        private static final ValueLayout.OfDouble entropy_coef$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("entropy_coef"));

        public static ValueLayout.OfDouble entropy_coef$layout() {
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

        private static final ValueLayout.OfDouble kl_coef$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("kl_coef"));

        public static ValueLayout.OfDouble kl_coef$layout() {
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

        private static final ValueLayout.OfInt kl_estimator$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("kl_estimator"));

        public static ValueLayout.OfInt kl_estimator$layout() {
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

        private static final ValueLayout.OfInt whiten_advantages$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("whiten_advantages"));

        public static ValueLayout.OfInt whiten_advantages$layout() {
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

        private static final ValueLayout.OfLong epochs$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("epochs"));

        public static ValueLayout.OfLong epochs$layout() {
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

        private static final ValueLayout.OfLong minibatch_size$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("minibatch_size"));

        public static ValueLayout.OfLong minibatch_size$layout() {
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

        private static final ValueLayout.OfLong seed$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("seed"));

        public static ValueLayout.OfLong seed$layout() {
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


        private static final ValueLayout.OfLong max_batch_tokens$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("max_batch_tokens"));

        public static ValueLayout.OfLong max_batch_tokens$layout() {
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


        private static final ValueLayout.OfInt compute_dtype$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("compute_dtype"));

        public static ValueLayout.OfInt compute_dtype$layout() {
            return compute_dtype$LAYOUT;
        }

        private static final long compute_dtype$OFFSET = $LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("compute_dtype"));

        public static long compute_dtype$offset() {
            return compute_dtype$OFFSET;
        }

        public static int compute_dtype(MemorySegment struct) {
            return struct.get(compute_dtype$LAYOUT, compute_dtype$OFFSET);
        }

        public static void compute_dtype(MemorySegment struct, int fieldValue) {
            struct.set(compute_dtype$LAYOUT, compute_dtype$OFFSET, fieldValue);
        }
    }

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
    public static final class dfy_ppo_stats {

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

        private static final ValueLayout.OfDouble policy_loss$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("policy_loss"));

        public static ValueLayout.OfDouble policy_loss$layout() {
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

        private static final ValueLayout.OfDouble value_loss$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("value_loss"));

        public static ValueLayout.OfDouble value_loss$layout() {
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

        private static final ValueLayout.OfDouble entropy$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("entropy"));

        public static ValueLayout.OfDouble entropy$layout() {
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

        private static final ValueLayout.OfDouble approx_kl$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("approx_kl"));

        public static ValueLayout.OfDouble approx_kl$layout() {
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

        private static final ValueLayout.OfDouble clip_fraction$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("clip_fraction"));

        public static ValueLayout.OfDouble clip_fraction$layout() {
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

        private static final ValueLayout.OfDouble value_clip_fraction$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("value_clip_fraction"));

        public static ValueLayout.OfDouble value_clip_fraction$layout() {
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

        private static final ValueLayout.OfDouble explained_variance$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("explained_variance"));

        public static ValueLayout.OfDouble explained_variance$layout() {
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

        private static final ValueLayout.OfDouble grad_norm$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("grad_norm"));

        public static ValueLayout.OfDouble grad_norm$layout() {
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

        private static final ValueLayout.OfDouble kl_reference$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("kl_reference"));

        public static ValueLayout.OfDouble kl_reference$layout() {
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

        private static final ValueLayout.OfDouble reward$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("reward"));

        public static ValueLayout.OfDouble reward$layout() {
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

        private static final ValueLayout.OfDouble loss_before$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("loss_before"));

        public static ValueLayout.OfDouble loss_before$layout() {
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

        private static final ValueLayout.OfDouble loss_after$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("loss_after"));

        public static ValueLayout.OfDouble loss_after$layout() {
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
    public static final class dfy_attribution_options {

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

        private static final ValueLayout.OfInt method$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("method"));

        public static ValueLayout.OfInt method$layout() {
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

        private static final ValueLayout.OfLong samples$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("samples"));

        public static ValueLayout.OfLong samples$layout() {
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

        private static final ValueLayout.OfLong baseline_token$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("baseline_token"));

        public static ValueLayout.OfLong baseline_token$layout() {
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

        private static final ValueLayout.OfLong seed$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("seed"));

        public static ValueLayout.OfLong seed$layout() {
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

        private static final ValueLayout.OfLong max_batch_tokens$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("max_batch_tokens"));

        public static ValueLayout.OfLong max_batch_tokens$layout() {
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

        private static final ValueLayout.OfDouble lime_kernel_width$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("lime_kernel_width"));

        public static ValueLayout.OfDouble lime_kernel_width$layout() {
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

        private static final ValueLayout.OfDouble ridge_alpha$LAYOUT = (ValueLayout.OfDouble) $LAYOUT.select(MemoryLayout.PathElement.groupElement("ridge_alpha"));

        public static ValueLayout.OfDouble ridge_alpha$layout() {
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

        private static final ValueLayout.OfInt reuse_prefix$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("reuse_prefix"));

        public static ValueLayout.OfInt reuse_prefix$layout() {
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

        private static final ValueLayout.OfInt shap_selection$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("shap_selection"));

        public static ValueLayout.OfInt shap_selection$layout() {
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

        private static final ValueLayout.OfLong shap_max_features$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(MemoryLayout.PathElement.groupElement("shap_max_features"));

        public static ValueLayout.OfLong shap_max_features$layout() {
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

    /**
     * {@snippet lang=c :
     * typedef int32_t (*dfy_score_fn)(void *user_data, const int64_t *ids, const int64_t *mask, int64_t batch, int64_t seq_len, float *out_scores)
     * }
     */
    public static class dfy_score_fn {

        dfy_score_fn() {
            // Should not be called directly
        }

        /**
         * The function pointer signature, expressed as a functional interface
         */
        public interface Function {
            int apply(MemorySegment user_data, MemorySegment ids, MemorySegment mask, long batch, long seq_len, MemorySegment out_scores);
        }

        private static final FunctionDescriptor $DESC = FunctionDescriptor.of(
                densify_h.C_INT,
                densify_h.C_POINTER,
                densify_h.C_POINTER,
                densify_h.C_POINTER,
                densify_h.C_LONG,
                densify_h.C_LONG,
                densify_h.C_POINTER
        );

        /**
         * The descriptor of this function pointer
         */
        public static FunctionDescriptor descriptor() {
            return $DESC;
        }

        private static final MethodHandle UP$MH = densify_h.upcallHandle(dfy_score_fn.Function.class, "apply", $DESC);

        /**
         * Allocates a new upcall stub, whose implementation is defined by {@code fi}.
         * The lifetime of the returned segment is managed by {@code arena}
         */
        public static MemorySegment allocate(dfy_score_fn.Function fi, Arena arena) {
            return Linker.nativeLinker().upcallStub(UP$MH.bindTo(fi), $DESC, arena);
        }

        private static final MethodHandle DOWN$MH = Linker.nativeLinker().downcallHandle($DESC);

        /**
         * Invoke the upcall stub {@code funcPtr}, with given parameters
         */
        public static int invoke(MemorySegment funcPtr, MemorySegment user_data, MemorySegment ids, MemorySegment mask, long batch, long seq_len, MemorySegment out_scores) {
            try {
                return (int) DOWN$MH.invokeExact(funcPtr, user_data, ids, mask, batch, seq_len, out_scores);
            } catch (Error | RuntimeException ex) {
                throw ex;
            } catch (Throwable ex$) {
                throw new AssertionError("should not reach here", ex$);
            }
        }
    }

    private static class dfy_abi_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_abi_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_abi_version$descriptor() {
        return dfy_abi_version.DESC;
    }

    public static MethodHandle dfy_abi_version$handle() {
        return dfy_abi_version.HANDLE;
    }

    public static MemorySegment dfy_abi_version$address() {
        return dfy_abi_version.ADDR;
    }

    public static int dfy_abi_version() {
        var mh$ = dfy_abi_version.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_abi_version");
            }
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_version$descriptor() {
        return dfy_version.DESC;
    }

    public static MethodHandle dfy_version$handle() {
        return dfy_version.HANDLE;
    }

    public static MemorySegment dfy_version$address() {
        return dfy_version.ADDR;
    }

    public static MemorySegment dfy_version() {
        var mh$ = dfy_version.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_version");
            }
            return (MemorySegment) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_torch_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_torch_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_torch_version$descriptor() {
        return dfy_torch_version.DESC;
    }

    public static MethodHandle dfy_torch_version$handle() {
        return dfy_torch_version.HANDLE;
    }

    public static MemorySegment dfy_torch_version$address() {
        return dfy_torch_version.ADDR;
    }

    public static MemorySegment dfy_torch_version() {
        var mh$ = dfy_torch_version.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_torch_version");
            }
            return (MemorySegment) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_last_error {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_last_error");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_last_error$descriptor() {
        return dfy_last_error.DESC;
    }

    public static MethodHandle dfy_last_error$handle() {
        return dfy_last_error.HANDLE;
    }

    public static MemorySegment dfy_last_error$address() {
        return dfy_last_error.ADDR;
    }

    public static MemorySegment dfy_last_error() {
        var mh$ = dfy_last_error.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_last_error");
            }
            return (MemorySegment) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_cuda_compiled {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_cuda_compiled");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_cuda_compiled$descriptor() {
        return dfy_cuda_compiled.DESC;
    }

    public static MethodHandle dfy_cuda_compiled$handle() {
        return dfy_cuda_compiled.HANDLE;
    }

    public static MemorySegment dfy_cuda_compiled$address() {
        return dfy_cuda_compiled.ADDR;
    }

    public static int dfy_cuda_compiled() {
        var mh$ = dfy_cuda_compiled.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_cuda_compiled");
            }
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_set_num_threads {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_INT);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_set_num_threads");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_set_num_threads$descriptor() {
        return dfy_set_num_threads.DESC;
    }

    public static MethodHandle dfy_set_num_threads$handle() {
        return dfy_set_num_threads.HANDLE;
    }

    public static MemorySegment dfy_set_num_threads$address() {
        return dfy_set_num_threads.ADDR;
    }

    public static int dfy_set_num_threads(int n) {
        var mh$ = dfy_set_num_threads.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_set_num_threads", n);
            }
            return (int) mh$.invokeExact(n);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_get_num_threads {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_get_num_threads");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_get_num_threads$descriptor() {
        return dfy_get_num_threads.DESC;
    }

    public static MethodHandle dfy_get_num_threads$handle() {
        return dfy_get_num_threads.HANDLE;
    }

    public static MemorySegment dfy_get_num_threads$address() {
        return dfy_get_num_threads.ADDR;
    }

    public static int dfy_get_num_threads(MemorySegment out) {
        var mh$ = dfy_get_num_threads.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_get_num_threads", out);
            }
            return (int) mh$.invokeExact(out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_runtime_info {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_runtime_info");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_runtime_info$descriptor() {
        return dfy_runtime_info.DESC;
    }

    public static MethodHandle dfy_runtime_info$handle() {
        return dfy_runtime_info.HANDLE;
    }

    public static MemorySegment dfy_runtime_info$address() {
        return dfy_runtime_info.ADDR;
    }

    public static int dfy_runtime_info(MemorySegment buffer, long capacity, MemorySegment length) {
        var mh$ = dfy_runtime_info.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_runtime_info", buffer, capacity, length);
            }
            return (int) mh$.invokeExact(buffer, capacity, length);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_fused_attention_compiled {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_fused_attention_compiled");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_fused_attention_compiled$descriptor() {
        return dfy_fused_attention_compiled.DESC;
    }

    public static MethodHandle dfy_fused_attention_compiled$handle() {
        return dfy_fused_attention_compiled.HANDLE;
    }

    public static MemorySegment dfy_fused_attention_compiled$address() {
        return dfy_fused_attention_compiled.ADDR;
    }

    public static int dfy_fused_attention_compiled() {
        var mh$ = dfy_fused_attention_compiled.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_fused_attention_compiled");
            }
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_set_attention {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_INT);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_set_attention");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_set_attention$descriptor() {
        return dfy_set_attention.DESC;
    }

    public static MethodHandle dfy_set_attention$handle() {
        return dfy_set_attention.HANDLE;
    }

    public static MemorySegment dfy_set_attention$address() {
        return dfy_set_attention.ADDR;
    }

    public static int dfy_set_attention(int kernel) {
        var mh$ = dfy_set_attention.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_set_attention", kernel);
            }
            return (int) mh$.invokeExact(kernel);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_get_attention {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_get_attention");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_get_attention$descriptor() {
        return dfy_get_attention.DESC;
    }

    public static MethodHandle dfy_get_attention$handle() {
        return dfy_get_attention.HANDLE;
    }

    public static MemorySegment dfy_get_attention$address() {
        return dfy_get_attention.ADDR;
    }

    public static int dfy_get_attention(MemorySegment out) {
        var mh$ = dfy_get_attention.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_get_attention", out);
            }
            return (int) mh$.invokeExact(out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_set_compute_dtype {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_INT);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_set_compute_dtype");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_set_compute_dtype$descriptor() {
        return dfy_set_compute_dtype.DESC;
    }

    public static MethodHandle dfy_set_compute_dtype$handle() {
        return dfy_set_compute_dtype.HANDLE;
    }

    public static MemorySegment dfy_set_compute_dtype$address() {
        return dfy_set_compute_dtype.ADDR;
    }

    public static int dfy_set_compute_dtype(int dtype) {
        var mh$ = dfy_set_compute_dtype.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_set_compute_dtype", dtype);
            }
            return (int) mh$.invokeExact(dtype);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_get_compute_dtype {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_get_compute_dtype");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_get_compute_dtype$descriptor() {
        return dfy_get_compute_dtype.DESC;
    }

    public static MethodHandle dfy_get_compute_dtype$handle() {
        return dfy_get_compute_dtype.HANDLE;
    }

    public static MemorySegment dfy_get_compute_dtype$address() {
        return dfy_get_compute_dtype.ADDR;
    }

    public static int dfy_get_compute_dtype(MemorySegment out) {
        var mh$ = dfy_get_compute_dtype.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_get_compute_dtype", out);
            }
            return (int) mh$.invokeExact(out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_cuda_device_count {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_cuda_device_count");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_cuda_device_count$descriptor() {
        return dfy_cuda_device_count.DESC;
    }

    public static MethodHandle dfy_cuda_device_count$handle() {
        return dfy_cuda_device_count.HANDLE;
    }

    public static MemorySegment dfy_cuda_device_count$address() {
        return dfy_cuda_device_count.ADDR;
    }

    public static int dfy_cuda_device_count(MemorySegment out) {
        var mh$ = dfy_cuda_device_count.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_cuda_device_count", out);
            }
            return (int) mh$.invokeExact(out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_cuda_device_info {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_INT, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_cuda_device_info");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_cuda_device_info$descriptor() {
        return dfy_cuda_device_info.DESC;
    }

    public static MethodHandle dfy_cuda_device_info$handle() {
        return dfy_cuda_device_info.HANDLE;
    }

    public static MemorySegment dfy_cuda_device_info$address() {
        return dfy_cuda_device_info.ADDR;
    }

    public static int dfy_cuda_device_info(int index, MemorySegment name, long name_capacity, MemorySegment total_bytes, MemorySegment free_bytes) {
        var mh$ = dfy_cuda_device_info.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_cuda_device_info", index, name, name_capacity, total_bytes, free_bytes);
            }
            return (int) mh$.invokeExact(index, name, name_capacity, total_bytes, free_bytes);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_model_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_model_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_model_create$descriptor() {
        return dfy_model_create.DESC;
    }

    public static MethodHandle dfy_model_create$handle() {
        return dfy_model_create.HANDLE;
    }

    public static MemorySegment dfy_model_create$address() {
        return dfy_model_create.ADDR;
    }

    public static int dfy_model_create(int kind, MemorySegment config, MemorySegment device, long seed, MemorySegment out) {
        var mh$ = dfy_model_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_model_create", kind, config, device, seed, out);
            }
            return (int) mh$.invokeExact(kind, config, device, seed, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_model_load {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_model_load");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_model_load$descriptor() {
        return dfy_model_load.DESC;
    }

    public static MethodHandle dfy_model_load$handle() {
        return dfy_model_load.HANDLE;
    }

    public static MemorySegment dfy_model_load$address() {
        return dfy_model_load.ADDR;
    }

    public static int dfy_model_load(int kind, MemorySegment config, MemorySegment device, MemorySegment data, long size, MemorySegment out) {
        var mh$ = dfy_model_load.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_model_load", kind, config, device, data, size, out);
            }
            return (int) mh$.invokeExact(kind, config, device, data, size, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_model_save_size {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_model_save_size");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_model_save_size$descriptor() {
        return dfy_model_save_size.DESC;
    }

    public static MethodHandle dfy_model_save_size$handle() {
        return dfy_model_save_size.HANDLE;
    }

    public static MemorySegment dfy_model_save_size$address() {
        return dfy_model_save_size.ADDR;
    }

    public static int dfy_model_save_size(MemorySegment model, MemorySegment metadata_json, MemorySegment out_size) {
        var mh$ = dfy_model_save_size.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_model_save_size", model, metadata_json, out_size);
            }
            return (int) mh$.invokeExact(model, metadata_json, out_size);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_model_save {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_model_save");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_model_save$descriptor() {
        return dfy_model_save.DESC;
    }

    public static MethodHandle dfy_model_save$handle() {
        return dfy_model_save.HANDLE;
    }

    public static MemorySegment dfy_model_save$address() {
        return dfy_model_save.ADDR;
    }

    public static int dfy_model_save(MemorySegment model, MemorySegment metadata_json, MemorySegment buffer, long capacity, MemorySegment out_written) {
        var mh$ = dfy_model_save.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_model_save", model, metadata_json, buffer, capacity, out_written);
            }
            return (int) mh$.invokeExact(model, metadata_json, buffer, capacity, out_written);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_model_kind {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_model_kind");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_model_kind$descriptor() {
        return dfy_model_kind.DESC;
    }

    public static MethodHandle dfy_model_kind$handle() {
        return dfy_model_kind.HANDLE;
    }

    public static MemorySegment dfy_model_kind$address() {
        return dfy_model_kind.ADDR;
    }

    public static int dfy_model_kind(MemorySegment model, MemorySegment out) {
        var mh$ = dfy_model_kind.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_model_kind", model, out);
            }
            return (int) mh$.invokeExact(model, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_model_get_config {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_model_get_config");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_model_get_config$descriptor() {
        return dfy_model_get_config.DESC;
    }

    public static MethodHandle dfy_model_get_config$handle() {
        return dfy_model_get_config.HANDLE;
    }

    public static MemorySegment dfy_model_get_config$address() {
        return dfy_model_get_config.ADDR;
    }

    public static int dfy_model_get_config(MemorySegment model, MemorySegment out) {
        var mh$ = dfy_model_get_config.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_model_get_config", model, out);
            }
            return (int) mh$.invokeExact(model, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_model_parameter_count {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_model_parameter_count");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_model_parameter_count$descriptor() {
        return dfy_model_parameter_count.DESC;
    }

    public static MethodHandle dfy_model_parameter_count$handle() {
        return dfy_model_parameter_count.HANDLE;
    }

    public static MemorySegment dfy_model_parameter_count$address() {
        return dfy_model_parameter_count.ADDR;
    }

    public static int dfy_model_parameter_count(MemorySegment model, MemorySegment out) {
        var mh$ = dfy_model_parameter_count.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_model_parameter_count", model, out);
            }
            return (int) mh$.invokeExact(model, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_model_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_model_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_model_free$descriptor() {
        return dfy_model_free.DESC;
    }

    public static MethodHandle dfy_model_free$handle() {
        return dfy_model_free.HANDLE;
    }

    public static MemorySegment dfy_model_free$address() {
        return dfy_model_free.ADDR;
    }

    public static void dfy_model_free(MemorySegment model) {
        var mh$ = dfy_model_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_model_free", model);
            }
            mh$.invokeExact(model);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_policy_forward {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_policy_forward");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_policy_forward$descriptor() {
        return dfy_policy_forward.DESC;
    }

    public static MethodHandle dfy_policy_forward$handle() {
        return dfy_policy_forward.HANDLE;
    }

    public static MemorySegment dfy_policy_forward$address() {
        return dfy_policy_forward.ADDR;
    }

    public static int dfy_policy_forward(MemorySegment policy, MemorySegment ids, MemorySegment mask, long batch, long seq_len, MemorySegment logits, MemorySegment values, MemorySegment token_logprobs) {
        var mh$ = dfy_policy_forward.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_policy_forward", policy, ids, mask, batch, seq_len, logits, values, token_logprobs);
            }
            return (int) mh$.invokeExact(policy, ids, mask, batch, seq_len, logits, values, token_logprobs);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_policy_generate {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_policy_generate");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_policy_generate$descriptor() {
        return dfy_policy_generate.DESC;
    }

    public static MethodHandle dfy_policy_generate$handle() {
        return dfy_policy_generate.HANDLE;
    }

    public static MemorySegment dfy_policy_generate$address() {
        return dfy_policy_generate.ADDR;
    }

    public static int dfy_policy_generate(MemorySegment policy, MemorySegment prompt_ids, long total_prompt_tokens, MemorySegment prompt_lengths, long batch, MemorySegment options, MemorySegment out_ids, MemorySegment out_logprobs, MemorySegment out_lengths) {
        var mh$ = dfy_policy_generate.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_policy_generate", policy, prompt_ids, total_prompt_tokens, prompt_lengths, batch, options, out_ids, out_logprobs, out_lengths);
            }
            return (int) mh$.invokeExact(policy, prompt_ids, total_prompt_tokens, prompt_lengths, batch, options, out_ids, out_logprobs, out_lengths);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_reward_load_script {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_LONG, densify_h.C_LONG, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_reward_load_script");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_reward_load_script$descriptor() {
        return dfy_reward_load_script.DESC;
    }

    public static MethodHandle dfy_reward_load_script$handle() {
        return dfy_reward_load_script.HANDLE;
    }

    public static MemorySegment dfy_reward_load_script$address() {
        return dfy_reward_load_script.ADDR;
    }

    public static int dfy_reward_load_script(MemorySegment path, MemorySegment device, long vocab_size, long max_length, long score_label, MemorySegment out) {
        var mh$ = dfy_reward_load_script.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_reward_load_script", path, device, vocab_size, max_length, score_label, out);
            }
            return (int) mh$.invokeExact(path, device, vocab_size, max_length, score_label, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_reward_score {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_LONG, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_reward_score");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_reward_score$descriptor() {
        return dfy_reward_score.DESC;
    }

    public static MethodHandle dfy_reward_score$handle() {
        return dfy_reward_score.HANDLE;
    }

    public static MemorySegment dfy_reward_score$address() {
        return dfy_reward_score.ADDR;
    }

    public static int dfy_reward_score(MemorySegment reward, MemorySegment ids, MemorySegment mask, long batch, long seq_len, MemorySegment out_scores) {
        var mh$ = dfy_reward_score.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_reward_score", reward, ids, mask, batch, seq_len, out_scores);
            }
            return (int) mh$.invokeExact(reward, ids, mask, batch, seq_len, out_scores);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_attribute {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_attribute");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_attribute$descriptor() {
        return dfy_attribute.DESC;
    }

    public static MethodHandle dfy_attribute$handle() {
        return dfy_attribute.HANDLE;
    }

    public static MemorySegment dfy_attribute$address() {
        return dfy_attribute.ADDR;
    }

    public static int dfy_attribute(MemorySegment reward, MemorySegment tokens, long total_tokens, MemorySegment prompt_lengths, MemorySegment response_lengths, long batch, MemorySegment options, MemorySegment out_attributions, MemorySegment out_full, MemorySegment out_baseline, MemorySegment out_evaluations, MemorySegment out_diagnostic) {
        var mh$ = dfy_attribute.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_attribute", reward, tokens, total_tokens, prompt_lengths, response_lengths, batch, options, out_attributions, out_full, out_baseline, out_evaluations, out_diagnostic);
            }
            return (int) mh$.invokeExact(reward, tokens, total_tokens, prompt_lengths, response_lengths, batch, options, out_attributions, out_full, out_baseline, out_evaluations, out_diagnostic);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_attribute_callback {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_attribute_callback");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_attribute_callback$descriptor() {
        return dfy_attribute_callback.DESC;
    }

    public static MethodHandle dfy_attribute_callback$handle() {
        return dfy_attribute_callback.HANDLE;
    }

    public static MemorySegment dfy_attribute_callback$address() {
        return dfy_attribute_callback.ADDR;
    }

    public static int dfy_attribute_callback(MemorySegment scorer, MemorySegment user_data, long vocab_size, MemorySegment tokens, long total_tokens, MemorySegment prompt_lengths, MemorySegment response_lengths, long batch, MemorySegment options, MemorySegment out_attributions, MemorySegment out_full, MemorySegment out_baseline, MemorySegment out_evaluations, MemorySegment out_diagnostic) {
        var mh$ = dfy_attribute_callback.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_attribute_callback", scorer, user_data, vocab_size, tokens, total_tokens, prompt_lengths, response_lengths, batch, options, out_attributions, out_full, out_baseline, out_evaluations, out_diagnostic);
            }
            return (int) mh$.invokeExact(scorer, user_data, vocab_size, tokens, total_tokens, prompt_lengths, response_lengths, batch, options, out_attributions, out_full, out_baseline, out_evaluations, out_diagnostic);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_optimizer_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_optimizer_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_optimizer_create$descriptor() {
        return dfy_optimizer_create.DESC;
    }

    public static MethodHandle dfy_optimizer_create$handle() {
        return dfy_optimizer_create.HANDLE;
    }

    public static MemorySegment dfy_optimizer_create$address() {
        return dfy_optimizer_create.ADDR;
    }

    public static int dfy_optimizer_create(MemorySegment model, MemorySegment options, MemorySegment out) {
        var mh$ = dfy_optimizer_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_optimizer_create", model, options, out);
            }
            return (int) mh$.invokeExact(model, options, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_optimizer_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_optimizer_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_optimizer_free$descriptor() {
        return dfy_optimizer_free.DESC;
    }

    public static MethodHandle dfy_optimizer_free$handle() {
        return dfy_optimizer_free.HANDLE;
    }

    public static MemorySegment dfy_optimizer_free$address() {
        return dfy_optimizer_free.ADDR;
    }

    public static void dfy_optimizer_free(MemorySegment optimizer) {
        var mh$ = dfy_optimizer_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_optimizer_free", optimizer);
            }
            mh$.invokeExact(optimizer);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_policy_lm_step {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_policy_lm_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_policy_lm_step$descriptor() {
        return dfy_policy_lm_step.DESC;
    }

    public static MethodHandle dfy_policy_lm_step$handle() {
        return dfy_policy_lm_step.HANDLE;
    }

    public static MemorySegment dfy_policy_lm_step$address() {
        return dfy_policy_lm_step.ADDR;
    }

    public static int dfy_policy_lm_step(MemorySegment policy, MemorySegment optimizer, MemorySegment ids, MemorySegment mask, long batch, long seq_len, MemorySegment out_loss, MemorySegment out_grad_norm) {
        var mh$ = dfy_policy_lm_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_policy_lm_step", policy, optimizer, ids, mask, batch, seq_len, out_loss, out_grad_norm);
            }
            return (int) mh$.invokeExact(policy, optimizer, ids, mask, batch, seq_len, out_loss, out_grad_norm);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_reward_classifier_step {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_reward_classifier_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_reward_classifier_step$descriptor() {
        return dfy_reward_classifier_step.DESC;
    }

    public static MethodHandle dfy_reward_classifier_step$handle() {
        return dfy_reward_classifier_step.HANDLE;
    }

    public static MemorySegment dfy_reward_classifier_step$address() {
        return dfy_reward_classifier_step.ADDR;
    }

    public static int dfy_reward_classifier_step(MemorySegment reward, MemorySegment optimizer, MemorySegment ids, MemorySegment mask, MemorySegment labels, long batch, long seq_len, MemorySegment out_loss, MemorySegment out_grad_norm) {
        var mh$ = dfy_reward_classifier_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_reward_classifier_step", reward, optimizer, ids, mask, labels, batch, seq_len, out_loss, out_grad_norm);
            }
            return (int) mh$.invokeExact(reward, optimizer, ids, mask, labels, batch, seq_len, out_loss, out_grad_norm);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }


    private static class dfy_model_clone {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_model_clone");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_model_clone$descriptor() {
        return dfy_model_clone.DESC;
    }

    public static MethodHandle dfy_model_clone$handle() {
        return dfy_model_clone.HANDLE;
    }

    public static MemorySegment dfy_model_clone$address() {
        return dfy_model_clone.ADDR;
    }

    public static int dfy_model_clone(MemorySegment model, MemorySegment device, MemorySegment out) {
        var mh$ = dfy_model_clone.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_model_clone", model, device, out);
            }
            return (int) mh$.invokeExact(model, device, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_optimizer_save_size {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_optimizer_save_size");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_optimizer_save_size$descriptor() {
        return dfy_optimizer_save_size.DESC;
    }

    public static MethodHandle dfy_optimizer_save_size$handle() {
        return dfy_optimizer_save_size.HANDLE;
    }

    public static MemorySegment dfy_optimizer_save_size$address() {
        return dfy_optimizer_save_size.ADDR;
    }

    public static int dfy_optimizer_save_size(MemorySegment optimizer, MemorySegment out_size) {
        var mh$ = dfy_optimizer_save_size.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_optimizer_save_size", optimizer, out_size);
            }
            return (int) mh$.invokeExact(optimizer, out_size);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_optimizer_save {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_optimizer_save");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_optimizer_save$descriptor() {
        return dfy_optimizer_save.DESC;
    }

    public static MethodHandle dfy_optimizer_save$handle() {
        return dfy_optimizer_save.HANDLE;
    }

    public static MemorySegment dfy_optimizer_save$address() {
        return dfy_optimizer_save.ADDR;
    }

    public static int dfy_optimizer_save(MemorySegment optimizer, MemorySegment buffer, long capacity, MemorySegment out_written) {
        var mh$ = dfy_optimizer_save.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_optimizer_save", optimizer, buffer, capacity, out_written);
            }
            return (int) mh$.invokeExact(optimizer, buffer, capacity, out_written);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_optimizer_load {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_optimizer_load");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_optimizer_load$descriptor() {
        return dfy_optimizer_load.DESC;
    }

    public static MethodHandle dfy_optimizer_load$handle() {
        return dfy_optimizer_load.HANDLE;
    }

    public static MemorySegment dfy_optimizer_load$address() {
        return dfy_optimizer_load.ADDR;
    }

    public static int dfy_optimizer_load(MemorySegment optimizer, MemorySegment data, long size) {
        var mh$ = dfy_optimizer_load.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_optimizer_load", optimizer, data, size);
            }
            return (int) mh$.invokeExact(optimizer, data, size);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_ppo_step {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_ppo_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_ppo_step$descriptor() {
        return dfy_ppo_step.DESC;
    }

    public static MethodHandle dfy_ppo_step$handle() {
        return dfy_ppo_step.HANDLE;
    }

    public static MemorySegment dfy_ppo_step$address() {
        return dfy_ppo_step.ADDR;
    }

    public static int dfy_ppo_step(MemorySegment policy, MemorySegment reference, MemorySegment optimizer, MemorySegment ids, MemorySegment mask, long batch, long seq_len, MemorySegment response_start, MemorySegment response_length, MemorySegment rewards, MemorySegment options, MemorySegment out_stats) {
        var mh$ = dfy_ppo_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_ppo_step", policy, reference, optimizer, ids, mask, batch, seq_len, response_start, response_length, rewards, options, out_stats);
            }
            return (int) mh$.invokeExact(policy, reference, optimizer, ids, mask, batch, seq_len, response_start, response_length, rewards, options, out_stats);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_gae {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_LONG, densify_h.C_DOUBLE, densify_h.C_DOUBLE, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_gae");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_gae$descriptor() {
        return dfy_gae.DESC;
    }

    public static MethodHandle dfy_gae$handle() {
        return dfy_gae.HANDLE;
    }

    public static MemorySegment dfy_gae$address() {
        return dfy_gae.ADDR;
    }

    public static int dfy_gae(MemorySegment rewards, MemorySegment values, MemorySegment lengths, long batch, long max_length, double gamma, double lam, MemorySegment out_advantages, MemorySegment out_returns) {
        var mh$ = dfy_gae.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_gae", rewards, values, lengths, batch, max_length, gamma, lam, out_advantages, out_returns);
            }
            return (int) mh$.invokeExact(rewards, values, lengths, batch, max_length, gamma, lam, out_advantages, out_returns);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_distributed_compiled {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_distributed_compiled");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_distributed_compiled$descriptor() {
        return dfy_distributed_compiled.DESC;
    }

    public static MethodHandle dfy_distributed_compiled$handle() {
        return dfy_distributed_compiled.HANDLE;
    }

    public static MemorySegment dfy_distributed_compiled$address() {
        return dfy_distributed_compiled.ADDR;
    }

    public static int dfy_distributed_compiled() {
        var mh$ = dfy_distributed_compiled.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_distributed_compiled");
            }
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_group_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_INT, densify_h.C_INT, densify_h.C_INT, densify_h.C_LONG, densify_h.C_LONG, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_group_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_group_create$descriptor() {
        return dfy_group_create.DESC;
    }

    public static MethodHandle dfy_group_create$handle() {
        return dfy_group_create.HANDLE;
    }

    public static MemorySegment dfy_group_create$address() {
        return dfy_group_create.ADDR;
    }

    public static int dfy_group_create(MemorySegment master_addr, int master_port, int rank, int world_size, long connect_timeout_ms, long timeout_ms, MemorySegment out) {
        var mh$ = dfy_group_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_group_create", master_addr, master_port, rank, world_size, connect_timeout_ms, timeout_ms, out);
            }
            return (int) mh$.invokeExact(master_addr, master_port, rank, world_size, connect_timeout_ms, timeout_ms, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_group_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_group_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_group_free$descriptor() {
        return dfy_group_free.DESC;
    }

    public static MethodHandle dfy_group_free$handle() {
        return dfy_group_free.HANDLE;
    }

    public static MemorySegment dfy_group_free$address() {
        return dfy_group_free.ADDR;
    }

    public static void dfy_group_free(MemorySegment group) {
        var mh$ = dfy_group_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_group_free", group);
            }
            mh$.invokeExact(group);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_group_allreduce_sum {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_group_allreduce_sum");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_group_allreduce_sum$descriptor() {
        return dfy_group_allreduce_sum.DESC;
    }

    public static MethodHandle dfy_group_allreduce_sum$handle() {
        return dfy_group_allreduce_sum.HANDLE;
    }

    public static MemorySegment dfy_group_allreduce_sum$address() {
        return dfy_group_allreduce_sum.ADDR;
    }

    public static int dfy_group_allreduce_sum(MemorySegment group, MemorySegment values, long n) {
        var mh$ = dfy_group_allreduce_sum.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_group_allreduce_sum", group, values, n);
            }
            return (int) mh$.invokeExact(group, values, n);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_group_broadcast_model {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_INT);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_group_broadcast_model");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_group_broadcast_model$descriptor() {
        return dfy_group_broadcast_model.DESC;
    }

    public static MethodHandle dfy_group_broadcast_model$handle() {
        return dfy_group_broadcast_model.HANDLE;
    }

    public static MemorySegment dfy_group_broadcast_model$address() {
        return dfy_group_broadcast_model.ADDR;
    }

    public static int dfy_group_broadcast_model(MemorySegment group, MemorySegment model, int root) {
        var mh$ = dfy_group_broadcast_model.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_group_broadcast_model", group, model, root);
            }
            return (int) mh$.invokeExact(group, model, root);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dfy_ppo_step_group {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(densify_h.C_INT, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_LONG, densify_h.C_LONG, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER, densify_h.C_POINTER);

        public static final MemorySegment ADDR = densify_h.findOrThrow("dfy_ppo_step_group");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dfy_ppo_step_group$descriptor() {
        return dfy_ppo_step_group.DESC;
    }

    public static MethodHandle dfy_ppo_step_group$handle() {
        return dfy_ppo_step_group.HANDLE;
    }

    public static MemorySegment dfy_ppo_step_group$address() {
        return dfy_ppo_step_group.ADDR;
    }

    public static int dfy_ppo_step_group(MemorySegment group, MemorySegment policy, MemorySegment reference, MemorySegment optimizer, MemorySegment ids, MemorySegment mask, long batch, long seq_len, MemorySegment response_start, MemorySegment response_length, MemorySegment rewards, MemorySegment options, MemorySegment out_stats) {
        var mh$ = dfy_ppo_step_group.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dfy_ppo_step_group", group, policy, reference, optimizer, ids, mask, batch, seq_len, response_start, response_length, rewards, options, out_stats);
            }
            return (int) mh$.invokeExact(group, policy, reference, optimizer, ids, mask, batch, seq_len, response_start, response_length, rewards, options, out_stats);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
