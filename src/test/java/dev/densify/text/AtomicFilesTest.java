package dev.densify.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicFilesTest {

    @Test
    void writesReplacesAndLeavesNoTemporaries(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("a/b.txt");
        AtomicFiles.write(f, "one".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(f, "two".getBytes(StandardCharsets.UTF_8));
        assertEquals("two", Files.readString(f));
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void aFailedBatchLeavesTargetsUntouched(@TempDir Path tmp) throws IOException {
        Path good = tmp.resolve("good.txt");
        Files.writeString(good, "old");
        Path blocker = tmp.resolve("file");
        Files.writeString(blocker, "x");
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(good, "new".getBytes(StandardCharsets.UTF_8));
        files.put(blocker.resolve("child.txt"), "y".getBytes(StandardCharsets.UTF_8)); // parent is a file
        assertThrows(IOException.class, () -> AtomicFiles.writeAll(files));
        assertEquals("old", Files.readString(good));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(2, s.count(), "temporary files are removed");
        }
    }
}
