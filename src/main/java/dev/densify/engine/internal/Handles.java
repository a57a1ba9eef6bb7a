package dev.densify.engine.internal;

import dev.densify.model.Model;
import dev.densify.model.Optimizer;

import java.util.Objects;

/**
 * The bridge by which the engine's calls in other packages (PPO, attribution) reach the native
 * handle inside a {@link Model} or {@link Optimizer} without a public accessor, in the manner of
 * the JDK's {@code SharedSecrets}: the model package registers an {@link Access} when
 * {@code Model} is initialised, which has happened before any model or optimizer exists.
 */
public final class Handles {

    /** What the model package hands over. */
    public interface Access {
        NativeHandle of(Model model);

        NativeHandle of(Optimizer optimizer);
    }

    private static volatile Access access;

    private Handles() {
    }

    /** Called once, by {@code Model}'s static initialiser. */
    public static void register(Access implementation) {
        Objects.requireNonNull(implementation, "implementation");
        synchronized (Handles.class) {
            if (access != null) {
                throw new IllegalStateException("the handle access is registered already");
            }
            access = implementation;
        }
    }

    public static NativeHandle of(Model model) {
        return access().of(Objects.requireNonNull(model, "model"));
    }

    public static NativeHandle of(Optimizer optimizer) {
        return access().of(Objects.requireNonNull(optimizer, "optimizer"));
    }

    private static Access access() {
        Access current = access;
        if (current == null) {
            throw new IllegalStateException("no model exists yet, so there is no handle to reach");
        }
        return current;
    }
}
