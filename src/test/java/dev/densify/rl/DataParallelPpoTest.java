package dev.densify.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.densify.engine.DeviceException;
import dev.densify.model.AdamOptions;
import dev.densify.model.ForwardOutputs;
import dev.densify.model.Optimizer;
import dev.densify.model.Policy;
import dev.densify.model.PolicyOutput;
import dev.densify.model.TokenBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Data-parallel PPO with two ranks as two threads of this JVM (a Gloo group over 127.0.0.1). */
class DataParallelPpoTest {

    private static final Duration CONNECT = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** body(rank, group) on two threads, each the rank of one group; the results in rank order. */
    static <T> T[] twoRanks(BiFunction<Integer, ProcessGroup, T> body, T[] out) throws Exception {
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?>[] f = new Future<?>[2];
            for (int r = 0; r < 2; r++) {
                int rank = r;
                f[r] = pool.submit(() -> {
                    try (ProcessGroup g = ProcessGroup.connect(new DistributedEnvironment(rank, 2, rank, "127.0.0.1",
                            port), CONNECT, TIMEOUT)) {
                        out[rank] = body.apply(rank, g);
                    }
                    return null;
                });
            }
            for (Future<?> x : f) {
                x.get();
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private record Outcome(PpoStats[] stats, float[] logits, float[] values) {
    }

    private static Outcome probe(Policy p, PpoStats[] stats, int[][] sequences) {
        PolicyOutput o = p.forward(TokenBatch.rightPadded(sequences, 0), ForwardOutputs.ALL);
        float[][] rows = o.values();
        int n = 0;
        for (float[] r : rows) {
            n += r.length;
        }
        float[] values = new float[n];
        int at = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, values, at, r.length);
            at += r.length;
        }
        return new Outcome(stats, o.logits(), values);
    }

