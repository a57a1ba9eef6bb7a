package dev.densify.bench;

import dev.densify.engine.Densify;
import dev.densify.model.AdamOptions;
import dev.densify.model.GenerationOptions;
import dev.densify.model.Optimizer;
import dev.densify.model.Policy;
import dev.densify.model.RewardModel;
import dev.densify.rl.PpoOptions;
import dev.densify.rl.PpoStats;
import dev.densify.rl.PpoStep;
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

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * PPO step throughput, the two phases separately (the {@code ppo_rollout} and {@code ppo_update}
 * workloads of {@code benchmarks/compare}):
 *
 * <ul>
 *   <li>{@code rollout}: {@code batch} prompts of {@code promptLen} tokens, {@code newTokens} sampled
 *       with the KV cache at temperature 1 (no stop token, so every row produces exactly
 *       {@code newTokens}), then forwards of the policy (log-probs, values) and of the frozen
 *       reference (log-probs) and the reward model's scores of the sequences;</li>
 *   <li>{@code update}: one {@link PpoStep#run} on {@code batch} rollouts of
 *       {@code promptLen + newTokens} tokens with seeded per-token rewards, PpoConfig's defaults
 *       ({@code epochs} x minibatches of {@code minibatch}, Adam 2e-4 with clipping at 1, beta 0.05,
 *       k1, whitening); every call starts from the same weights and a new Adam state, restored
 *       before each invocation outside the measurement.</li>
 * </ul>
 *
 * The primary score is calls/s; the {@code tokens} secondary metric is response tokens/s
 * (generated tokens for the rollout, response tokens of the batch per step for the update).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xss4m"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class PpoStepBenchmark {

    /** Native threads ({@code Densify.setThreads}, process-wide: intra-op threads and inter-op pieces). */
    @Param("2")
    public int threads;

    /** "cpu" or "cuda:0". */
    @Param("cpu")
    public String device;

    @Param("16")
    public int batch;

    @Param("16")
    public int promptLen;

    @Param("32")
    public int newTokens;

    @Param("4")
    public int epochs;

    @Param("4")
    public int minibatch;

    private Policy initial;
    private Policy reference;
    private RewardModel reward;
    private int[][] prompts;
    private GenerationOptions generation;
    private int[][] sequences;
    private int[] starts;
    private float[][] rewards;
    private PpoOptions options;
    private AdamOptions adam;

    @Setup(Level.Trial)
    public void setUp() {
        Densify.setThreads(threads);
        initial = Policy.create(Workloads.config(), device, Workloads.MODEL_SEED);
        reference = initial.copy(device);
        reward = RewardModel.create(Workloads.config(), device, Workloads.MODEL_SEED);
        int vocab = initial.config().vocabSize();
        prompts = Workloads.tokens(Workloads.INPUT_SEED, batch, promptLen, vocab);
        generation = GenerationOptions.defaults()
                .withMaxNewTokens(newTokens)
                .withTemperature(1.0)
                .withSeed(Workloads.SAMPLER_SEED)
                .withUseCache(true);
        sequences = Workloads.tokens(Workloads.INPUT_SEED + 1, batch, promptLen + newTokens, vocab);
        starts = new int[batch];
        Arrays.fill(starts, promptLen);
        rewards = PpoWorkloads.shapedRewards(Workloads.INPUT_SEED + 2, batch, newTokens);
        options = PpoWorkloads.defaultOptions(epochs, minibatch, Workloads.SAMPLER_SEED);
        adam = PpoWorkloads.defaultAdam();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reward.close();
        reference.close();
        initial.close();
    }

    /** The policy being updated: the initial weights and a new Adam before every invocation (not timed). */
    @State(Scope.Thread)
    public static class Trained {
        Policy policy;
        Optimizer optimizer;

        @Setup(Level.Invocation)
        public void restore(PpoStepBenchmark b) {
            policy = b.initial.copy(b.device);
            optimizer = Optimizer.adam(policy, b.adam);
        }

        @TearDown(Level.Invocation)
        public void release() {
            optimizer.close();
            policy.close();
        }
    }

    /** Response tokens, reported per second next to the primary metric. */
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
    public Object rollout(Counters counters) {
        PpoWorkloads.Rollout r = PpoWorkloads.collect(initial, reference, reward, prompts, generation);
        for (int n : r.generation().lengths()) {
            counters.tokens += n;
        }
        return r;
    }

    @Benchmark
    public PpoStats update(Trained trained, Counters counters) {
        PpoStats s = PpoStep.run(trained.policy, reference, trained.optimizer, sequences, starts, rewards, options);
        for (float[] r : rewards) {
            counters.tokens += r.length;
        }
        return s;
    }
}
