package dev.densify.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.densify.model.RewardModel;
import dev.densify.task.TaskJson;
import dev.densify.task.TaskSize;
import dev.densify.task.reviews.ReviewDataset;
import dev.densify.task.reviews.ReviewsConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The reward model of the default-size seed-0 reviews task, kept in the test resources
 * ({@code dev/densify/attribution/reviews-default-seed0}, with its {@code task.json} and a
 * provenance file): preparing that task takes over two minutes on two cores, and the
 * attribution bar needs only this model and the task's data, which are generated again.
 * {@link #load()} refuses a kept model whose recipe is no longer {@link ReviewsConfig#of}'s or
 * whose bytes are not the recorded ones.
 */
public final class DefaultTaskRewardModel {

    private static final String RESOURCE = "/dev/densify/attribution/reviews-default-seed0";

    private DefaultTaskRewardModel() {
    }

    /** The kept model on the CPU, after the recipe and hash checks. */
    public static RewardModel load() {
        Path dir = directory();
        try {
            if (!Arrays.equals(Files.readAllBytes(dir.resolve("task.json")), TaskJson.bytes(config().toJson()))) {
                throw new IllegalStateException("the kept reward model in " + dir + " was trained by another recipe "
                        + "than ReviewsConfig.of(0, DEFAULT): regenerate it as its provenance.json says");
            }
            String actual = Hashes.sha256(dir.resolve("reward.safetensors"));
            if (!actual.equals(sha256())) {
                throw new IllegalStateException("reward.safetensors in " + dir + " has sha256 " + actual
                        + ", provenance.json records " + sha256());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return RewardModel.load(dir.resolve("reward.safetensors"), "cpu");
    }

    /** The task's splits and prompts, generated as {@code prepare} generates them. */
    public static ReviewDataset dataset() {
        ReviewsConfig.Data sizes = config().data();
        return ReviewDataset.generate(config().seed(), sizes.train(), sizes.validation(), sizes.test());
    }

    /** The recorded sha256 of the kept model. */
    public static String sha256() {
        try {
            return new ObjectMapper().readTree(Files.readAllBytes(directory().resolve("provenance.json")))
                    .path("sha256").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ReviewsConfig config() {
        return ReviewsConfig.of(0, TaskSize.DEFAULT);
    }

    private static Path directory() {
        try {
            var url = DefaultTaskRewardModel.class.getResource(RESOURCE);
            if (url == null) {
                throw new IllegalStateException("test resource " + RESOURCE + " is missing");
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
