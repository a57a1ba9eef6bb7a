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
 * The small seed-0 reviews task shared by tests that need a trained policy and reward model:
 * prepared once into target/test-tasks (reused by later tests and runs while its parameters
 * match), or the directory named by the system property {@value #TASK_PROPERTY}.
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
        if (given() != null) {
            return given();
        }
        Path dir = reviewsSmallDirectory();
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrepareOptions options = PrepareOptions.defaults().withSize(TaskSize.SMALL).withSeed(0).withLog(System.err);
        try {
            ReviewsTask.prepare(dir, options);
        } catch (TaskDirectoryException e) {
            ReviewsTask.prepare(dir, options.withForce(true)); // prepared by an older version of the task
        }
        return dir;
    }
}
