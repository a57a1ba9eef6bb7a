package dev.densify.engine.internal;

import dev.densify.bindings.densify_h;
import dev.densify.bindings.densify_h.dfy_adam_options;
import dev.densify.model.AdamOptions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/** The downcalls on optimizers ({@code dfy_optimizer_*}). Stateless; thread-safe. */
public final class OptimizerCalls {

    private OptimizerCalls() {
    }

    /** A new Adam optimizer over every weight of the model; holds the model's lock. */
    public static long adam(NativeHandle model, AdamOptions options) {
        return model.call(pointer -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment o = dfy_adam_options.allocate(arena);
                dfy_adam_options.learning_rate(o, options.learningRate());
                dfy_adam_options.beta1(o, options.beta1());
                dfy_adam_options.beta2(o, options.beta2());
                dfy_adam_options.eps(o, options.eps());
                dfy_adam_options.weight_decay(o, options.weightDecay());
                dfy_adam_options.max_grad_norm(o, options.maxGradNorm());
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                Native.check("dfy_optimizer_create", densify_h.dfy_optimizer_create(Native.pointer(pointer), o, out));
                return Native.address(out);
            }
        });
    }

    public static void free(long address) {
        densify_h.dfy_optimizer_free(Native.pointer(address));
    }

    /** Writes the state (step count, Adam moments) to {@code path} atomically. */
    public static void save(NativeHandle optimizer, Path path) {
        optimizer.call(address -> {
            MemorySegment self = Native.pointer(address);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
                Native.check("dfy_optimizer_save_size", densify_h.dfy_optimizer_save_size(self, size));
                MappedFiles.writeAtomically(path, "optimizer state", size.get(ValueLayout.JAVA_LONG, 0),
                        (buffer, capacity) -> {
                            MemorySegment written = arena.allocate(ValueLayout.JAVA_LONG);
                            Native.check("dfy_optimizer_save",
                                    densify_h.dfy_optimizer_save(self, buffer, capacity, written));
                        });
            }
            return null;
        });
    }

    /** Restores state written by {@link #save} (memory-mapped, never copied). */
    public static void load(NativeHandle optimizer, Path path) {
        optimizer.call(address -> MappedFiles.read(path, "optimizer state", data -> {
            Native.check("dfy_optimizer_load", densify_h.dfy_optimizer_load(Native.pointer(address), data,
                    data.byteSize()));
            return null;
        }));
    }
}
