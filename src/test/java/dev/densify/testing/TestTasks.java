package dev.densify.testing;

import dev.densify.task.PrepareOptions;
import dev.densify.task.TaskDirectoryException;
import dev.densify.task.TaskSize;
import dev.densify.task.reviews.ReviewsTask;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The seed-0 reviews tasks shared by tests that need a trained policy and reward model: the
 * small one (or the directory named by the system property {@value #TASK_PROPERTY}), and the
 * default-size one for the attribution bar; each prepared once into target/test-tasks (reused by
 * later tests and runs while its parameters match).
 */
public final class TestTasks {

    public static final String TASK_PROPERTY = "densify.test.reviewsTask";

    /** A preparation this JVM made from scratch (not a reuse): its outcome and all it logged. */
    public record Fresh(ReviewsTask.Prepared prepared, String log) {
    }

    private static Fresh freshSmall;

    private TestTasks() {
    }

    /** The directory named by {@value #TASK_PROPERTY}, or null when the property is not set. */
    public static Path given() {
        String given = System.getProperty(TASK_PROPERTY);
        return given == null || given.isBlank() ? null : Path.of(given);
    }

    /** Where the small seed-0 task is prepared when {@value #TASK_PROPERTY} names none. */
    public static Path reviewsSmallDirectory() {
        return Path.of("target", "test-tasks", "reviews-small-seed0").toAbsolutePath();
    }

    public static synchronized Path reviewsSmall() {
        return given() != null ? given() : prepared(reviewsSmallDirectory(), TaskSize.SMALL);
    }

    /**
     * The small task as this JVM prepared it from scratch, or null when it was already prepared
     * (a later run) or a task was named; the tests of preparing itself use it as their fixture.
     */
    public static synchronized Fresh freshSmall() {
        if (given() != null) {
            return null;
        }
        reviewsSmall();
        return freshSmall;
    }

    /** Where the default-size seed-0 task is prepared (about 150 s on two cores). */
    public static Path reviewsDefaultDirectory() {
        return Path.of("target", "test-tasks", "reviews-default-seed0").toAbsolutePath();
    }

    /** The default-size seed-0 task, prepared once into {@link #reviewsDefaultDirectory()}. */
    public static synchronized Path reviewsDefault() {
        return prepared(reviewsDefaultDirectory(), TaskSize.DEFAULT);
    }

    /** Writes to two streams (the console and the record of a preparation). */
    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeOutputStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }

    private static Path prepared(Path dir, TaskSize size) {
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrepareOptions options = PrepareOptions.defaults().withSize(size).withSeed(0)
                .withLog(new PrintStream(new TeeOutputStream(System.err, log), true, StandardCharsets.UTF_8));
        ReviewsTask.Prepared done;
        try {
            done = ReviewsTask.prepare(dir, options);
        } catch (TaskDirectoryException e) {
            done = ReviewsTask.prepare(dir, options.withForce(true)); // prepared by an older version of the task
        }
        if (!done.reused() && size == TaskSize.SMALL) {
            freshSmall = new Fresh(done, log.toString(StandardCharsets.UTF_8));
        }
        return dir;
    }
}
