package dev.densify.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.densify.testing.TestThreads;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * With several threads on CPU the engine splits inference batches into row pieces that run
 * concurrently (one intra-op thread each). A row's result must not depend on which piece it
 * falls in: generated tokens are identical (each row samples from its own stream) and every
 * number agrees with the single-threaded run to rounding, for even and uneven splits.
 */
@ExtendWith(ModelFixtures.SingleThreaded.class)
class ThreadCountTest {

    /** Seven rows of different lengths: 2 and 3 threads split them unevenly. */
    static final int[][] PROMPTS = {
            {3, 17, 42, 5, 9, 0, 60}, {11}, {8, 8, 25}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
            {44, 2}, {7, 7, 7, 7, 7}, {59, 13, 30, 1},
    };

    @TempDir
    static Path tmp;
    static Policy policy;
    static RewardModel reward;

    @BeforeAll
    static void models() {
        policy = ModelFixtures.randomPolicy(tmp, ModelFixtures.TINY, 31);
        reward = ModelFixtures.reward(32);
    }

    @AfterAll
    static void close() {
        policy.close();
        reward.close();
    }

    /** f evaluated with 1 thread, then with each count in {@code threads}. */
    private static <T> void compare(IntFunction<T> f, BiConsumer<T, T> check, int... threads) {
        T expected = TestThreads.with(1, () -> f.apply(1));
        for (int n : threads) {
            check.accept(expected, TestThreads.with(n, () -> f.apply(n)));
        }
    }

    @Test
    void generationIsTheSameWithMoreThreads() {
        GenerationOptions sampled = GenerationOptions.defaults().withMaxNewTokens(10).withSeed(5).withTopK(20);
        for (GenerationOptions options : new GenerationOptions[]{sampled, sampled.greedy(), sampled.withUseCache(false)}) {
            compare(n -> policy.generate(PROMPTS, options), (a, b) -> {
                assertArrayEquals(a.lengths(), b.lengths(), "lengths");
                for (int row = 0; row < PROMPTS.length; row++) {
                    assertArrayEquals(a.tokens()[row], b.tokens()[row], options + ": tokens of row " + row);
                    ModelFixtures.assertArrayClose(a.logprobs()[row], b.logprobs()[row], 1e-5, "log-probs of row " + row);
                }
            }, 2, 3);
        }
    }

    @Test
    void forwardsAndScoresAreTheSameWithMoreThreads() {
        int[][] sequences = new int[PROMPTS.length][];
        for (int row = 0; row < PROMPTS.length; row++) {
            sequences[row] = ModelFixtures.concat(PROMPTS[row], new int[]{row + 1, 2 * row + 3});
        }
        TokenBatch batch = TokenBatch.rightPadded(sequences, 0);
        compare(n -> policy.forward(batch, ForwardOutputs.ALL), (a, b) -> {
            ModelFixtures.assertArrayClose(a.logits(), b.logits(), 1e-5, "logits");
            for (int row = 0; row < sequences.length; row++) {
                ModelFixtures.assertArrayClose(a.values()[row], b.values()[row], 1e-5, "values of row " + row);
                ModelFixtures.assertArrayClose(a.tokenLogprobs()[row], b.tokenLogprobs()[row], 1e-5,
                        "token log-probs of row " + row);
            }
        }, 2, 3);
        compare(n -> reward.score(batch), (a, b) -> ModelFixtures.assertArrayClose(a, b, 1e-5, "scores"), 2, 3);
    }
}
