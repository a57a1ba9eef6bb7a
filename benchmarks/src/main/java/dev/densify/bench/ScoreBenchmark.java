package dev.densify.bench;

import dev.densify.engine.Densify;
import dev.densify.model.RewardModel;
import dev.densify.model.TokenBatch;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Reward scoring throughput: one {@link RewardModel#score(TokenBatch)} call per operation over
 * {@code batch} sequences of {@code seqLen} tokens (no padding). The primary score is calls/s;
 * the {@code sequences} secondary metric is sequences/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xss4m"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScoreBenchmark {

    /** Native threads ({@code Densify.setThreads}, process-wide: intra-op threads and inter-op pieces). */
    @Param("2")
    public int threads;

    /** "cpu" or "cuda:0". */
    @Param("cpu")
    public String device;

    @Param("256")
    public int batch;

    @Param("48")
    public int seqLen;

    private RewardModel model;
    private TokenBatch tokens;

    @Setup(Level.Trial)
    public void setUp() {
        Densify.setThreads(threads);
        model = RewardModel.create(Workloads.config(), device, Workloads.MODEL_SEED);
        tokens = TokenBatch.of(Workloads.tokens(Workloads.INPUT_SEED, batch, seqLen, model.config().vocabSize()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    /** Sequences scored, reported per second next to the primary metric. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counters {
        public long sequences;

        @Setup(Level.Iteration)
        public void reset() {
            sequences = 0;
        }
    }

    @Benchmark
    public float[] score(Counters counters) {
        float[] scores = model.score(tokens);
        counters.sequences += scores.length;
        return scores;
    }
}
