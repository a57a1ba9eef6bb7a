package dev.densify.bench;

import dev.densify.bo.BayesianOptimizer;
import dev.densify.bo.BayesianOptimizerOptions;
import dev.densify.bo.Observation;
import dev.densify.bo.SimplexSpace;
import dev.densify.bo.SobolDesign;
import dev.densify.bo.Suggestion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Latency of one Bayesian-optimisation suggestion: fit the GP (marginal likelihood with
 * restarts) to {@code observations} noisy points of a smooth function on a 4-component simplex
 * and choose q = {@code q} candidates with q log noisy EI. Each call uses a new seed, so every
 * call fits and optimises from scratch. Issue target: median under 200 ms (n = 50, q = 4).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class GpSuggestBenchmark {

    @Param("50")
    public int observations;

    @Param("4")
    public int q;

    private SimplexSpace space;
    private List<Observation> data;
    private long seed;

    @Setup
    public void setUp() {
        space = SimplexSpace.of(4);
        Random noise = new Random(1);
        data = new ArrayList<>();
        for (double[] u : new SobolDesign(space.dimension(), 5).points(0, observations)) {
            double[] w = space.fromUnit(u);
            double f = -Math.pow(w[0] - 0.4, 2) - Math.pow(w[1] - 0.3, 2) + 0.5 * w[2] * w[3]
                    + 0.01 * noise.nextGaussian();
            data.add(new Observation(w, f));
        }
    }

    @Benchmark
    public Suggestion suggest() {
        return new BayesianOptimizer(space, BayesianOptimizerOptions.defaults().withSeed(seed++)).suggest(data, q);
    }
}
