package dev.densify.bench;

import dev.densify.attribution.Attribution;
import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.FeatureSelection;
import dev.densify.attribution.ScoredSequence;
import dev.densify.engine.Densify;
import dev.densify.model.RewardModel;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Attribution throughput: one {@link Attributor#attribute(List)} call per operation over
 * {@code sequences} sequences of {@code promptLen} prompt and {@code responseLen} response tokens
 * (ids in [1, vocab), baseline token 0), all in one call as the engine is meant to be used:
 * KernelSHAP with {@code samples} coalitions per sequence, LIME with {@code samples} perturbations,
 * or last-layer attention. The primary score is calls/s; the {@code sequences} secondary metric is
 * sequences attributed per second. A shap or lime call takes seconds on 2 cores, so an iteration
 * may hold a single call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xss4m"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class AttributionBenchmark {

    @Param({"shap", "lime", "attention"})
    public String method;

    /** Native threads ({@code Densify.setThreads}, process-wide: intra-op threads and inter-op pieces). */
    @Param("2")
    public int threads;

    /** "cpu" or "cuda:0". */
    @Param("cpu")
    public String device;

    @Param("16")
    public int sequences;

    @Param("16")
    public int promptLen;

    @Param("32")
    public int responseLen;

    /** Coalitions (shap) or perturbations (lime) per sequence; attention ignores it. */
    @Param("256")
    public int samples;

    /** KernelSHAP's feature selection (none, auto, aic, bic, top:K); the other methods ignore it. */
    @Param("none")
    public String shapSelection;

    private RewardModel model;
    private Attributor attributor;
    private List<ScoredSequence> batch;

    @Setup(Level.Trial)
    public void setUp() {
        Densify.setThreads(threads);
        model = RewardModel.create(Workloads.config(), device, Workloads.MODEL_SEED);
        batch = Workloads.attributionSequences(Workloads.INPUT_SEED, sequences, promptLen, responseLen,
                model.config().vocabSize());
        attributor = switch (method) {
            case "shap" -> Attributor.of(model, AttributionOptions.kernelShap().withSamples(samples).withSeed(Workloads.SAMPLER_SEED)
                    .withSelection(FeatureSelection.parse(shapSelection)));
            case "lime" -> Attributor.of(model, AttributionOptions.lime().withSamples(samples).withSeed(Workloads.SAMPLER_SEED));
            case "attention" -> Attributor.of(model, AttributionOptions.attention());
            default -> throw new IllegalArgumentException("method must be shap, lime or attention, got '" + method + "'");
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    /** Sequences attributed, reported per second next to the primary metric. */
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
    public List<Attribution> attribute(Counters counters) {
        List<Attribution> result = attributor.attribute(batch);
        counters.sequences += result.size();
        return result;
    }
}
