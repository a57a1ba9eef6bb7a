package dev.densify;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module {@code dev.densify} as compiled: it exports every package but the native layer
 * ({@code engine.internal}, {@code bindings}), no exported signature shows a foreign-memory type,
 * an internal type or a native address, and the CLI runs from the module path.
 */
class ModuleDescriptorTest {

    private static final Path CLASSES = Path.of("target/classes");
    private static final Set<String> INTERNAL = Set.of("dev.densify.engine.internal", "dev.densify.bindings");

    private static ModuleDescriptor descriptor() {
        return ModuleFinder.of(CLASSES).find("dev.densify")
                .orElseThrow(() -> new AssertionError("no module dev.densify in " + CLASSES)).descriptor();
    }

    @Test
    void exportsEveryPackageButTheNativeLayer() {
        ModuleDescriptor module = descriptor();
        assertTrue(module.packages().containsAll(INTERNAL), "packages: " + module.packages());
        Set<String> expected = new TreeSet<>(module.packages());
        expected.removeAll(INTERNAL);
        Set<String> exported = new TreeSet<>();
        for (ModuleDescriptor.Exports e : module.exports()) {
            assertTrue(e.targets().isEmpty(), "qualified export " + e);
            exported.add(e.source());
        }
        assertEquals(expected, exported);
        for (ModuleDescriptor.Opens o : module.opens()) {
            assertTrue(!INTERNAL.contains(o.source()) && !o.targets().isEmpty(), "opens " + o);
        }
    }

    @Test
    void noExportedSignatureShowsTheNativeLayer() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (String name : classNames()) {
            Class<?> type = Class.forName(name, false, getClass().getClassLoader());
            if (INTERNAL.contains(type.getPackageName()) || !isVisible(type)) {
                continue;
            }
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic()) {
                    check(leaks, type, m.getName(), m.getGenericReturnType());
                    checkExecutable(leaks, type, m);
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (visible(c.getModifiers())) {
                    checkExecutable(leaks, type, c);
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (visible(f.getModifiers())) {
                    check(leaks, type, f.getName(), f.getGenericType());
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    @Test
    void theCliRunsFromTheModulePath() throws Exception {
        List<String> modulePath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar") && !entry.contains("junit") && !entry.contains("opentest4j")
                    && !entry.contains("apiguardian")) {
                modulePath.add(entry);
            }
        }
        modulePath.add(0, CLASSES.toAbsolutePath().toString());
        Path out = Files.createTempFile("densify-module", ".out");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=dev.densify", "--module-path", String.join(java.io.File.pathSeparator, modulePath),
                    "--module", "dev.densify/dev.densify.cli.Main", "info", "--json")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "densify info did not finish");
            String text = Files.readString(out);
            assertEquals(0, p.exitValue(), text);
            assertTrue(text.contains("\"torch_version\"") || text.contains("\"torchVersion\""), text);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static List<String> classNames() throws IOException {
        try (Stream<Path> files = Files.walk(CLASSES)) {
            return files.map(CLASSES::relativize).map(Path::toString)
                    .filter(f -> f.endsWith(".class") && !f.equals("module-info.class"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                    .sorted().collect(Collectors.toList());
        }
    }

    private static boolean isVisible(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers()) && !(c.getDeclaringClass() != null
                    && Modifier.isProtected(c.getModifiers()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void checkExecutable(List<String> leaks, Class<?> owner, Executable e) {
        for (Type p : e.getGenericParameterTypes()) {
            check(leaks, owner, e.getName(), p);
        }
        String name = e.getName().toLowerCase(java.util.Locale.ROOT);
        if (name.contains("address") || name.contains("pointer")) {
            leaks.add(owner.getName() + "." + e.getName() + ": a native address in an exported signature");
        }
    }

    private static void check(List<String> leaks, Class<?> owner, String member, Type type) {
        String text = type.getTypeName();
        if (text.contains("java.lang.foreign.") || text.contains("dev.densify.engine.internal.")
                || text.contains("dev.densify.bindings.")) {
            leaks.add(owner.getName() + "." + member + ": " + text);
        }
    }
}
