package dev.densify.bench;

import dev.densify.attribution.ScoredSequence;
import dev.densify.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The shapes and seeded inputs the JMH benchmarks share (the comparison driver writes its own
 * inputs files, with the same shapes, for {@link Worker}).
 */
final class Workloads {

    /** Seed of every model the benchmarks create. */
    static final long MODEL_SEED = 1234L;
    /** Seed of the token ids. */
    static final long INPUT_SEED = 42L;
    /** Seed of the sampler. */
    static final long SAMPLER_SEED = 7L;

    private Workloads() {
    }

    /** 4 layers, width 128, 4 heads, vocabulary 512, context 128, LayerNorm eps 1e-5. */
    static ModelConfig config() {
        return new ModelConfig(512, 128, 128, 4, 4, 1e-5);
    }

    /**
     * {@code count} sequences of {@code promptLength} prompt and {@code responseLength} response ids
     * drawn uniformly from [1, vocab), so the baseline token 0 never occurs in a response.
     */
    static List<ScoredSequence> attributionSequences(long seed, int count, int promptLength, int responseLength,
                                                     int vocab) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ScoredSequence> sequences = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sequences.add(new ScoredSequence(random.ints(promptLength, 1, vocab).toArray(),
                    random.ints(responseLength, 1, vocab).toArray()));
        }
        return sequences;
    }

    /** {@code rows} rows of {@code length} ids drawn uniformly from [0, vocab). */
    static int[][] tokens(long seed, int rows, int length, int vocab) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] ids = new int[rows][length];
        for (int[] row : ids) {
            for (int t = 0; t < length; t++) {
                row[t] = random.nextInt(vocab);
            }
        }
        return ids;
    }
}
