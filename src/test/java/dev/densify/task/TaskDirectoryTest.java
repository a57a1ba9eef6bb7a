package dev.densify.task;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The completion protocol, without any training. */
class TaskDirectoryTest {

    private static final Set<String> REQUIRED = Set.of("a.json", "sub/b.txt");
    private static final Set<String> TOP = Set.of("a.json", "sub", "extra.json");

    @TempDir
    Path tmp;

    private Path complete(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("a.json"), "{}\n");
        Files.writeString(dir.resolve("sub/b.txt"), "hello\n");
        TaskDirectory.writeMarker(dir, "t", REQUIRED);
        return dir;
    }

    private TaskDirectory.Status status(Path dir) {
        return TaskDirectory.inspect(dir, "t", REQUIRED, TOP).status();
    }

    @Test
    void statesOfADirectory() throws IOException {
        assertEquals(TaskDirectory.Status.ABSENT, status(tmp.resolve("none")));
        Files.createDirectory(tmp.resolve("empty"));
        assertEquals(TaskDirectory.Status.EMPTY, status(tmp.resolve("empty")));
        Files.writeString(tmp.resolve("file"), "x");
        assertEquals(TaskDirectory.Status.NOT_A_DIRECTORY, status(tmp.resolve("file")));

        Path dir = complete("ok");
        assertEquals(TaskDirectory.Status.COMPLETE, status(dir));
        TaskDirectory.verify(dir, "t", REQUIRED);
        Files.writeString(dir.resolve("extra.json"), "not promised"); // allowed, not hashed
        assertEquals(TaskDirectory.Status.COMPLETE, status(dir));

        Files.writeString(dir.resolve("unknown.bin"), "x");
        TaskDirectory.Inspection foreign = TaskDirectory.inspect(dir, "t", REQUIRED, TOP);
        assertEquals(TaskDirectory.Status.FOREIGN, foreign.status());
        assertTrue(foreign.reason().contains("unknown.bin"), foreign.reason());
    }

    @Test
    void halfWrittenOrModifiedDirectoriesAreIncomplete() throws IOException {
        Path noMarker = complete("no-marker");
        Files.delete(noMarker.resolve(TaskDirectory.MARKER));
        TaskDirectory.Inspection i = TaskDirectory.inspect(noMarker, "t", REQUIRED, TOP);
        assertEquals(TaskDirectory.Status.INCOMPLETE, i.status());
        assertTrue(i.reason().contains("no COMPLETE marker"), i.reason());

        Path modified = complete("modified");
        Files.writeString(modified.resolve("sub/b.txt"), "hell");
        i = TaskDirectory.inspect(modified, "t", REQUIRED, TOP);
        assertEquals(TaskDirectory.Status.INCOMPLETE, i.status());
        assertTrue(i.reason().contains("sub/b.txt") && i.reason().contains("hash"), i.reason());
        TaskDirectoryException e = assertThrows(TaskDirectoryException.class,
                () -> TaskDirectory.verify(modified, "t", REQUIRED));
        assertTrue(e.getMessage().contains("not a complete t task"), e.getMessage());

        Path missing = complete("missing");
        Files.delete(missing.resolve("a.json"));
        assertTrue(TaskDirectory.inspect(missing, "t", REQUIRED, TOP).reason().contains("a.json is missing"));

        Path garbage = complete("garbage");
        Files.writeString(garbage.resolve(TaskDirectory.MARKER), "{\"format\":");
        assertEquals(TaskDirectory.Status.INCOMPLETE, status(garbage));

        Path otherTask = complete("other");
        assertTrue(TaskDirectory.inspect(otherTask, "u", REQUIRED, TOP).reason().contains("task 't'"));

        Path unlisted = complete("unlisted");
        assertTrue(TaskDirectory.inspect(unlisted, "t", Set.of("a.json", "sub/b.txt", "c.txt"), TOP).reason()
                .contains("does not list c.txt"));
    }

    @Test
    void markerIsDeterministicAndSorted() throws IOException {
        Path a = complete("a");
        Path b = complete("b");
        byte[] ma = Files.readAllBytes(a.resolve(TaskDirectory.MARKER));
        assertArrayEquals(ma, Files.readAllBytes(b.resolve(TaskDirectory.MARKER)));
        String text = new String(ma, StandardCharsets.UTF_8);
        assertTrue(text.indexOf("\"files\"") < text.indexOf("\"format\"") && text.indexOf("a.json") < text.indexOf("sub/b.txt"),
                text);
        assertThrows(IllegalArgumentException.class, () -> TaskDirectory.writeMarker(a, "t", List.of("../x")));
    }

    @Test
    void installReplacesAndStalePartialsAreRemovedUnderTheLock() throws IOException {
        Path target = complete("target");
        Path stale = tmp.resolve("target.partial-dead");
        Files.createDirectories(stale.resolve("x"));
        List<String> messages = new ArrayList<>();
        Path partial = TaskDirectory.locked(target, () -> {
            try {
                TaskDirectory.deleteStalePartials(target, messages::add);
                Path p = TaskDirectory.createPartial(target);
                Files.writeString(p.resolve("a.json"), "{\"new\":1}\n");
                TaskDirectory.install(p, target);
                return p;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertFalse(Files.exists(stale));
        assertEquals(1, messages.size(), messages.toString());
        assertFalse(Files.exists(partial));
        assertEquals("{\"new\":1}\n", Files.readString(target.resolve("a.json")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(".target.lock", "target"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "only the target and its lock file are left");
        }
    }

    @Test
    void stableJson() {
        var a = TaskJson.object();
        a.put("z", 1);
        a.putObject("m").put("b", 2).put("a", 1);
        String text = new String(TaskJson.bytes(a), StandardCharsets.UTF_8);
        assertEquals("{\n  \"m\" : {\n    \"a\" : 1,\n    \"b\" : 2\n  },\n  \"z\" : 1\n}\n", text);
        var b = a.deepCopy();
        b.put("z", 2);
        assertEquals(List.of("z: 1 vs 2"), TaskJson.differences(a, b, 5));
        assertEquals(List.of(), TaskJson.differences(a, a.deepCopy(), 5));
    }

    // ---- the preparation protocol, for a task with no training ---------------------------------

    private static TaskDirectory.Spec spec(int seed) {
        return new TaskDirectory.Spec("t", "a.json", ("{\"seed\" : " + seed + "}\n").getBytes(StandardCharsets.UTF_8),
                REQUIRED, TOP);
    }

    /** Builds the toy task: the parameters file, one data file, the marker last; counts its builds. */
    private static TaskDirectory.Builder<String> builder(TaskDirectory.Spec spec, List<String> builds) {
        return partial -> {
            builds.add(partial.getFileName().toString());
            Files.write(partial.resolve("a.json"), spec.parameters());
            Files.createDirectories(partial.resolve("sub"));
            Files.writeString(partial.resolve("sub/b.txt"), "built\n");
            TaskDirectory.writeMarker(partial, "t", REQUIRED);
            return "built";
        };
    }

    @Test
    void prepareBuildsReusesRefusesOtherParametersAndRebuildsWithForce() throws IOException {
        Path dir = tmp.resolve("task");
        List<String> builds = new ArrayList<>();
        List<String> log = new ArrayList<>();
        TaskDirectory.Outcome<String> first = TaskDirectory.prepare(dir, spec(0), false, log::add, d -> "read",
                builder(spec(0), builds));
        assertEquals(new TaskDirectory.Outcome<>(dir.toAbsolutePath().normalize(), false, "built"), first);
        assertEquals(TaskDirectory.Status.COMPLETE, status(dir));
        assertEquals(1, builds.size());

        TaskDirectory.Outcome<String> again = TaskDirectory.prepare(dir, spec(0), false, log::add, d -> "read",
                builder(spec(0), builds));
        assertTrue(again.reused() && again.result().equals("read"), again.toString());
        assertEquals(1, builds.size(), "reused without building");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("already prepared")), log.toString());

        byte[] marker = Files.readAllBytes(dir.resolve(TaskDirectory.MARKER));
        TaskDirectoryException other = assertThrows(TaskDirectoryException.class, () -> TaskDirectory.prepare(dir,
                spec(1), false, log::add, d -> "read", builder(spec(1), builds)));
        assertTrue(other.getMessage().contains("other parameters") && other.getMessage().contains("seed: 0 vs 1")
                && other.getMessage().contains("--force"), other.getMessage());
        assertArrayEquals(marker, Files.readAllBytes(dir.resolve(TaskDirectory.MARKER)), "left untouched");

        TaskDirectory.Outcome<String> forced = TaskDirectory.prepare(dir, spec(1), true, log::add, d -> "read",
                builder(spec(1), builds));
        assertFalse(forced.reused());
        assertEquals(2, builds.size());
        assertArrayEquals(spec(1).parameters(), Files.readAllBytes(dir.resolve("a.json")));
    }

    @Test
    void aFailedBuildLeavesNeitherAPartialNorAChangedTarget() throws IOException {
        Path dir = complete("kept");
        byte[] marker = Files.readAllBytes(dir.resolve(TaskDirectory.MARKER));
        TaskDirectory.Spec other = spec(7);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TaskDirectory.prepare(dir, other,
                true, m -> { }, d -> "read", partial -> {
                    Files.writeString(partial.resolve("a.json"), "half");
                    throw new IllegalStateException("training failed");
                }));
        assertEquals("training failed", e.getMessage());
        assertArrayEquals(marker, Files.readAllBytes(dir.resolve(TaskDirectory.MARKER)));
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".partial-")), "no partial build is left");
        }
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "precious");
        TaskDirectoryException refused = assertThrows(TaskDirectoryException.class, () -> TaskDirectory.prepare(foreign,
                spec(0), true, m -> { }, d -> "read", builder(spec(0), new ArrayList<>())));
        assertTrue(refused.getMessage().contains("not a t task directory"), refused.getMessage());
        assertEquals("precious", Files.readString(foreign.resolve("notes.txt")));
    }
}
