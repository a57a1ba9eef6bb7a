package dev.densify.text;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes files so that readers never see half of one: bytes go to a temporary file in the
 * target's directory, which is then renamed over the target (atomically where the file system
 * supports it). Used for tokenizer and data set files, task, run and model directories.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Writes one file via temp-then-rename, creating parent directories. */
    public static void write(Path path, byte[] bytes) throws IOException {
        writeAll(Map.of(path, bytes));
    }

    /**
     * Writes several files: every temporary file is written completely before the first rename,
     * so a failure while writing leaves all targets untouched. Temporary files are removed on failure.
     */
    public static void writeAll(Map<Path, byte[]> files) throws IOException {
        Objects.requireNonNull(files, "files is null");
        Map<Path, Path> temps = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, byte[]> e : files.entrySet()) {
                Path target = e.getKey().toAbsolutePath();
                Path dir = target.getParent();
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
                temps.put(target, tmp);
                Files.write(tmp, Objects.requireNonNull(e.getValue(), () -> "no bytes for " + target));
            }
            for (Map.Entry<Path, Path> e : temps.entrySet()) {
                move(e.getValue(), e.getKey());
            }
        } catch (IOException | RuntimeException e) {
            for (Path tmp : temps.values()) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Fills a directory that is being built. */
    @FunctionalInterface
    public interface DirectoryBuilder {
        void build(Path directory) throws IOException;
    }

    /**
     * Builds a directory that does not exist yet: {@code builder} fills a sibling
     * {@code .NAME.partial} (what an earlier failed attempt left there is removed first), which is
     * then renamed into place, so the directory appears complete or not at all. On failure the
     * partial directory is removed and the exception rethrown.
     *
     * @throws IllegalArgumentException when {@code target} exists
     */
    public static void writeDirectory(Path target, DirectoryBuilder builder) throws IOException {
        Path dir = target.toAbsolutePath().normalize();
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(target + " exists");
        }
        Path partial = dir.resolveSibling("." + dir.getFileName() + ".partial");
        try {
            deleteRecursively(partial);
            Files.createDirectories(partial);
            builder.build(partial);
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                deleteRecursively(partial);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Deletes a file or a directory tree (links are removed, not followed); absent is fine. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
