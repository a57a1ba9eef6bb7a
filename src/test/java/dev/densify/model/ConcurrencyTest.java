package dev.densify.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.densify.model.ModelFixtures.TINY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Distinct handles run concurrently, calls on one handle are serialised, and close is safe at any time. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrencyTest {

    static final TokenBatch BATCH = ModelFixtures.probeBatch(TINY, 17);
    static final int[][] PROMPTS = {{1, 2, 3}, {40, 41}, {7, 7, 7, 7, 7}};

    /** Everything one unit of work computes, comparable exactly. */
    record Result(float[] logits, float[][] values, int[][] tokens, float[][] logprobs) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && Arrays.equals(logits, r.logits) && Arrays.deepEquals(values, r.values)
                    && Arrays.deepEquals(tokens, r.tokens) && Arrays.deepEquals(logprobs, r.logprobs);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(logits), Arrays.deepHashCode(tokens));
        }
    }

    static Result work(Policy policy, long seed) {
        PolicyOutput out = policy.forward(BATCH, ForwardOutputs.ALL);
        Generation g = policy.generate(PROMPTS, GenerationOptions.defaults().withMaxNewTokens(8).withSeed(seed));
        return new Result(out.logits(), out.values(), g.tokens(), g.logprobs());
    }

    static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(100, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoModelsInTwoThreadsEqualSequential() throws Exception {
        try (Policy a = ModelFixtures.policy(1); Policy b = ModelFixtures.policy(2);
             RewardModel r = ModelFixtures.reward(3)) {
            Result expectedA = work(a, 10);
            Result expectedB = work(b, 20);
            float[] expectedScores = r.score(BATCH);
            assertTrue(!expectedA.equals(expectedB), "the two models differ");
            List<Callable<Object>> tasks = List.of(
                    () -> {
                        for (int i = 0; i < 6; i++) {
                            assertEquals(expectedA, work(a, 10), "policy a, iteration " + i);
                        }
                        return null;
                    },
                    () -> {
                        for (int i = 0; i < 6; i++) {
                            assertEquals(expectedB, work(b, 20), "policy b, iteration " + i);
                        }
                        return null;
                    },
                    () -> {
                        for (int i = 0; i < 12; i++) {
                            ModelFixtures.assertBitEqual(expectedScores, r.score(BATCH), "scores, iteration " + i);
                        }
                        return null;
                    });
            runAll(tasks);
        }
    }

    @Test
    void twoModelsTrainingConcurrentlyEqualSequential() throws Exception {
        TokenBatch batch = TokenBatch.rightPadded(new int[][]{{1, 2, 3, 4, 5, 6}, {9, 8, 7}}, 0);
        float[][] sequential = new float[2][];
        for (int m = 0; m < 2; m++) {
            try (Policy p = ModelFixtures.policy(70 + m);
                 Optimizer o = Optimizer.adam(p, AdamOptions.defaults().withLearningRate(1e-2))) {
                sequential[m] = train(p, o, batch);
            }
        }
        try (Policy p0 = ModelFixtures.policy(70); Policy p1 = ModelFixtures.policy(71);
             Optimizer o0 = Optimizer.adam(p0, AdamOptions.defaults().withLearningRate(1e-2));
             Optimizer o1 = Optimizer.adam(p1, AdamOptions.defaults().withLearningRate(1e-2))) {
            List<float[]> concurrent = runAll(List.of(() -> train(p0, o0, batch), () -> train(p1, o1, batch)));
            ModelFixtures.assertBitEqual(sequential[0], concurrent.get(0), "model 0 losses and outputs");
            ModelFixtures.assertBitEqual(sequential[1], concurrent.get(1), "model 1 losses and outputs");
        }
    }

    /** Four steps' losses followed by the logits after training. */
    private static float[] train(Policy p, Optimizer o, TokenBatch batch) {
        float[] losses = new float[4];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = p.lmStep(o, batch).loss();
        }
        float[] logits = p.forward(batch, ForwardOutputs.LOGITS).logits();
        float[] out = Arrays.copyOf(losses, losses.length + logits.length);
        System.arraycopy(logits, 0, out, losses.length, logits.length);
        return out;
    }

    @Test
    void oneHandleHammeredByManyThreadsEqualsSequential() throws Exception {
        try (Policy shared = ModelFixtures.policy(4); RewardModel reward = ModelFixtures.reward(5)) {
            int threads = 4;
            Result[] expected = new Result[threads];
            for (int t = 0; t < threads; t++) {
                expected[t] = work(shared, 100 + t);
            }
            float[] expectedScores = reward.score(BATCH);
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                tasks.add(() -> {
                    for (int i = 0; i < 5; i++) {
                        assertEquals(expected[id], work(shared, 100 + id), "thread " + id + ", iteration " + i);
                        ModelFixtures.assertBitEqual(expectedScores, reward.score(BATCH), "scores");
                    }
                    return id;
                });
            }
            assertEquals(List.of(0, 1, 2, 3), runAll(tasks));
        }
    }

    @Test
    void closeFromAnotherThreadWhileCallsRun() throws Exception {
        for (int round = 0; round < 3; round++) {
            Policy policy = ModelFixtures.policy(6);
            RewardModel reward = ModelFixtures.reward(7);
            Policy trainee = ModelFixtures.policy(8);
            Optimizer optimizer = Optimizer.adam(trainee, AdamOptions.defaults());
            Result expected = work(policy, 1);
            AtomicInteger calls = new AtomicInteger();
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            AtomicInteger stoppedByClose = new AtomicInteger();
            int threads = 4;
            CountDownLatch running = new CountDownLatch(threads);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread worker = new Thread(() -> {
                    running.countDown();
                    try {
                        while (true) {
                            switch (id) {
                                case 0, 1 -> {
                                    Result r = work(policy, 1);
                                    if (!r.equals(expected)) {
                                        unexpected.add(new AssertionError("result changed while closing"));
                                        return;
                                    }
                                }
                                case 2 -> reward.score(BATCH);
                                default -> trainee.lmStep(optimizer, BATCH);
                            }
                            calls.incrementAndGet();
                        }
                    } catch (IllegalStateException e) {
                        if (e.getMessage().endsWith("is closed")) {
                            stoppedByClose.incrementAndGet();
                        } else {
                            unexpected.add(e);
                        }
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }, "worker-" + t);
                workers.add(worker);
                worker.start();
            }
            running.await();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (calls.get() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            // close in different orders in different rounds
            if (round % 2 == 0) {
                policy.close();
                trainee.close();
                optimizer.close();
            } else {
                optimizer.close();
                trainee.close();
                policy.close();
            }
            reward.close();
            for (Thread w : workers) {
                w.join(60_000);
                assertTrue(!w.isAlive(), w.getName() + " still running");
            }
            if (!unexpected.isEmpty()) {
                fail("unexpected failures: " + unexpected, unexpected.get(0));
            }
            assertEquals(threads, stoppedByClose.get(), "every worker stopped with IllegalStateException");
            assertThrows(IllegalStateException.class, () -> policy.forward(BATCH, ForwardOutputs.ALL));
            assertThrows(IllegalStateException.class, () -> reward.score(BATCH));
            assertThrows(IllegalStateException.class, () -> trainee.lmStep(optimizer, BATCH));
        }
        // the engine is fine afterwards
        try (Policy fresh = ModelFixtures.policy(6)) {
            assertEquals(BATCH.batchSize(), fresh.forward(BATCH, ForwardOutputs.VALUES).values().length);
        }
    }
}
