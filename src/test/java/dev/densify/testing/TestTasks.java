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

    public static synchronized Path reviewsSmall() {
        String given = System.getProperty(TASK_PROPERTY);
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path dir = Path.of("target", "test-tasks", "reviews-small-seed0").toAbsolutePath();
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
