package dev.densify.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.densify.model.ModelFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generation: the KV cache against recomputation, against an independent reference built on
 * {@link Policy#forward}, seeding, batching and stop tokens.
 */
@ExtendWith(ModelFixtures.SingleThreaded.class)
class GenerationTest {

    /** Prompts of different lengths, so the batch is left-padded inside the engine. */
    static final int[][] PROMPTS = {
            {3, 17, 42, 5, 9, 0, 60},
            {11},
            {8, 8, 25},
            {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
    };
    static final int NEW_TOKENS = 12;

    @TempDir
    static Path tmp;

    /** GPT-2-initialised (near-uniform next-token distributions). */
    static Policy fresh;
    /** Larger random weights with non-trivial biases and gains (peaked distributions). */
    static Policy sharp;

    @BeforeAll
    static void models() {
        fresh = ModelFixtures.policy(1234);
        sharp = ModelFixtures.randomPolicy(tmp, ModelFixtures.TINY, 99);
    }

    @AfterAll
    static void close() {
        fresh.close();
        sharp.close();
    }

    static GenerationOptions base() {
        return GenerationOptions.defaults().withMaxNewTokens(NEW_TOKENS).withSeed(7);
    }

    static Stream<Arguments> samplers() {
        List<Arguments> out = new ArrayList<>();
        GenerationOptions[] options = {
                base().greedy(),
                base(),
                base().withTemperature(0.7).withTopK(5),
                base().withTopP(0.8),
                base().withTemperature(1.3).withTopK(10).withTopP(0.9),
                base().withTopK(1),
        };
        String[] names = {"greedy", "T=1", "T=0.7,topK=5", "topP=0.8", "T=1.3,topK=10,topP=0.9", "topK=1"};
        for (String model : new String[]{"fresh", "sharp"}) {
            for (int i = 0; i < options.length; i++) {
                out.add(Arguments.of(model, names[i], options[i]));
            }
        }
        return out.stream();
    }

    static Policy model(String name) {
        return name.equals("fresh") ? fresh : sharp;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("samplers")
    void kvCacheEqualsRecomputingEachStep(String model, String sampler, GenerationOptions options) {
        Policy policy = model(model);
        Generation cached = policy.generate(PROMPTS, options.withUseCache(true));
        Generation recomputed = policy.generate(PROMPTS, options.withUseCache(false));
        assertArrayEquals(recomputed.lengths(), cached.lengths(), "lengths");
        for (int b = 0; b < PROMPTS.length; b++) {
            assertEquals(NEW_TOKENS, cached.lengths()[b], "no stop token: every row runs to maxNewTokens");
            assertArrayEquals(recomputed.tokens()[b], cached.tokens()[b], "tokens of row " + b);
            ModelFixtures.assertArrayClose(recomputed.logprobs()[b], cached.logprobs()[b], 1e-5, "log-probs of row " + b);
        }
    }

    /**
     * Each generated token's log-prob is log-softmax(logits / T) of a separate forward over
     * prompt + generated tokens (T = 1 when greedy), unfiltered; the token is the argmax when
     * greedy, among the k largest with top-k, and inside the nucleus with top-p.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("samplers")
    void generationAgreesWithForwardReference(String model, String sampler, GenerationOptions options) {
        Policy policy = model(model);
        int vocab = policy.config().vocabSize();
        for (boolean cache : new boolean[]{true, false}) {
            Generation g = policy.generate(PROMPTS, options.withUseCache(cache));
            for (int b = 0; b < PROMPTS.length; b++) {
                int[] prompt = PROMPTS[b];
                int[] sequence = ModelFixtures.concat(prompt, g.tokens()[b]);
                PolicyOutput out = policy.forward(TokenBatch.of(new int[][]{sequence}), ForwardOutputs.LOGITS);
                for (int j = 0; j < g.lengths()[b]; j++) {
                    String where = sampler + (cache ? " cached" : " recomputed") + ", row " + b + ", step " + j;
                    int position = prompt.length - 1 + j;
                    int token = g.tokens()[b][j];
                    assertTrue(token >= 0 && token < vocab, where + ": token " + token);
                    int from = position * vocab;
                    double temperature = options.temperature() == 0 ? 1 : options.temperature();
                    double[] logp = ModelFixtures.logSoftmax(out.logits(), from, vocab, temperature);
                    assertClose(logp[token], g.logprobs()[b][j], 1e-5, where + ": log-prob");
                    checkFilter(options, out.logits(), from, vocab, token, where);
                }
            }
        }
    }

    private static void checkFilter(GenerationOptions o, float[] logits, int from, int vocab, int token, String where) {
        float chosen = logits[from + token];
        int larger = 0;
        for (int v = 0; v < vocab; v++) {
            if (logits[from + v] > chosen + 1e-5) {
                larger++;
            }
        }
        if (o.temperature() == 0) {
            assertEquals(0, larger, where + ": greedy token is not the argmax");
            return;
        }
        if (o.topK() > 0) {
            assertTrue(larger < o.topK(), where + ": token has " + larger + " larger logits, outside top-" + o.topK());
        }
        if (o.topP() < 1) {
            // Nucleus over the (top-k-filtered) temperature-scaled distribution: the mass strictly
            // more probable than the chosen token must be below top_p.
            double[] logp = ModelFixtures.logSoftmax(logits, from, vocab, o.temperature());
            double[] sorted = logp.clone();
            Arrays.sort(sorted);
            double kth = o.topK() > 0 && o.topK() < vocab ? sorted[vocab - o.topK()] : Double.NEGATIVE_INFINITY;
            double kept = 0;
            double before = 0;
            for (int v = 0; v < vocab; v++) {
                if (logp[v] >= kth) {
                    kept += Math.exp(logp[v]);
                    if (logp[v] > logp[token] + 1e-6) {
                        before += Math.exp(logp[v]);
                    }
                }
            }
            assertTrue(before / kept < o.topP() + 1e-5,
                    where + ": token lies outside the top-p nucleus (mass before it " + before / kept + ")");
        }
    }

    @Test
    void topKOneIsGreedy() {
        for (Policy policy : new Policy[]{fresh, sharp}) {
            Generation greedy = policy.generate(PROMPTS, base().greedy());
            Generation topOne = policy.generate(PROMPTS, base().withTopK(1).withSeed(555));
            assertArrayEquals(greedy.tokens(), topOne.tokens());
        }
    }

    /**
     * A positive temperature is valid however small ("finite and > 0"), and as it goes to 0 sampling
     * becomes greedy: the argmax token, with a log-prob of (nearly) 0 under the sharpened
     * distribution. Temperatures below float32's range must not turn the logits into inf/NaN.
     */
    @Test
    void tinyPositiveTemperatureIsEffectivelyGreedy() {
        Generation greedy = sharp.generate(PROMPTS, base().greedy());
        for (double t : new double[]{1e-6, 1e-30, 1e-40, 1e-50, 1e-300, Double.MIN_VALUE}) {
            Generation g = sharp.generate(PROMPTS, base().withTemperature(t));
            for (int b = 0; b < PROMPTS.length; b++) {
                for (int j = 0; j < g.lengths()[b]; j++) {
                    float lp = g.logprobs()[b][j];
                    assertTrue(Float.isFinite(lp) && lp <= 0 && lp > -1e-3,
                            "temperature " + t + ", row " + b + ", step " + j + ": log-prob " + lp);
                }
                assertArrayEquals(greedy.tokens()[b], g.tokens()[b], "temperature " + t + ", row " + b);
            }
        }
    }

    @Test
    void sameSeedSameSamplesOtherSeedOtherSamples() {
        for (Policy policy : new Policy[]{fresh, sharp}) {
            GenerationOptions o = base().withTemperature(1.5).withSeed(42);
            Generation a = policy.generate(PROMPTS, o);
            Generation b = policy.generate(PROMPTS, o);
            assertArrayEquals(a.tokens(), b.tokens());
            for (int r = 0; r < PROMPTS.length; r++) {
                ModelFixtures.assertBitEqual(a.logprobs()[r], b.logprobs()[r], "log-probs row " + r);
            }
            Generation c = policy.generate(PROMPTS, o.withSeed(43));
            assertFalse(Arrays.deepEquals(a.tokens(), c.tokens()), "seed 43 gave the same samples as seed 42");
            // Each row differs, not just one: rows have independent streams.
            for (int r = 0; r < PROMPTS.length; r++) {
                assertFalse(Arrays.equals(a.tokens()[r], c.tokens()[r]), "row " + r + " unchanged by another seed");
            }
        }
    }

    @Test
    void sameSeedOnAnotherHandleOfTheSameWeights() {
        try (Policy twin = ModelFixtures.policy(1234)) {
            GenerationOptions o = base().withSeed(3);
            assertArrayEquals(fresh.generate(PROMPTS, o).tokens(), twin.generate(PROMPTS, o).tokens());
        }
    }

    /** A prompt alone gives the row it gives in a (left-padded) batch: greedily for every row, and
     * with sampling for row 0 (rows draw from per-row streams). */
    @Test
    void batchRowsEqualPromptsAlone() {
        Generation batch = sharp.generate(PROMPTS, base().greedy());
        for (int b = 0; b < PROMPTS.length; b++) {
            Generation alone = sharp.generate(new int[][]{PROMPTS[b]}, base().greedy());
            assertArrayEquals(alone.tokens()[0], batch.tokens()[b], "greedy row " + b);
            ModelFixtures.assertArrayClose(alone.logprobs()[0], batch.logprobs()[b], 1e-5, "greedy log-probs row " + b);
        }
        for (int first = 0; first < PROMPTS.length; first++) {
            int[][] rotated = new int[PROMPTS.length][];
            for (int i = 0; i < PROMPTS.length; i++) {
                rotated[i] = PROMPTS[(first + i) % PROMPTS.length];
            }
            Generation sampled = sharp.generate(rotated, base());
            Generation alone = sharp.generate(new int[][]{rotated[0]}, base());
            assertArrayEquals(alone.tokens()[0], sampled.tokens()[0], "sampled row 0 with prompt " + first);
        }
    }

    @Test
    void stopTokenEndsARowAndIsIncluded() {
        Generation free = sharp.generate(PROMPTS, base());
        int stop = free.tokens()[0][3];
        Generation stopped = sharp.generate(PROMPTS, base().withStopToken(stop).withPadToken(1));
        for (int b = 0; b < PROMPTS.length; b++) {
            int[] all = free.tokens()[b];
            int firstStop = -1;
            for (int j = 0; j < all.length && firstStop < 0; j++) {
                if (all[j] == stop) {
                    firstStop = j;
                }
            }
            int expected = firstStop < 0 ? NEW_TOKENS : firstStop + 1;
            assertEquals(expected, stopped.lengths()[b], "row " + b + " length");
            assertArrayEquals(Arrays.copyOf(all, expected), stopped.tokens()[b], "row " + b + " tokens");
            ModelFixtures.assertArrayClose(Arrays.copyOf(free.logprobs()[b], expected), stopped.logprobs()[b], 1e-5,
                    "row " + b + " log-probs");
        }
        assertTrue(stopped.lengths()[0] <= 4);
        assertEquals(stop, stopped.tokens()[0][stopped.lengths()[0] - 1]);
    }

    @Test
    void logprobsAreProperLogProbabilities() {
        Generation g = fresh.generate(PROMPTS, base());
        double uniform = -Math.log(fresh.config().vocabSize());
        double sum = 0;
        int n = 0;
        for (float[] row : g.logprobs()) {
            for (float lp : row) {
                assertTrue(lp <= 0 && Float.isFinite(lp), "log-prob " + lp);
                sum += lp;
                n++;
            }
        }
        // A GPT-2-initialised model is close to uniform over 61 tokens.
        assertClose(uniform, sum / n, 0.5, "mean log-prob of a fresh model");
        assertNotEquals(0, n);
    }

    @Test
    void contextIsUsedUpToTheLimit() {
        int[] prompt = ModelFixtures.tokens(new Random(5), ModelFixtures.TINY.nPositions() - 4, 61);
        GenerationOptions o = base().withMaxNewTokens(4);
        Generation cached = sharp.generate(new int[][]{prompt}, o);
        Generation recomputed = sharp.generate(new int[][]{prompt}, o.withUseCache(false));
        assertArrayEquals(recomputed.tokens(), cached.tokens());
        assertEquals(4, cached.lengths()[0]);
    }
}
