package dev.densify.bench;

import dev.densify.engine.Densify;
import dev.densify.model.Generation;
import dev.densify.model.GenerationOptions;
import dev.densify.model.Policy;
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
 * Generation throughput: one {@link Policy#generate} call per operation, {@code batch} prompts of
 * {@code promptLen} tokens, {@code newTokens} new tokens each, sampled at temperature 1 (no
 * top-k/top-p, no stop token, so every row produces exactly {@code newTokens}), with and
 * without the KV cache. The primary score is calls/s; the {@code tokens} secondary metric is
 * generated tokens/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xss4m"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class GenerateBenchmark {

    /** Native threads ({@code Densify.setThreads}, process-wide: intra-op threads and inter-op pieces). */
    @Param("2")
    public int threads;

    /** "cpu" or "cuda:0". */
    @Param("cpu")
    public String device;

    @Param({"true", "false"})
    public boolean useCache;

    @Param("16")
    public int batch;

    @Param("16")
    public int promptLen;

    @Param("32")
    public int newTokens;

    private Policy model;
    private int[][] prompts;
    private GenerationOptions options;

    @Setup(Level.Trial)
    public void setUp() {
        Densify.setThreads(threads);
        model = Policy.create(Workloads.config(), device, Workloads.MODEL_SEED);
        prompts = Workloads.tokens(Workloads.INPUT_SEED, batch, promptLen, model.config().vocabSize());
        options = GenerationOptions.defaults()
                .withMaxNewTokens(newTokens)
                .withTemperature(1.0)
                .withSeed(Workloads.SAMPLER_SEED)
                .withUseCache(useCache);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    /** Tokens generated, reported per second next to the primary metric. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counters {
        public long tokens;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
        }
    }

    @Benchmark
    public Generation generate(Counters counters) {
        Generation g = model.generate(prompts, options);
        for (int n : g.lengths()) {
            counters.tokens += n;
        }
        return g;
    }
}
