package dev.densify.model;

import dev.densify.bindings.densify_h;
import dev.densify.engine.Native;
import dev.densify.engine.NativeHandle;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * Adam state over every weight of one model; it can only step that model
 * ({@link Policy#lmStep}, {@link RewardModel#classifierStep}). Creating one makes the model's
 * weights trainable; inference calls stay gradient-free.
 *
 * <p>Thread-safety: as any {@link NativeHandle}; a step holds the model's lock, then the
 * optimizer's (always in that order, so concurrent steps cannot deadlock). The two may be closed
 * in either order; stepping after either is closed throws {@link IllegalStateException}.
 */
public final class Optimizer extends NativeHandle {

    private static final StructLayout OPTIONS = densify_h.dfy_adam_options;

    private final Model model;
    private final AdamOptions options;

    private Optimizer(long address, Model model, AdamOptions options) {
        super("Optimizer", address, Optimizer::free);
        this.model = model;
        this.options = options;
    }

    /** A new Adam optimizer over all weights of {@code model}. */
    public static Optimizer adam(Model model, AdamOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        long address = model.withAddress(pointer -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment o = arena.allocate(OPTIONS);
                o.set(ValueLayout.JAVA_DOUBLE, ModelNative.offset(OPTIONS, "learning_rate"), options.learningRate());
                o.set(ValueLayout.JAVA_DOUBLE, ModelNative.offset(OPTIONS, "beta1"), options.beta1());
                o.set(ValueLayout.JAVA_DOUBLE, ModelNative.offset(OPTIONS, "beta2"), options.beta2());
                o.set(ValueLayout.JAVA_DOUBLE, ModelNative.offset(OPTIONS, "eps"), options.eps());
                o.set(ValueLayout.JAVA_DOUBLE, ModelNative.offset(OPTIONS, "weight_decay"), options.weightDecay());
                o.set(ValueLayout.JAVA_DOUBLE, ModelNative.offset(OPTIONS, "max_grad_norm"), options.maxGradNorm());
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                Native.check("dfy_optimizer_create",
                        densify_h.dfy_optimizer_create(ModelNative.pointer(pointer), o, out));
                return out.get(ValueLayout.ADDRESS, 0).address();
            }
        });
        return new Optimizer(address, model, options);
    }

    /** The model this optimizer steps. */
    public Model model() {
        return model;
    }

    public AdamOptions options() {
        return options;
    }

    /**
     * Internal: runs {@code body} with this optimizer's native pointer, holding its lock, for the
     * engine's own steps (the models' here, PPO's in {@code dev.densify.rl}). Not part of the
     * supported API.
     *
     * @throws IllegalArgumentException when {@code stepped} is not this optimizer's model
     */
    public <T> T use(Model stepped, LongFunction<T> body) {
        if (stepped != model) {
            throw new IllegalArgumentException("this optimizer belongs to another model");
        }
        return call(body);
    }

    /** Writes the optimizer state (step count, Adam moments) to {@code path} atomically. */
    public void save(Path path) {
        Objects.requireNonNull(path, "path");
        call(address -> {
            MemorySegment self = ModelNative.pointer(address);
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

    /**
     * Restores state written by {@link #save} from an optimizer of a model with the same
     * configuration.
     *
     * @throws dev.densify.engine.FormatException when the file is not such a state
     */
    public void load(Path path) {
        Objects.requireNonNull(path, "path");
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("optimizer state " + path + " does not exist or is not a file");
        }
        call(address -> MappedFiles.read(path, "optimizer state", data -> {
            Native.check("dfy_optimizer_load", densify_h.dfy_optimizer_load(ModelNative.pointer(address), data,
                    data.byteSize()));
            return null;
        }));
    }

    private static void free(long address) {
        densify_h.dfy_optimizer_free(MemorySegment.ofAddress(address));
    }
}
