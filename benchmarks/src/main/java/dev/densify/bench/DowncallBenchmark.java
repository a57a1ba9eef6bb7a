package dev.densify.bench;

import dev.densify.bindings.densify_h;
import dev.densify.engine.Densify;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cost of crossing the Java/native boundary with a trivial call:
 * <ul>
 *   <li>{@code rawAbiVersion}: the FFM downcall alone (the checked-in binding, no API wrapper);</li>
 *   <li>{@code cudaCompiled}: the public API around a downcall without out-parameters;</li>
 *   <li>{@code threads}: the public API around a fallible downcall with an out-parameter (a
 *       confined arena, the status check), the shape of most engine calls.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xss4m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DowncallBenchmark {

    @Setup
    public void load() {
        Densify.version(); // loads the native library outside the measurement
    }

    @Benchmark
    public int rawAbiVersion() {
        return densify_h.dfy_abi_version();
    }

    @Benchmark
    public boolean cudaCompiled() {
        return Densify.cudaCompiled();
    }

    @Benchmark
    public int threads() {
        return Densify.threads();
    }
}
