package dev.densify.testing;

import dev.densify.task.PrepareOptions;
import dev.densify.task.TaskDirectoryException;
import dev.densify.task.TaskSize;
import dev.densify.task.reviews.ReviewsTask;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    /** Where the default-size seed-0 task is prepared (about 150 s on two cores). */
    public static Path reviewsDefaultDirectory() {
        return Path.of("target", "test-tasks", "reviews-default-seed0").toAbsolutePath();
    }

    /** The default-size seed-0 task, prepared once into {@link #reviewsDefaultDirectory()}. */
    public static synchronized Path reviewsDefault() {
        return prepared(reviewsDefaultDirectory(), TaskSize.DEFAULT);
    }

    private static Path prepared(Path dir, TaskSize size) {
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrepareOptions options = PrepareOptions.defaults().withSize(size).withSeed(0).withLog(System.err);
        try {
            ReviewsTask.prepare(dir, options);
        } catch (TaskDirectoryException e) {
            ReviewsTask.prepare(dir, options.withForce(true)); // prepared by an older version of the task
        }
        return dir;
    }
}
