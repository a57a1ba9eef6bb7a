package dev.densify.attribution;

import dev.densify.engine.BatchBudget;
import dev.densify.engine.NativeOutOfMemoryException;
import dev.densify.engine.OomRetry;
import dev.densify.model.RewardModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static dev.densify.attribution.Fixtures.assertSameResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attribution budgets from free memory, and an out-of-memory (injected before the native call at
 * budgets above a threshold) halving the budget until the call runs: the results are those of
 * the budget it ended at, and the retries are counted.
 */
class BatchBudgetAttributionTest {

    @TempDir
    static Path dir;

    private static RewardModel model;
    private static List<ScoredSequence> sequences;

    @BeforeAll
    static void setUp() {
        model = Fixtures.reward(dir, Fixtures.SMALL, 37);
        Random random = new Random(8);
        sequences = Fixtures.sequences(random, Fixtures.SMALL.vocabSize(), new int[][]{{2, 7}, {0, 5}, {4, 9}});
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @AfterEach
    void noInjection() {
        NativeAttribution.failAboveTokensForTest = Long.MAX_VALUE;
    }

    private static AttributionOptions shap(long tokens) {
        return AttributionOptions.kernelShap().withSamples(80).withBaselineToken(4).withSeed(2).withMaxBatchTokens(tokens);
    }

    @Test
    void outOfMemoryHalvesTheBudgetAndRetries() {
        List<Attribution> at64 = Attributor.of(model, shap(64)).attribute(sequences);
        NativeAttribution.failAboveTokensForTest = 100;
        long before = OomRetry.retries();
        // 4096 -> 2048 -> ... -> 64: six out-of-memories, then the call at 64 tokens.
        List<Attribution> retried = Attributor.of(model, shap(4096)).attribute(sequences);
        assertEquals(6, OomRetry.retries() - before);
        for (int i = 0; i < sequences.size(); i++) {
            assertSameResult(at64.get(i), retried.get(i), 0, "sequence " + i);
        }
    }

    @Test
    void outOfMemoryAtOneRowIsThrown() {
        NativeAttribution.failAboveTokensForTest = 5;  // below the longest sequence (13 tokens)
        NativeOutOfMemoryException e = assertThrows(NativeOutOfMemoryException.class,
                () -> Attributor.of(model, shap(4096)).attribute(sequences));
        assertTrue(e.getMessage().contains("injected"), e.getMessage());
    }

    @Test
    void autoBudgetComesFromFreeMemory() {
        long keys = 13;
        long expected = BatchBudget.maxBatchTokens(BatchBudget.freeBytes("cpu"),
                BatchBudget.bytesPerToken(2, 32, 4, 40, keys, 4, BatchBudget.Use.INFERENCE), keys);
        long budget = NativeAttribution.budget(model, keys);
        assertEquals(expected, budget, expected / 100.0);
        assertTrue(budget > 100_000, "a 2-layer width-32 model on a machine with memory: " + budget);
        List<Attribution> auto = Attributor.of(model, shap(AttributionOptions.AUTO_MAX_BATCH_TOKENS)).attribute(sequences);
        List<Attribution> fixed = Attributor.of(model, shap(AttributionOptions.DEFAULT_MAX_BATCH_TOKENS)).attribute(sequences);
        for (int i = 0; i < sequences.size(); i++) {
            assertSameResult(fixed.get(i), auto.get(i), 1e-5, "sequence " + i);
        }
    }
}
