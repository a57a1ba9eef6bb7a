package dev.densify.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.engine.Json;
import dev.densify.text.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A prepared task's output directory and its completion protocol.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>Work is serialised per directory by a lock file {@code .<name>.lock} beside it (an OS
 *       file lock, plus a lock within this JVM), so two preparations of the same directory run
 *       one after the other; the second then finds the first's result.</li>
 *   <li>A build goes into a fresh sibling {@code <name>.partial-<random>}. Under the lock, any
 *       other {@code <name>.partial-*} sibling is left over from a killed run and is deleted.</li>
 *   <li>The completion marker {@value #MARKER} is written last. It lists every file under the
 *       determinism promise with its SHA-256:
 *       {@code {"files":{"<relative path>":"<sha256>",…},"format":"densify-task","task":"<task>","version":1}}.
 *       Files not listed (such as {@code timings.json}) are allowed but carry no promise.</li>
 *   <li>The finished build is renamed to the target (an existing target is first renamed
 *       aside and deleted afterwards), so the target is only ever absent or complete as far
 *       as this protocol is concerned.</li>
 * </ol>
 * A directory is <em>complete</em> iff its marker parses, names the expected task, lists every
 * required file, and every listed file exists with the recorded hash. Anything else with only
 * files this task would write in it is <em>incomplete</em> (half-written by an older or killed
 * writer, or damaged) and may be rebuilt; a directory holding anything else is <em>foreign</em>
 * and is never deleted.
 *
 * <p>Stateless; thread-safe.
 */
public final class TaskDirectory {

    /** The completion marker's file name. */
    public static final String MARKER = "COMPLETE";
    static final String FORMAT = "densify-task";
    static final int VERSION = 1;

    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /** What a path holds. */
    public enum Status {
        /** Nothing there. */
        ABSENT,
        /** An empty directory. */
        EMPTY,
        /** A complete task directory (marker valid, hashes match). */
        COMPLETE,
        /** A task directory without a valid marker: half-written or damaged. */
        INCOMPLETE,
        /** A directory with entries this task never writes: not ours, never deleted. */
        FOREIGN,
        /** Exists but is not a directory (a file, a dangling link). */
        NOT_A_DIRECTORY
    }

    /**
     * The outcome of {@link #inspect}.
     *
     * @param directory the inspected path
     * @param status    what it holds
     * @param reason    why it is not complete (empty when complete or absent)
     */
    public record Inspection(Path directory, Status status, String reason) {
    }

    private TaskDirectory() {
    }

    /**
     * Looks at a directory without changing it.
     *
     * @param task         the task name the marker must record
     * @param required     relative paths ("/"-separated) the marker must list
     * @param topLevel     names that may appear directly in the directory (besides the marker and
     *                     hidden temporary files); anything else makes it {@link Status#FOREIGN}
     */
    public static Inspection inspect(Path directory, String task, Set<String> required, Set<String> topLevel) {
        Objects.requireNonNull(directory, "directory");
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return new Inspection(directory, Status.ABSENT, "");
        }
        if (!Files.isDirectory(directory)) {
            return new Inspection(directory, Status.NOT_A_DIRECTORY, directory + " is not a directory");
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
        if (names.isEmpty()) {
            return new Inspection(directory, Status.EMPTY, "it is empty");
        }
        for (String n : new TreeSet<>(names)) {
            if (!n.equals(MARKER) && !topLevel.contains(n) && !n.startsWith(".")) {
                return new Inspection(directory, Status.FOREIGN, "it holds '" + n + "', which a " + task
                        + " task directory never has");
            }
        }
        String problem = markerProblem(directory, task, required);
        return problem == null ? new Inspection(directory, Status.COMPLETE, "")
                : new Inspection(directory, Status.INCOMPLETE, problem);
    }

    /**
     * Checks that a directory is complete.
     *
     * @throws TaskDirectoryException naming the directory and what is wrong
     */
    public static void verify(Path directory, String task, Set<String> required) {
        if (!Files.isDirectory(directory)) {
            throw new TaskDirectoryException(directory + " is not a prepared " + task + " task: "
                    + (Files.exists(directory) ? "not a directory" : "it does not exist"));
        }
        String problem = markerProblem(directory, task, required);
        if (problem != null) {
            throw new TaskDirectoryException(directory + " is not a complete " + task + " task (" + problem
                    + "); prepare it again");
        }
    }

    /** Null if the marker is valid and every listed file matches its hash, else the reason. */
    private static String markerProblem(Path directory, String task, Set<String> required) {
        Path marker = directory.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return "no " + MARKER + " marker: the build did not finish";
        }
        JsonNode root;
        try {
            root = TaskJson.read(marker);
        } catch (IOException e) {
            return "the " + MARKER + " marker is unreadable: " + e.getMessage();
        }
        if (!FORMAT.equals(root.path("format").asText()) || root.path("version").asInt(-1) != VERSION) {
            return "the " + MARKER + " marker has an unknown format";
        }
        if (!task.equals(root.path("task").asText())) {
            return "the " + MARKER + " marker is for task '" + root.path("task").asText() + "'";
        }
        JsonNode files = root.path("files");
        if (!files.isObject()) {
            return "the " + MARKER + " marker lists no files";
        }
        for (String r : new TreeSet<>(required)) {
            if (!files.has(r)) {
                return "the " + MARKER + " marker does not list " + r;
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path file = resolveInside(directory, e.getKey());
            if (file == null) {
                return "the " + MARKER + " marker lists an invalid path '" + e.getKey() + "'";
            }
            if (!Files.isRegularFile(file)) {
                return e.getKey() + " is missing";
            }
            try {
                if (!sha256(file).equals(e.getValue().asText())) {
                    return e.getKey() + " does not match the hash in " + MARKER + " (modified or half-written)";
                }
            } catch (IOException ex) {
                return e.getKey() + " is unreadable: " + ex.getMessage();
            }
        }
        return null;
    }

    private static Path resolveInside(Path directory, String relative) {
        if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\")) {
            return null;
        }
        for (String part : relative.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return null;
            }
        }
        return directory.resolve(relative);
    }

    /**
     * Writes the marker listing {@code files} (relative, "/"-separated) with their hashes. Call
     * it last, after every listed file is written.
     *
     * @return the marker's bytes (deterministic: sorted keys)
     */
    public static byte[] writeMarker(Path directory, String task, Collection<String> files) throws IOException {
        ObjectNode root = TaskJson.object();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("task", task);
        ObjectNode hashes = root.putObject("files");
        Map<String, String> sorted = new TreeMap<>();
        for (String f : files) {
            Path p = resolveInside(directory, f);
            if (p == null) {
                throw new IllegalArgumentException("invalid relative path '" + f + "'");
            }
            sorted.put(f, sha256(p));
        }
        sorted.forEach(hashes::put);
        byte[] bytes = TaskJson.bytes(root);
        AtomicFiles.write(directory.resolve(MARKER), bytes);
        return bytes;
    }

    /** The hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * What a task's preparation writes: the task's name (in the marker), the file that holds
     * every parameter and decides reuse, its bytes, the files under the determinism promise (listed
     * in the marker) and every top-level entry a complete directory may hold.
     */
    public record Spec(String task, String parametersFile, byte[] parameters, Set<String> promised,
                       Set<String> topLevel) {
        public Spec {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(parametersFile, "parametersFile");
            parameters = parameters.clone();
            promised = Set.copyOf(promised);
            topLevel = Set.copyOf(topLevel);
        }
    }

    /** Reads what a complete directory holds, when it is reused. */
    public interface Reader<R> {
        R read(Path directory) throws IOException;
    }

    /** Builds a task into an empty directory; writes the parameters file and, last, the marker. */
    public interface Builder<R> {
        R build(Path partial) throws IOException;
    }

    /** What {@link #prepare} did: the directory (absolute), whether it was reused, what it holds. */
    public record Outcome<R>(Path directory, boolean reused, R result) {
    }

    /**
     * The protocol every task's {@code prepare} follows, under {@link #locked}: a complete
     * directory with the same parameters is reused (unless {@code force}); one with other
     * parameters is an error naming the differences (unless {@code force}); an incomplete one is
     * deleted and rebuilt; foreign entries are never touched. A build goes to a partial sibling
     * that is renamed into place once its marker is written, or deleted when the build fails.
     *
     * @throws IllegalArgumentException when the path exists and is not a directory
     * @throws TaskDirectoryException   for other parameters without {@code force}, or foreign entries
     * @throws UncheckedIOException     on I/O failures (nothing half-written is left at the target)
     */
    public static <R> Outcome<R> prepare(Path directory, Spec spec, boolean force, Consumer<String> log,
                                         Reader<R> reuse, Builder<R> build) {
        Path target = directory.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException(target + " exists and is not a directory");
        }
        return locked(target, () -> {
            try {
                Inspection found = inspect(target, spec.task(), spec.promised(), spec.topLevel());
                switch (found.status()) {
                    case NOT_A_DIRECTORY -> throw new IllegalArgumentException(target + " exists and is not a directory");
                    case FOREIGN -> throw new TaskDirectoryException(target + " exists and is not a " + spec.task()
                            + " task directory (" + found.reason() + "); refusing to replace it: choose another output "
                            + "directory or remove it");
                    case COMPLETE -> {
                        byte[] existing = Files.readAllBytes(target.resolve(spec.parametersFile()));
                        boolean same = Arrays.equals(existing, spec.parameters());
                        if (same && !force) {
                            log.accept("already prepared: " + target + " (same parameters; reusing it)");
                            return new Outcome<>(target, true, reuse.read(target));
                        }
                        if (!same && !force) {
                            throw new TaskDirectoryException(target + " already holds a " + spec.task()
                                    + " task prepared with other parameters (existing vs requested: "
                                    + differences(existing, spec.parameters()) + "); use --force to replace it, or "
                                    + "choose another output directory");
                        }
                        log.accept("replacing " + target + " (--force)");
                    }
                    case INCOMPLETE -> log.accept(target + " exists but is incomplete (" + found.reason()
                            + "); deleting and rebuilding it");
                    case ABSENT, EMPTY -> {
                    }
                }
                deleteStalePartials(target, log);
                Path partial = createPartial(target);
                try {
                    R result = build.build(partial);
                    install(partial, target);
                    log.accept("prepared " + target);
                    return new Outcome<>(target, false, result);
                } catch (RuntimeException | IOException | Error e) {
                    try {
                        AtomicFiles.deleteRecursively(partial);
                    } catch (IOException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        });
    }

    /** The first differences of two parameter files, top-level keys (what people change) first. */
    private static String differences(byte[] existing, byte[] requested) throws IOException {
        List<String> diffs = new ArrayList<>(TaskJson.differences(Json.MAPPER.readTree(existing),
                Json.MAPPER.readTree(requested), 100));
        diffs.sort(Comparator.comparingLong(d -> d.substring(0, d.indexOf(':')).chars()
                .filter(c -> c == '.').count()));
        if (diffs.size() > 8) {
            int more = diffs.size() - 8;
            diffs = new ArrayList<>(diffs.subList(0, 8));
            diffs.add("and " + more + " more");
        }
        return String.join("; ", diffs);
    }

    /**
     * Runs {@code body} holding the directory's lock (a lock file {@code .<name>.lock} beside it,
     * created if needed, plus a JVM-wide lock for the same path). Blocks while another process or
     * thread holds it.
     */
    public static <T> T locked(Path directory, Supplier<T> body) {
        Path dir = directory.toAbsolutePath().normalize();
        Path parent = dir.getParent();
        if (parent == null) {
            throw new IllegalArgumentException("a task directory cannot be the file system root");
        }
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(dir, k -> new ReentrantLock());
        jvmLock.lock();
        try {
            Files.createDirectories(parent);
            Path lockFile = parent.resolve("." + dir.getFileName() + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return body.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * Deletes {@code <name>.partial-*} siblings: left over from killed builds. Only call under
     * {@link #locked}, where no live build of this directory can exist.
     */
    public static void deleteStalePartials(Path directory, Consumer<String> log) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        String prefix = dir.getFileName() + ".partial-";
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(dir.getParent(), p ->
                p.getFileName().toString().startsWith(prefix))) {
            siblings.forEach(stale::add);
        }
        for (Path p : stale) {
            log.accept("removing " + p + " (left over from an interrupted build)");
            AtomicFiles.deleteRecursively(p);
        }
    }

    /** A new empty sibling directory {@code <name>.partial-<random>} to build into. */
    public static Path createPartial(Path directory) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        for (int attempt = 0; ; attempt++) {
            String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            Path partial = dir.resolveSibling(dir.getFileName() + ".partial-" + suffix);
            try {
                return Files.createDirectory(partial);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
    }

    /**
     * Moves a finished build into place. An existing target (stale or being replaced) is renamed
     * aside first and deleted after the new one is in place.
     */
    public static void install(Path partial, Path directory) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        Path old = null;
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            old = dir.resolveSibling(dir.getFileName() + ".partial-old-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
            move(dir, old);
        }
        move(partial, dir);
        if (old != null) {
            AtomicFiles.deleteRecursively(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
