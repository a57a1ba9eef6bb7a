package dev.densify.task.reviews;

import dev.densify.rl.PpoTask;
import dev.densify.text.WordTokenizer;

import java.util.List;

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
        return new PpoTask(task.policy(), task.rewardModel(), encode(tokenizer, data.trainPrompts()),
                encode(tokenizer, data.testPrompts()), WordTokenizer.EOS, WordTokenizer.PAD, WordTokenizer.MASK,
                tokenizer::token);
    }

    private static List<int[]> encode(WordTokenizer tokenizer, List<ReviewDataset.Prompt> prompts) {
        return prompts.stream().map(p -> tokenizer.encode(p.text(), true, false)).toList();
    }
}
