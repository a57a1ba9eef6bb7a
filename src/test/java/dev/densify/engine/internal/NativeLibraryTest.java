package dev.densify.engine.internal;

import dev.densify.engine.DensifyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The library search, extraction and checks, without loading a real library. */
class NativeLibraryTest {

    private static final SymbolLookup FAKE = name -> Optional.empty();

    @TempDir
    Path tmp;

    private final List<Path> opened = new ArrayList<>();

    private NativeLibrary.Opener failing(String why) {
        return path -> {
            opened.add(path);
            throw new IOException(why);
        };
    }

    @Test
    void failureListsEveryPlaceTried() {
        String libraryPath = "/nonexistent/a" + File.pathSeparator + "/nonexistent/b";
        var sources = new NativeLibrary.Sources(null, "", null, libraryPath, tmp);
        DensifyException e = assertThrows(DensifyException.class,
                () -> NativeLibrary.search(sources, failing("no such file")));
        String message = e.getMessage();
        for (String place : List.of("system property densify.library: not set",
                "environment variable DENSIFY_LIBRARY: not set",
                "bundled copy (class path /dev/densify/native/linux-x86_64/libdensify.so): not on the class path",
                "java.library.path entry /nonexistent/a/libdensify.so: no such file",
                "java.library.path entry /nonexistent/b/libdensify.so: no such file")) {
            assertTrue(message.contains(place), "missing '" + place + "' in:\n" + message);
        }
        assertEquals(List.of(Path.of("/nonexistent/a/libdensify.so"), Path.of("/nonexistent/b/libdensify.so")), opened);
    }

    @Test
    void emptyLibraryPathIsReported() {
        var sources = new NativeLibrary.Sources(null, null, null, "", tmp);
        DensifyException e = assertThrows(DensifyException.class, () -> NativeLibrary.search(sources, failing("x")));
        assertTrue(e.getMessage().contains("java.library.path: empty"), e.getMessage());
    }

    @Test
    void explicitPlaceThatFailsStopsTheSearch() {
        var sources = new NativeLibrary.Sources("/opt/x/libdensify.so", "/ignored.so", null, "/usr/lib", tmp);
        DensifyException e = assertThrows(DensifyException.class,
                () -> NativeLibrary.search(sources, failing("dlopen failed")));
        assertTrue(e.getMessage().contains("system property densify.library = /opt/x/libdensify.so: dlopen failed"),
                e.getMessage());
        assertTrue(e.getMessage().contains("search stopped"), e.getMessage());
        assertEquals(List.of(Path.of("/opt/x/libdensify.so")), opened);
    }

    @Test
    void environmentVariableIsUsedWhenThePropertyIsUnset() {
        var sources = new NativeLibrary.Sources(null, "/env/libdensify.so", null, "/usr/lib", tmp);
        var loaded = NativeLibrary.search(sources, path -> FAKE);
        assertEquals(Path.of("/env/libdensify.so"), loaded.path());
        assertSame(FAKE, loaded.lookup());
    }

    @Test
    void firstLoadableLibraryPathEntryWins() {
        String libraryPath = "/a" + File.pathSeparator + "/b" + File.pathSeparator + "/c";
        var sources = new NativeLibrary.Sources(null, null, null, libraryPath, tmp);
        var loaded = NativeLibrary.search(sources, path -> {
            opened.add(path);
            if (path.startsWith("/a")) {
                throw new IOException("no such file");
            }
            return FAKE;
        });
        assertEquals(Path.of("/b/libdensify.so"), loaded.path());
        assertEquals(2, opened.size());
    }

