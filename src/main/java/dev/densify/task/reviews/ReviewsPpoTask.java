package dev.densify.task.reviews;

import dev.densify.reward.RewardSource;
import dev.densify.rl.PpoTask;
import dev.densify.task.TaskSource;
import dev.densify.text.WordTokenizer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The reviews task as PPO sees it: prompts are bos + the opening words of held-out reviews
 * (rollouts from the validation split's prompts, validation on the test split's), responses
 * stop at eos, removed tokens become the mask token.
 */
public final class ReviewsPpoTask {

    private ReviewsPpoTask() {
    }

    public static PpoTask of(ReviewsTask task) {
        WordTokenizer tokenizer = task.tokenizer();
        ReviewDataset data = task.dataset();
        return new PpoTask(task.policy(), null, RewardSource.of(task.rewardModel()),
                encode(tokenizer, data.trainPrompts()), encode(tokenizer, data.testPrompts()), WordTokenizer.EOS,
                WordTokenizer.PAD, WordTokenizer.MASK, tokenizer::token,
                List.of(task.directory().resolve(ReviewsTask.TOKENIZER_FILE)));
    }

    /** The prepared task in {@code directory} as a source of PPO tasks. */
    public static TaskSource source(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        return new TaskSource() {
            @Override
            public Opened open(String device, int maxNewTokens, PrintStream log) {
                ReviewsTask task = ReviewsTask.open(dir, device);
                return new Opened(of(task), task);
            }

            @Override
            public Map<String, String> describe() {
                return Map.of("task_dir", dir.toString());
            }
        };
    }

    private static List<int[]> encode(WordTokenizer tokenizer, List<ReviewDataset.Prompt> prompts) {
        return prompts.stream().map(p -> tokenizer.encode(p.text(), true, false)).toList();
    }
}