    private static double[] numbers(PpoStats s) {
        return new double[] {s.policyLoss(), s.valueLoss(), s.entropy(), s.approxKl(), s.clipFraction(),
                s.valueClipFraction(), s.explainedVariance(), s.gradNorm(), s.klReference(), s.reward(),
                s.lossBefore(), s.lossAfter()};
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= 1e-5, what + ": largest difference " + worst);
    }

    /**
     * Two ranks on halves of a fixed batch (3 steps of 2 epochs x minibatches of 4 of 12 rows,
     * whitening on) give the statistics and weights of one process on the whole batch.
     */
    @Test
    void twoRanksTakeTheStepOfOneProcessOnTheWholeBatch() throws Exception {
        PpoStepTest.Batch batch = PpoStepTest.Batch.random(21, 12);
        PpoOptions options = new PpoOptions(1.0, 0.95, 0.2, 0.2, 0.1, 0.01, 0.05, KlEstimator.K3, true, 2, 4, 17);
        AdamOptions adam = AdamOptions.defaults().withLearningRate(1e-3);
        int steps = 3;
        Outcome alone;
        try (Policy policy = Policy.create(PpoStepTest.CONFIG, "cpu", 8); Policy reference = policy.copy("cpu");
             Optimizer opt = Optimizer.adam(policy, adam)) {
            PpoStats[] stats = new PpoStats[steps];
            for (int s = 0; s < steps; s++) {
                stats[s] = PpoStep.run(policy, reference, opt, batch.sequences(), batch.starts(), batch.rewards(),
                        options);
            }
            alone = probe(policy, stats, batch.sequences());
        }
        Outcome[] ranks = twoRanks((rank, group) -> {
            // Rank 1 starts from other weights: the broadcast gives it rank 0's.
            try (Policy policy = Policy.create(PpoStepTest.CONFIG, "cpu", rank == 0 ? 8 : 99);
                 Policy reference = policy.copy("cpu"); Optimizer opt = Optimizer.adam(policy, adam)) {
                group.broadcast(policy, 0);
                group.broadcast(reference, 0);
                int from = rank * 6;
                PpoStats[] stats = new PpoStats[steps];
                for (int s = 0; s < steps; s++) {
                    stats[s] = PpoStep.run(group, policy, reference, opt,
                            Arrays.copyOfRange(batch.sequences(), from, from + 6),
                            Arrays.copyOfRange(batch.starts(), from, from + 6),
                            Arrays.copyOfRange(batch.rewards(), from, from + 6), options, 0);
                }
                return probe(policy, stats, batch.sequences());
            }
        }, new Outcome[2]);
        for (int rank = 0; rank < 2; rank++) {
            for (int s = 0; s < steps; s++) {
                double[] a = numbers(alone.stats()[s]);
                double[] b = numbers(ranks[rank].stats()[s]);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])),
                            "rank " + rank + ", step " + s + ", statistic " + i);
                }
            }
            assertClose(alone.logits(), ranks[rank].logits(), "rank " + rank + " logits");
            assertClose(alone.values(), ranks[rank].values(), "rank " + rank + " values");
        }
        assertArrayEquals(ranks[0].logits(), ranks[1].logits(), "the ranks' weights are identical");
        assertTrue(alone.stats()[steps - 1].lossAfter() < alone.stats()[0].lossBefore(), "the updates learned");
    }

    @Test
    void allReduceSumsAndRequireSameRefusesDisagreement() throws Exception {
        String[] outcome = twoRanks((rank, group) -> {
            double[] sums = group.allReduceSum(1 + rank, 0.5, -rank);
            assertArrayEquals(new double[] {3, 1, -1}, sums);
            group.requireSame(42, "a constant");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> group.requireSame(rank, "the rank"));
            return e.getMessage();
        }, new String[2]);
        assertTrue(outcome[0].contains("the rank differs"), outcome[0]);
    }

    @Test
    void environmentIsReadAndValidatedAsTorchrunSetsIt() {
        assertEquals(Optional.empty(), DistributedEnvironment.from(Map.of("PATH", "/bin")));
        Map<String, String> env = new HashMap<>(Map.of("RANK", "1", "WORLD_SIZE", "4", "LOCAL_RANK", "1",
                "MASTER_ADDR", "10.0.0.5", "MASTER_PORT", "29500"));
        assertEquals(new DistributedEnvironment(1, 4, 1, "10.0.0.5", 29500), DistributedEnvironment.from(env).get());
        assertEquals(env, new HashMap<>(DistributedEnvironment.from(env).get().variables()));
        DistributedEnvironment rank1 = DistributedEnvironment.from(env).get();
        assertEquals("cuda:1", rank1.device("cuda"), "one GPU a rank: cuda is cuda:LOCAL_RANK");
        assertEquals("cuda:0", rank1.device("cuda:0"), "an explicit device stands");
        assertEquals("cpu", rank1.device("cpu"));
        Map<String, String> missing = new HashMap<>(env);
        missing.remove("MASTER_ADDR");
        assertMessage(missing, "MASTER_ADDR is not set");
        Map<String, String> noPort = new HashMap<>(env);
        noPort.remove("MASTER_PORT");
        assertMessage(noPort, "MASTER_PORT is not set");
        assertMessage(with(env, "RANK", "4"), "RANK must be in [0, WORLD_SIZE = 4), got 4");
        assertMessage(with(env, "RANK", "-1"), "RANK must be in [0, WORLD_SIZE = 4), got -1");
        assertMessage(with(env, "WORLD_SIZE", "0"), "WORLD_SIZE must be >= 1, got 0");
        assertMessage(with(env, "WORLD_SIZE", "two"), "WORLD_SIZE must be an integer, got 'two'");
        assertMessage(with(env, "MASTER_PORT", "70000"), "MASTER_PORT must be in [1, 65535], got 70000");
        assertMessage(with(env, "LOCAL_RANK", "9"), "LOCAL_RANK must be in [0, WORLD_SIZE = 4), got 9");
        Map<String, String> rankOnly = Map.of("RANK", "0");
        assertMessage(rankOnly, "WORLD_SIZE is not set, but RANK is");
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(key, value);
        return copy;
    }

    private static void assertMessage(Map<String, String> env, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DistributedEnvironment.from(env));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** Nobody listens at the master: the connect timeout ends the wait with an error naming it. */
    @Test
    void anUnreachableMasterFailsWithinTheConnectTimeout() {
        int port = freePort();
        long t0 = System.nanoTime();
        DeviceException e = assertThrows(DeviceException.class, () -> ProcessGroup.connect(
                new DistributedEnvironment(1, 2, 1, "127.0.0.1", port), Duration.ofSeconds(2), TIMEOUT).close());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 20, "gave up after " + seconds + " s");
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProcessGroup.connect(
                new DistributedEnvironment(0, 1, 0, "127.0.0.1", port), Duration.ZERO, TIMEOUT));
    }
}