    @Test
    void bundledCopyIsExtractedOnceAndReused() throws IOException {
        Path resource = tmp.resolve("resource.so");
        byte[] content = "not really ELF".getBytes();
        Files.write(resource, content);
        Path root = tmp.resolve("extract");

        Path first = NativeLibrary.extract(resource.toUri().toURL(), root);
        assertEquals(root, first.getParent().getParent());
        assertEquals("libdensify.so", first.getFileName().toString());
        assertTrue(first.getParent().getFileName().toString().matches("[0-9a-f]{16}"));
        assertArrayEquals(content, Files.readAllBytes(first));
        var modified = Files.getLastModifiedTime(first);

        assertEquals(first, NativeLibrary.extract(resource.toUri().toURL(), root));
        assertEquals(modified, Files.getLastModifiedTime(first), "an intact copy must be reused");

        Files.write(first, "damaged".getBytes());
        NativeLibrary.extract(resource.toUri().toURL(), root);
        assertArrayEquals(content, Files.readAllBytes(first), "a damaged copy must be replaced");
        try (var files = Files.list(first.getParent())) {
            assertEquals(1, files.count(), "no temporary files may be left");
        }
    }

    @Test
    void searchOpensTheExtractedCopy() throws IOException {
        Path resource = tmp.resolve("resource.so");
        Files.write(resource, new byte[]{1, 2, 3});
        var sources = new NativeLibrary.Sources(null, null, resource.toUri().toURL(), "", tmp.resolve("x"));
        var loaded = NativeLibrary.search(sources, path -> FAKE);
        assertTrue(loaded.path().startsWith(tmp.resolve("x")), loaded.path().toString());

        DensifyException e = assertThrows(DensifyException.class,
                () -> NativeLibrary.search(sources, failing("invalid ELF header")));
        assertTrue(e.getMessage().contains("extracted to " + loaded.path() + ": invalid ELF header"), e.getMessage());
    }

    @Test
    void realOpenerExplainsWhyAFileIsUnusable() throws IOException {
        // An ELF executable, not a library: dlopen refuses it (or, on old glibc, it lacks the symbols).
        // (A non-ELF file would do too, but makes HotSpot print a stack-guard warning.)
        Path executable = Path.of("/bin/true");
        assumeTrue(Files.isRegularFile(executable), "needs /bin/true");
        Path garbage = tmp.resolve("libdensify.so");
        Files.copy(executable, garbage);
        var sources = new NativeLibrary.Sources(null, null, null,
                tmp + File.pathSeparator + tmp.resolve("missing"), tmp.resolve("x"));
        DensifyException e = assertThrows(DensifyException.class, () -> NativeLibrary.search(sources, NativeLibrary::open));
        assertTrue(e.getMessage().contains(garbage + ": dlopen failed")
                || e.getMessage().contains(garbage + ": not a densify library"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("missing").resolve("libdensify.so") + ": no such file"),
                e.getMessage());
    }

    @Test
    void abiMismatchNamesBothVersionsAndThePath() {
        DensifyException e = assertThrows(DensifyException.class,
                () -> NativeLibrary.checkAbi(Path.of("/x/libdensify.so"), 7, 1));
        assertTrue(e.getMessage().contains("/x/libdensify.so"), e.getMessage());
        assertTrue(e.getMessage().contains("ABI version 7") && e.getMessage().contains("ABI version 1"), e.getMessage());
        NativeLibrary.checkAbi(Path.of("/x"), 1, 1);
    }

    @Test
    void defaultThreadsComesFromPropertyThenEnvironmentThenProcessors() {
        assertEquals(3, NativeLibrary.defaultThreads("3", "5", 8));
        assertEquals(5, NativeLibrary.defaultThreads(null, "5", 8));
        assertEquals(8, NativeLibrary.defaultThreads(null, null, 8));
        assertEquals(8, NativeLibrary.defaultThreads(null, " ", 8));
        var e = assertThrows(IllegalArgumentException.class, () -> NativeLibrary.defaultThreads("0", null, 8));
        assertTrue(e.getMessage().contains("densify.threads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NativeLibrary.defaultThreads(null, "many", 8));
        assertTrue(e.getMessage().contains("DENSIFY_THREADS") && e.getMessage().contains("'many'"), e.getMessage());
    }
}
