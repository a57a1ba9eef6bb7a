package dev.densify.engine.internal;

import dev.densify.bindings.densify_h;
import dev.densify.engine.DensifyException;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URL;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Finds and loads {@code libdensify.so}, once per process.
 *
 * <p>Search order: the system property {@value #PROPERTY} (a file), the environment variable
 * {@value #ENV}, the copy bundled on the class path (extracted once into
 * {@code ${java.io.tmpdir}/densify-${user.name}/<hash>/}), then every directory of
 * {@code java.library.path}. A place that is explicitly configured (property or variable) but
 * fails to load ends the search: silently using another library than the one asked for would
 * hide the mistake. Unset places and failing implicit places are skipped. When nothing loads,
 * the {@link DensifyException} lists every place tried and why it failed.
 *
 * <p>A library whose {@code dfy_abi_version()} differs from the bindings' is refused. After
 * loading, libtorch's intra-op thread count is set from {@value #THREADS_PROPERTY}, else
 * {@value #THREADS_ENV}, else the number of available processors.
 *
 * <p>Thread-safe: loading happens once, under a lock.
 */
public final class NativeLibrary {

    public static final String PROPERTY = "densify.library";
    public static final String ENV = "DENSIFY_LIBRARY";
    public static final String THREADS_PROPERTY = "densify.threads";
    public static final String THREADS_ENV = "DENSIFY_THREADS";
    static final String RESOURCE = "/dev/densify/native/linux-x86_64/libdensify.so";
    static final String FILE_NAME = "libdensify.so";

    record Loaded(Path path, SymbolLookup lookup) {
    }

    private static volatile Loaded loaded;

    private NativeLibrary() {
    }

    /**
     * Internal: the symbols of the loaded library, for {@code dev.densify.bindings}. Loads the
     * library on first use. Not part of the supported API.
     */
    public static SymbolLookup lookup() {
        return loaded().lookup();
    }

    /** The file the library was loaded from (loads it on first use). */
    public static Path path() {
        return loaded().path();
    }

    /** Loads the library now if it is not loaded yet; throws {@link DensifyException} if it cannot. */
    public static void load() {
        loaded();
    }

    /** For tests that need the bindings without a real library (e.g. in an isolated class loader). */
    static synchronized void useLookup(Path path, SymbolLookup lookup) {
        loaded = new Loaded(path, lookup);
    }

    private static Loaded loaded() {
        Loaded current = loaded;
        if (current != null) {
            return current;
        }
        synchronized (NativeLibrary.class) {
            if (loaded == null) {
                // Parse the thread setting before loading so a bad value fails without side effects.
                int threads = defaultThreads(System.getProperty(THREADS_PROPERTY), System.getenv(THREADS_ENV),
                        Runtime.getRuntime().availableProcessors());
                Loaded found = search(Sources.ofEnvironment(), NativeLibrary::open);
                // Direct downcalls, not the bindings: their holders resolve symbols through lookup(),
                // and initialising them under this lock could deadlock with another thread.
                int status = callInt(found.lookup(), "dfy_set_num_threads", threads);
                if (status != densify_h.DFY_OK()) {
                    throw DensifyException.of("dfy_set_num_threads", status, lastError(found.lookup()));
                }
                loaded = found;
            }
            return loaded;
        }
    }

    /** The default intra-op thread count: property, else environment, else {@code processors}. */
    static int defaultThreads(String property, String env, int processors) {
        if (property != null) {
            return parseThreads("system property " + THREADS_PROPERTY, property);
        }
        if (env != null && !env.isBlank()) {
            return parseThreads("environment variable " + THREADS_ENV, env);
        }
        return Math.max(1, processors);
    }

    private static int parseThreads(String source, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(source + " must be a positive integer, got '" + value + "'");
    }

    /** Where to look; each value may be null (not set / not bundled). */
    record Sources(String property, String env, URL bundled, String javaLibraryPath, Path extractRoot) {

        static Sources ofEnvironment() {
            return new Sources(System.getProperty(PROPERTY), System.getenv(ENV),
                    NativeLibrary.class.getResource(RESOURCE), System.getProperty("java.library.path"),
                    Path.of(System.getProperty("java.io.tmpdir"), "densify-" + System.getProperty("user.name")));
        }
    }

    /** Opens one candidate; throws with a message saying why it is unusable. */
    @FunctionalInterface
    interface Opener {
        SymbolLookup open(Path path) throws Exception;
    }

    static Loaded search(Sources sources, Opener opener) {
        List<String> tried = new ArrayList<>();
        String[][] explicit = {
                {"system property " + PROPERTY, sources.property()},
                {"environment variable " + ENV, sources.env()}};
        for (String[] place : explicit) {
            if (place[1] == null || place[1].isBlank()) {
                tried.add(place[0] + ": not set");
                continue;
            }
            Path path = Path.of(place[1]);
            try {
                return new Loaded(path, opener.open(path));
            } catch (Exception e) {
                tried.add(place[0] + " = " + path + ": " + reason(e));
                throw failure(tried, "(search stopped: a library that is configured explicitly must load)");
            }
        }

        String bundled = "bundled copy (class path " + RESOURCE + ")";
        if (sources.bundled() == null) {
            tried.add(bundled + ": not on the class path");
        } else {
            Path extracted = null;
            try {
                extracted = extract(sources.bundled(), sources.extractRoot());
                return new Loaded(extracted, opener.open(extracted));
            } catch (Exception e) {
                tried.add(bundled + (extracted == null ? "" : " extracted to " + extracted) + ": " + reason(e));
            }
        }

        String libraryPath = sources.javaLibraryPath();
        List<String> dirs = libraryPath == null ? List.of()
                : Arrays.stream(libraryPath.split(File.pathSeparator)).filter(s -> !s.isBlank()).toList();
        if (dirs.isEmpty()) {
            tried.add("java.library.path: empty");
        }
        for (String dir : dirs) {
            Path path = Path.of(dir, FILE_NAME);
            try {
                return new Loaded(path, opener.open(path));
            } catch (Exception e) {
                tried.add("java.library.path entry " + path + ": " + reason(e));
            }
        }
        throw failure(tried, "Build it with 'mvn package', or point -D" + PROPERTY + " or " + ENV
                + " at a libdensify.so.");
    }

    private static DensifyException failure(List<String> tried, String advice) {
        StringBuilder message = new StringBuilder("cannot load the densify native library; places tried:");
        for (String line : tried) {
            message.append("\n  - ").append(line);
        }
        message.append("\n").append(advice);
        return new DensifyException("load " + FILE_NAME, DensifyException.NO_STATUS, message.toString());
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * Copies the bundled library to {@code root/<sha256 prefix>/libdensify.so} unless an intact copy
     * is already there. Written to a temporary file and moved atomically, so concurrent processes
     * never load a half-written file.
     */
    static Path extract(URL resource, Path root) throws IOException {
        byte[] content;
        try (InputStream in = resource.openStream()) {
            content = in.readAllBytes();
        }
        byte[] digest = sha256(content);
        Path dir = root.resolve(HexFormat.of().formatHex(digest, 0, 8));
        Path target = dir.resolve(FILE_NAME);
        // Verify a reused copy: the directory is shared and a truncated or foreign file must not load.
        if (Files.isRegularFile(target) && Arrays.equals(digest, sha256(Files.readAllBytes(target)))) {
            return target;
        }
        createPrivateDirectory(root);
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, FILE_NAME, ".tmp");
        try {
            Files.write(temp, content);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // another process created it meanwhile
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** Loads the file and checks its ABI version. */
    @SuppressWarnings("restricted")
    static SymbolLookup open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("no such file");
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException("not a regular file");
        }
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IOException("dlopen failed (" + reason(e) + "); is libtorch on the loader path?", e);
        }
        if (lookup.find("dfy_abi_version").isEmpty()) {
            throw new IOException("not a densify library (no symbol dfy_abi_version)");
        }
        checkAbi(path, callInt(lookup, "dfy_abi_version"), densify_h.DFY_ABI_VERSION());
        return lookup;
    }

    /** Throws when the library's ABI version differs from the bindings'. */
    static void checkAbi(Path path, int libraryVersion, int bindingsVersion) {
        if (libraryVersion != bindingsVersion) {
            throw new DensifyException("dfy_abi_version", DensifyException.NO_STATUS,
                    path + " has ABI version " + libraryVersion + " but these Java bindings need ABI version "
                            + bindingsVersion + "; rebuild the native library and the jar together");
        }
    }

    @SuppressWarnings("restricted")
    private static int callInt(SymbolLookup lookup, String name, int... args) {
        MemorySegment address = lookup.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + name));
        ValueLayout[] params = new ValueLayout[args.length];
        Arrays.fill(params, ValueLayout.JAVA_INT);
        MethodHandle handle = Linker.nativeLinker()
                .downcallHandle(address, FunctionDescriptor.of(ValueLayout.JAVA_INT, params));
        try {
            return args.length == 0 ? (int) handle.invokeExact() : (int) handle.invokeExact(args[0]);
        } catch (Throwable t) {
            throw new AssertionError("downcall " + name + " failed", t);
        }
    }

    @SuppressWarnings("restricted")
    private static String lastError(SymbolLookup lookup) {
        MemorySegment address = lookup.find("dfy_last_error")
                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: dfy_last_error"));
        MethodHandle handle = Linker.nativeLinker()
                .downcallHandle(address, FunctionDescriptor.of(ValueLayout.ADDRESS));
        try {
            return Native.string((MemorySegment) handle.invokeExact());
        } catch (Throwable t) {
            throw new AssertionError("downcall dfy_last_error failed", t);
        }
    }
}
