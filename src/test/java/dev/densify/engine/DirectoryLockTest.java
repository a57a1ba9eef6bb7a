package dev.densify.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One writer per directory: refused in this JVM while held, refused across processes naming the
 * holder's pid, and free again once the holder is killed with SIGKILL.
 */
class DirectoryLockTest {

    /** Child process: takes the lock on args[0], writes args[1], sleeps until killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            DirectoryLock.acquire(Path.of(args[0]), "run.lock", "the test directory");
            Files.writeString(Path.of(args[1]), "held");
            Thread.sleep(300_000);
        }
    }

    @Test
    void oneWriterInThisJvm(@TempDir Path dir) {
        try (DirectoryLock first = DirectoryLock.acquire(dir, "run.lock", "the run " + dir)) {
            var e = assertThrows(IllegalStateException.class, () -> DirectoryLock.acquire(dir, "run.lock", "the run " + dir));
            assertTrue(e.getMessage().contains("the run " + dir) && e.getMessage().contains("run.lock"), e.getMessage());
        }
        DirectoryLock.acquire(dir, "run.lock", "the run").close();
    }

    @Test
    void oneWriterAcrossProcessesUntilTheHolderIsKilled(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                dir.toString(), marker.toString()).redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(marker) && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(marker), "the child did not take the lock");
            var e = assertThrows(IllegalStateException.class, () -> DirectoryLock.acquire(dir, "run.lock", "the run"));
            assertTrue(e.getMessage().contains("another densify process, pid " + child.pid()), e.getMessage());
        } finally {
            child.destroyForcibly();  // SIGKILL
            child.waitFor(30, TimeUnit.SECONDS);
        }
        DirectoryLock.acquire(dir, "run.lock", "the run").close();
    }
}
