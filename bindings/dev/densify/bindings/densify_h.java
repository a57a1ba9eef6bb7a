// Checked-in FFM bindings for native/include/densify.h, in the shape jextract generates.
// Keep in step with the header: BindingsMatchHeaderTest fails on any difference.
// No logic here beyond what jextract emits; the library is found by dev.densify.engine.internal.NativeLibrary.

package dev.densify.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
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

    private static final int DFY_ABI_VERSION = (int)3L;

    /**
     * {@snippet lang=c :
     * #define DFY_ABI_VERSION 3
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
}
