package dev.densify.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive use of a directory by one writer: an OS lock on a lock file in it (which other
 * processes see, and which the OS drops when the holder dies, SIGKILL included) and a registry
 * of the files this JVM holds (an OS lock does not exclude the JVM's own threads). A second
 * writer is refused at once, naming the lock file and the holder's process id (which the lock
 * file holds). Released by {@link #close()}.
 */
public final class DirectoryLock implements AutoCloseable {

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock file {@code name} in {@code directory} (created if needed).
     *
     * @param what what the directory is, for the message ("the training run /x/run")
     * @throws IllegalStateException when another process, or another writer in this JVM, holds it
     */
    public static DirectoryLock acquire(Path directory, String name, String what) {
        Path file = directory.resolve(name).toAbsolutePath().normalize();
        if (!HELD.add(file)) {
            throw new IllegalStateException(what + " is in use by another writer in this process (lock " + file + ")");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException(what + " is in use by another densify process" + holder(file)
                        + " (lock " + file + ")");
            }
            // Who holds it, for the message a second writer gets.
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 0);
            return new DirectoryLock(file, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD.remove(file);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot lock " + file + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** ", pid N" from the lock file, or nothing when it cannot be read. */
    private static String holder(Path file) {
        try {
            String pid = java.nio.file.Files.readString(file).strip();
            return pid.matches("[0-9]{1,10}") ? ", pid " + pid : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Releases the lock; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + file + ": " + e.getMessage(), e);
        } finally {
            HELD.remove(file);
        }
    }
}
