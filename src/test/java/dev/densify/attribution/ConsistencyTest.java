package dev.densify.attribution;

import dev.densify.model.RewardModel;
import dev.densify.testing.TestThreads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.densify.attribution.Fixtures.assertSameResult;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same numbers however the work is packed: batched vs one sequence at a time, prefix reuse
 * on or off, many tiny forwards, the Java RewardFunction path vs the native model path, several
 * threads at once.
 */
class ConsistencyTest {

    @TempDir
    static Path dir;

    private static RewardModel model;
    private static List<ScoredSequence> sequences;

    @BeforeAll
    static void setUp() {
        model = Fixtures.reward(dir, Fixtures.SMALL, 31);
        Random random = new Random(5);
        sequences = Fixtures.sequences(random, Fixtures.SMALL.vocabSize(),
                new int[][]{{0, 4}, {3, 9}, {1, 1}, {5, 6}, {2, 8}, {4, 3}});
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<Attributor> attributors(long maxBatchTokens, boolean reuse) {
        return List.of(
                Attributor.of(model, AttributionOptions.kernelShap().withSamples(60).withBaselineToken(4).withSeed(9)
                        .withMaxBatchTokens(maxBatchTokens).withReusePrefix(reuse)),
                Attributor.of(model, AttributionOptions.kernelShap().withSamples(510).withBaselineToken(4)
                        .withMaxBatchTokens(maxBatchTokens).withReusePrefix(reuse)),
                Attributor.of(model, AttributionOptions.lime().withSamples(300).withBaselineToken(4).withSeed(3)
                        .withMaxBatchTokens(maxBatchTokens).withReusePrefix(reuse)),
                Attributor.of(model, AttributionOptions.attention().withBaselineToken(4).withMaxBatchTokens(maxBatchTokens)));
    }

    @Test
    void batchedEqualsOneAtATime() {
        double worst = 0;
        for (Attributor attributor : attributors(AttributionOptions.DEFAULT_MAX_BATCH_TOKENS, true)) {
            List<Attribution> batched = attributor.attribute(sequences);
            assertEquals(sequences.size(), batched.size());
            for (int i = 0; i < sequences.size(); i++) {
                Attribution single = attributor.attribute(sequences.get(i));
                assertSameResult(single, batched.get(i), 1e-5, attributor + " sequence " + i);
                worst = Math.max(worst, maxDiff(single, batched.get(i)));
            }
            // Reordering the batch changes nothing either.
            List<ScoredSequence> reversed = new ArrayList<>(sequences).reversed();
            List<Attribution> again = attributor.attribute(reversed);
            for (int i = 0; i < sequences.size(); i++) {
                assertSameResult(batched.get(i), again.get(sequences.size() - 1 - i), 1e-5, attributor + " reversed " + i);
            }
        }
        System.out.printf("[attribution] batched vs single: max |diff| %.3g%n", worst);
    }

    @Test
    void prefixReuseAndTinyBatchesChangeNoNumber() {
        double worst = 0;
        List<Attributor> reference = attributors(AttributionOptions.DEFAULT_MAX_BATCH_TOKENS, true);
        List<List<Attribution>> expected = new ArrayList<>();
        for (Attributor a : reference) {
            expected.add(a.attribute(sequences));
        }
        for (long budget : new long[]{AttributionOptions.DEFAULT_MAX_BATCH_TOKENS, 37, 1}) {
            // one row per forward is slow: there, the sequences from index 2 on (still hundreds of forwards)
            int from = budget == 1 ? 2 : 0;
            for (boolean reuse : new boolean[]{true, false}) {
                List<Attributor> variant = attributors(budget, reuse);
                for (int k = 0; k < variant.size(); k++) {
                    List<Attribution> actual = variant.get(k).attribute(sequences.subList(from, sequences.size()));
                    for (int i = from; i < sequences.size(); i++) {
                        assertSameResult(expected.get(k).get(i), actual.get(i - from), 1e-5,
                                variant.get(k) + " sequence " + i);
                        worst = Math.max(worst, maxDiff(expected.get(k).get(i), actual.get(i - from)));
                    }
                }
            }
        }
        System.out.printf("[attribution] reusePrefix on/off x maxBatchTokens {65536, 37, 1}: max |diff| %.3g%n", worst);
    }

    /** A RewardFunction wrapping the model's own scores gives the native path's values (same samples). */
    /**
     * With several threads the engine attributes pieces of the batch side by side, each with a
     * share of the memory budget; with 1, 2 and 3 threads (6 sequences: even and uneven pieces)
     * every number agrees.
     */
    @Test
    void threadCountChangesNoNumber() {
        List<List<Attribution>> expected = TestThreads.with(1, () -> attributeAll());
        for (int threads : new int[]{2, 3}) {
            List<List<Attribution>> actual = TestThreads.with(threads, () -> attributeAll());
            for (int k = 0; k < expected.size(); k++) {
                for (int i = 0; i < sequences.size(); i++) {
                    assertSameResult(expected.get(k).get(i), actual.get(k).get(i), 1e-5,
                            attributors(AttributionOptions.DEFAULT_MAX_BATCH_TOKENS, true).get(k) + ", " + threads
                                    + " threads, sequence " + i);
                }
            }
        }
    }

    private static List<List<Attribution>> attributeAll() {
        List<List<Attribution>> out = new ArrayList<>();
        for (Attributor a : attributors(AttributionOptions.DEFAULT_MAX_BATCH_TOKENS, true)) {
            out.add(a.attribute(sequences));
        }
        return out;
    }

    @Test
    void rewardFunctionPathEqualsModelPath() {
        RewardFunction function = Fixtures.function(model);
        int vocab = Fixtures.SMALL.vocabSize();
        double worst = 0;
        for (long budget : new long[]{AttributionOptions.DEFAULT_MAX_BATCH_TOKENS, 50}) {
            AttributionOptions shap = AttributionOptions.kernelShap().withSamples(100).withBaselineToken(4).withSeed(2).withMaxBatchTokens(budget);
            AttributionOptions lime = AttributionOptions.lime().withSamples(200).withBaselineToken(4).withSeed(2).withMaxBatchTokens(budget);
            List<Attribution> a = Attributor.of(model, shap).attribute(sequences);
            List<Attribution> b = Attributor.of(function, vocab, shap).attribute(sequences);
            List<Attribution> c = Attributor.of(model, lime).attribute(sequences);
            List<Attribution> d = Attributor.of(function, vocab, lime).attribute(sequences);
            for (int i = 0; i < sequences.size(); i++) {
                assertSameResult(a.get(i), b.get(i), 1e-5, "SHAP sequence " + i);
                assertSameResult(c.get(i), d.get(i), 1e-5, "LIME sequence " + i);
                worst = Math.max(worst, Math.max(maxDiff(a.get(i), b.get(i)), maxDiff(c.get(i), d.get(i))));
            }
        }
        System.out.printf("[attribution] RewardFunction path vs model path: max |diff| %.3g%n", worst);
    }

    /** The same seed gives bit-identical results; another seed gives other samples. */
    @Test
    void deterministicPerSeed() {
        AttributionOptions options = AttributionOptions.kernelShap().withSamples(40).withBaselineToken(4).withSeed(77);
        List<Attribution> first = Attributor.of(model, options).attribute(sequences);
        assertEquals(first, Attributor.of(model, options).attribute(sequences));
        List<Attribution> other = Attributor.of(model, options.withSeed(78)).attribute(sequences);
        boolean differs = false;
        for (int i = 0; i < sequences.size(); i++) {
            differs |= !java.util.Arrays.equals(first.get(i).values(), other.get(i).values());
        }
        assertEquals(true, differs, "another seed must draw other coalitions for some sequence");
    }

    /** Several threads attributing at once (upcalls on each calling thread; model calls serialised). */
    @Test
    void concurrentCallsGiveTheSequentialResults() throws Exception {
        RewardFunction function = Fixtures.function(model);
        int vocab = Fixtures.SMALL.vocabSize();
        AttributionOptions lime = AttributionOptions.lime().withSamples(100).withBaselineToken(4);
        AttributionOptions shap = AttributionOptions.kernelShap().withSamples(100).withBaselineToken(4);
        List<Attributor> attributors = List.of(Attributor.of(function, vocab, lime), Attributor.of(function, vocab, shap),
                Attributor.of(model, lime), Attributor.of(model, shap));
        List<List<Attribution>> expected = new ArrayList<>();
        for (Attributor a : attributors) {
            expected.add(a.attribute(sequences));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<List<Attribution>>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (Attributor a : attributors) {
                    futures.add(pool.submit(() -> a.attribute(sequences)));
                }
            }
            for (int f = 0; f < futures.size(); f++) {
                List<Attribution> actual = futures.get(f).get();
                List<Attribution> want = expected.get(f % attributors.size());
                for (int i = 0; i < sequences.size(); i++) {
                    assertSameResult(want.get(i), actual.get(i), 1e-5, "future " + f + " sequence " + i);
                }
            }
        }
    }

    private static double maxDiff(Attribution a, Attribution b) {
        double m = Math.max(Math.abs(a.full() - b.full()), Math.abs(a.baseline() - b.baseline()));
        for (int j = 0; j < a.length(); j++) {
            m = Math.max(m, Math.abs(a.value(j) - b.value(j)));
        }
        return m;
    }
}
