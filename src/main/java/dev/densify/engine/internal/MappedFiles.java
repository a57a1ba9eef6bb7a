package dev.densify.engine.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Files that native code reads or writes in place: read-only mappings handed over without a
 * copy, and atomic writes (a temporary file in the same directory, filled through a mapping,
 * forced, then renamed over the target; on failure the target is untouched).
 */
public final class MappedFiles {

    /** Fills a mapped buffer of the promised size. */
    @FunctionalInterface
    public interface Filler {
        void fill(MemorySegment buffer, long size);
    }

    private MappedFiles() {
    }

    /** Runs {@code reader} over a read-only mapping of {@code file}, unmapped afterwards. */
    public static <T> T read(Path file, String what, Function<MemorySegment, T> reader) {
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return reader.apply(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena));
        } catch (IOException e) {
            throw io("cannot read " + what, file, e);
        }
    }

    /** Writes {@code size} bytes produced by {@code filler} to {@code target} atomically. */
    public static void writeAtomically(Path target, String what, long size, Filler filler) {
        Objects.requireNonNull(target, "path");
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot save " + what + " " + target + ": directory " + dir
                    + " does not exist");
        }
        if (Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("cannot save " + what + " " + target + ": it is a directory");
        }
        Path temp = createTemp(dir);
        boolean moved = false;
        try {
            try (Arena mapping = Arena.ofConfined();
                 FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // Allocate the blocks with ordinary writes first: a full disk then fails here as an
                // IOException, instead of as SIGBUS when native code stores into an unbacked page.
                ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(Math.max(size, 1), 1 << 20));
                for (long position = 0; position < size; ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), size - position));
                    position += channel.write(zeros, position);
                }
                MemorySegment buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, mapping);
                filler.fill(buffer, size);
                buffer.force();
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (IOException e) {
            throw io("cannot write " + what, target, e);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
    }

    private static Path createTemp(Path dir) {
        // Not Files.createTempFile: that makes the file owner-only, and the result should get the
        // permissions of any new file. A short name of its own: the target's name may already be
        // as long as the file system allows.
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve(".densify-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(temp);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw io("cannot create a temporary file", dir, e);
                }
            } catch (IOException e) {
                throw io("cannot create a temporary file", dir, e);
            }
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the original failure matters more; a stray hidden .tmp file is harmless
        }
    }

    public static UncheckedIOException io(String what, Path path, IOException e) {
        String reason = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file" : e.getMessage();
        return new UncheckedIOException(what + " " + path + ": " + reason, e);
    }
}
