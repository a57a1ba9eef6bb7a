package dev.densify.reward;

import dev.densify.attribution.RewardFunction;
import dev.densify.text.Tokenizer;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Objects;

/**
 * A {@link RewardFunction} named by its class ({@code --reward-class com.example.MyReward}), on
 * the class path. Constructed by the first of: a public constructor taking the policy's
 * {@link Tokenizer} (to read the token ids as text), then a public no-argument constructor.
 * Its scores go through the same upcall as any {@code RewardFunction}: SHAP and LIME call it
 * with batches of token ids.
 */
public final class RewardClass {

    private RewardClass() {
    }

    /**
     * @throws IllegalArgumentException when the class is missing, is not a concrete public
     *                                  {@code RewardFunction}, has neither constructor, or its
     *                                  constructor throws (the cause kept)
     */
    public static RewardFunction instantiate(String className, Tokenizer tokenizer, ClassLoader loader) {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Class<?> type;
        try {
            type = Class.forName(className.strip(), true, loader == null ? RewardClass.class.getClassLoader() : loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("reward class " + className + " is not on the class path", e);
        } catch (LinkageError e) {
            throw new IllegalArgumentException("reward class " + className + " cannot be loaded: " + e, e);
        }
        if (!RewardFunction.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("reward class " + className + " does not implement "
                    + RewardFunction.class.getName());
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
            throw new IllegalArgumentException("reward class " + className + " must be a public concrete class");
        }
        try {
            Constructor<?> withTokenizer = constructor(type, Tokenizer.class);
            Object instance = withTokenizer != null ? withTokenizer.newInstance(tokenizer) : noArguments(type, className);
            return (RewardFunction) instance;
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("the constructor of reward class " + className + " threw "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot construct reward class " + className + ": " + e, e);
        }
    }

    private static Object noArguments(Class<?> type, String className) throws ReflectiveOperationException {
        Constructor<?> plain = constructor(type);
        if (plain == null) {
            throw new IllegalArgumentException("reward class " + className + " needs a public constructor taking a "
                    + Tokenizer.class.getName() + " or none");
        }
        return plain.newInstance();
    }

    private static Constructor<?> constructor(Class<?> type, Class<?>... parameters) {
        try {
            Constructor<?> c = type.getConstructor(parameters);
            return Modifier.isPublic(c.getModifiers()) ? c : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
