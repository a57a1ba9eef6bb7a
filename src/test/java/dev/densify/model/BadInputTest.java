package dev.densify.model;

import dev.densify.engine.Densify;
import dev.densify.engine.DeviceException;
import dev.densify.engine.InvalidArgumentException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.densify.model.ModelFixtures.TINY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every entry point rejects bad input with the precise exception type and a message naming the
 * problem, and the process and the model carry on unchanged afterwards.
 */
@ExtendWith(ModelFixtures.SingleThreaded.class)
class BadInputTest {

    static final int V = TINY.vocabSize();
    static final TokenBatch GOOD = ModelFixtures.probeBatch(TINY, 9);

    @TempDir
    Path tmp;

    Policy policy;
    RewardModel reward;
    float[] logitsBefore;
    float[] scoresBefore;

    @BeforeEach
    void models() {
        policy = ModelFixtures.policy(101);
        reward = ModelFixtures.reward(102);
        logitsBefore = policy.forward(GOOD, ForwardOutputs.LOGITS).logits();
        scoresBefore = reward.score(GOOD);
    }

    /** After every failure the models still work and give the same outputs as before. */
    @AfterEach
    void modelsAreUnharmed() {
        if (!policy.isClosed()) {
            ModelFixtures.assertBitEqual(logitsBefore, policy.forward(GOOD, ForwardOutputs.LOGITS).logits(), "logits");
            policy.close();
        }
        if (!reward.isClosed()) {
            ModelFixtures.assertBitEqual(scoresBefore, reward.score(GOOD), "scores");
            reward.close();
        }
    }

    /** A native InvalidArgumentException from {@code function} whose message contains every needle. */
    static InvalidArgumentException assertNativeInvalid(String function, Executable call, String... needles) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call);
        assertEquals(function, e.function(), e.getMessage());
        assertEquals(1, e.status(), "DFY_ERR_INVALID_ARGUMENT");
        assertTrue(e.getMessage().startsWith(function + ": "), e.getMessage());
        assertContains(e.getMessage(), needles);
        return e;
    }

    /** A Java-side IllegalArgumentException (exactly that class) whose message contains every needle. */
    static void assertJavaInvalid(Executable call, String... needles) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(IllegalArgumentException.class, e.getClass(), "expected a Java-side check, got " + e);
        assertContains(e.getMessage(), needles);
    }

    static void assertContains(String message, String... needles) {
        for (String needle : needles) {
            assertTrue(message.contains(needle), "message should contain '" + needle + "': " + message);
        }
    }

    static int[] row(int... ids) {
        return ids;
    }

    // ---- token ids -------------------------------------------------------------------------

    @Test
    void tokenIdOutsideTheVocabulary() {
        for (int bad : new int[]{V, V + 1000, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            TokenBatch batch = TokenBatch.of(new int[][]{row(1, 2, 3), row(4, bad, 6)});
            String id = Integer.toString(bad);
            assertNativeInvalid("dfy_policy_forward", () -> policy.forward(batch, ForwardOutputs.ALL),
                    id, "vocabulary", "row 1", "position 1");
            assertNativeInvalid("dfy_policy_forward", () -> policy.forward(batch, ForwardOutputs.VALUES), id);
            assertNativeInvalid("dfy_reward_score", () -> reward.score(batch), id, "vocabulary");
            assertNativeInvalid("dfy_policy_generate",
                    () -> policy.generate(new int[][]{row(1, 2), row(bad)}, GenerationOptions.defaults()),
                    id, "vocabulary");
        }
        // A pad id outside the vocabulary is still a token id the engine must check.
        assertNativeInvalid("dfy_policy_forward",
                () -> policy.forward(TokenBatch.rightPadded(new int[][]{row(1, 2, 3), row(4)}, V), ForwardOutputs.ALL),
                "vocabulary");
    }

    @Test
    void tokenIdOutsideTheVocabularyInTraining() {
        TokenBatch batch = TokenBatch.of(new int[][]{row(1, V, 3)});
        try (Optimizer p = Optimizer.adam(policy, AdamOptions.defaults());
             Optimizer r = Optimizer.adam(reward, AdamOptions.defaults())) {
            assertNativeInvalid("dfy_policy_lm_step", () -> policy.lmStep(p, batch), "vocabulary");
            assertNativeInvalid("dfy_reward_classifier_step", () -> reward.classifierStep(r, batch, new float[]{1}),
                    "vocabulary");
        }
    }

    // ---- empty input -----------------------------------------------------------------------

    @Test
    void emptyBatchesAndRows() {
        assertJavaInvalid(() -> TokenBatch.of(new int[0][]), "must not be empty");
        assertJavaInvalid(() -> TokenBatch.of(new int[][]{row()}), "empty");
        assertJavaInvalid(() -> TokenBatch.rightPadded(new int[0][], 0), "must not be empty");
        assertJavaInvalid(() -> TokenBatch.leftPadded(new int[][]{row(1), row()}, 0), "sequences[1]", "empty");
        assertJavaInvalid(() -> policy.generate(new int[0][], GenerationOptions.defaults()), "prompts", "empty");
        assertJavaInvalid(() -> policy.generate(new int[][]{row(1), null}, GenerationOptions.defaults()), "prompts[1]");
        assertNativeInvalid("dfy_policy_generate", () -> policy.generate(new int[][]{row()}, GenerationOptions.defaults()),
                "prompt 0 is empty");
        assertNativeInvalid("dfy_policy_generate",
                () -> policy.generate(new int[][]{row(1, 2), row()}, GenerationOptions.defaults()), "prompt 1 is empty");
    }

    // ---- lengths ---------------------------------------------------------------------------

    @Test
    void sequenceLongerThanTheContext() {
        int n = TINY.nPositions();
        TokenBatch tooLong = TokenBatch.of(new int[][]{new int[n + 1]});
        String[] needles = {Integer.toString(n + 1), "context", Integer.toString(n)};
        assertNativeInvalid("dfy_policy_forward", () -> policy.forward(tooLong, ForwardOutputs.ALL), needles);
        assertNativeInvalid("dfy_reward_score", () -> reward.score(tooLong), needles);
        // exactly the context is fine
        assertEquals(n, policy.forward(TokenBatch.of(new int[][]{new int[n]}), ForwardOutputs.VALUES).values()[0].length);
        assertEquals(1, reward.score(TokenBatch.of(new int[][]{new int[n]})).length);
        // padding counts: a short row in a batch wider than the context is still too long
        TokenBatch padded = TokenBatch.rightPadded(new int[][]{row(1), new int[n + 1]}, 0);
        assertNativeInvalid("dfy_policy_forward", () -> policy.forward(padded, ForwardOutputs.ALL), "context");
    }

    @Test
    void generationLongerThanTheContext() {
        int n = TINY.nPositions();
        GenerationOptions eight = GenerationOptions.defaults().withMaxNewTokens(8);
        assertNativeInvalid("dfy_policy_generate", () -> policy.generate(new int[][]{row(1), new int[n - 7]}, eight),
                "prompt 1", "context", "n_positions");
        assertNativeInvalid("dfy_policy_generate", () -> policy.generate(new int[][]{new int[n + 1]}, eight),
                "prompt 0", "context");
        // exactly filling the context is allowed
        assertEquals(8, policy.generate(new int[][]{new int[n - 8]}, eight).lengths()[0]);
    }

    @Test
    void mismatchedShapes() {
        assertJavaInvalid(() -> TokenBatch.of(new int[][]{row(1, 2, 3), row(1, 2)}), "ragged", "row 1");
        assertJavaInvalid(() -> new TokenBatch(new int[][]{row(1, 2)}, new int[][]{row(1, 1), row(1, 1)}),
                "mask has 2 rows", "ids has 1");
        assertJavaInvalid(() -> new TokenBatch(new int[][]{row(1, 2)}, new int[][]{row(1, 1, 1)}), "mask row 0");
        assertJavaInvalid(() -> new TokenBatch(new int[][]{row(1, 2)}, new int[][]{row(1, 2)}), "mask[0][1]", "0 or 1");
        assertJavaInvalid(() -> new TokenBatch(new int[][]{row(1, 2)}, new int[][]{row(0, 0)}), "mask row 0", "no 1");
        assertJavaInvalid(() -> new TokenBatch(new int[][]{row(1, 2)}, new int[][]{null}), "mask[0]");
        try (Optimizer r = Optimizer.adam(reward, AdamOptions.defaults())) {
            assertJavaInvalid(() -> reward.classifierStep(r, GOOD, new float[GOOD.batchSize() + 1]), "labels has");
        }
    }

    // ---- generation options ----------------------------------------------------------------

    @Test
    void badGenerationOptions() {
        GenerationOptions d = GenerationOptions.defaults();
        for (double t : new double[]{Double.NaN, -1, -1e-9, Double.POSITIVE_INFINITY}) {
            assertJavaInvalid(() -> d.withTemperature(t), "temperature");
        }
        for (double p : new double[]{0, -0.1, 1.0000001, 1.5, Double.NaN}) {
            assertJavaInvalid(() -> d.withTopP(p), "topP", "(0, 1]");
        }
        assertJavaInvalid(() -> d.withTopK(-1), "topK");
        assertJavaInvalid(() -> d.withMaxNewTokens(0), "maxNewTokens");
        assertJavaInvalid(() -> d.withStopToken(-2), "stopToken");
        assertJavaInvalid(() -> d.withPadToken(-1), "padToken");
        // Ids the Java layer cannot know are out of range are checked by the engine.
        int[][] prompts = {row(1, 2)};
        assertNativeInvalid("dfy_policy_generate", () -> policy.generate(prompts, d.withStopToken(V)), "stop_token",
                Integer.toString(V));
        assertNativeInvalid("dfy_policy_generate", () -> policy.generate(prompts, d.withPadToken(V)), "pad_token",
                Integer.toString(V));
        // top-p exactly 1 and a top-k beyond the vocabulary are legal ("off")
        assertEquals(3, policy.generate(prompts, d.withMaxNewTokens(3).withTopP(1).withTopK(10 * V)).lengths()[0]);
    }

    // ---- training --------------------------------------------------------------------------

    @Test
    void badTrainingInput() {
        try (Optimizer p = Optimizer.adam(policy, AdamOptions.defaults().withLearningRate(0));
             Optimizer r = Optimizer.adam(reward, AdamOptions.defaults().withLearningRate(0))) {
            assertNativeInvalid("dfy_policy_lm_step", () -> policy.lmStep(p, TokenBatch.of(new int[][]{row(5)})),
                    "seq_len", ">= 2");
            TokenBatch lonely = new TokenBatch(new int[][]{row(1, 2, 3)}, new int[][]{row(1, 0, 1)});
            assertNativeInvalid("dfy_policy_lm_step", () -> policy.lmStep(p, lonely), "no position");
            for (float label : new float[]{Float.NaN, 1.5f, -0.1f, Float.POSITIVE_INFINITY}) {
                assertNativeInvalid("dfy_reward_classifier_step",
                        () -> reward.classifierStep(r, TokenBatch.of(new int[][]{row(1, 2)}), new float[]{label}),
                        "label 0", "[0, 1]");
            }
            assertJavaInvalid(() -> reward.classifierStep(r, GOOD, new float[0]), "labels has 0 entries");
        }
        assertJavaInvalid(() -> AdamOptions.defaults().withLearningRate(Double.NaN), "learningRate");
        assertJavaInvalid(() -> AdamOptions.defaults().withLearningRate(-1e-3), "learningRate");
        assertJavaInvalid(() -> AdamOptions.defaults().withBetas(1, 0.9), "beta1");
        assertJavaInvalid(() -> AdamOptions.defaults().withBetas(0.9, -0.1), "beta2");
        assertJavaInvalid(() -> AdamOptions.defaults().withEps(0), "eps");
        assertJavaInvalid(() -> AdamOptions.defaults().withWeightDecay(-1), "weightDecay");
        assertJavaInvalid(() -> AdamOptions.defaults().withMaxGradNorm(Double.NaN), "maxGradNorm");
    }

    // ---- configuration and devices ---------------------------------------------------------

    @Test
    void badConfigurationsAndDevices() {
        assertJavaInvalid(() -> new ModelConfig(61, 48, 30, 2, 4), "n_embd (30)", "n_head (4)");
        assertJavaInvalid(() -> new ModelConfig(0, 48, 32, 2, 4), "vocab_size");
        assertJavaInvalid(() -> new ModelConfig(61, 48, 32, 2, 4, Double.NaN), "layer_norm_epsilon");
        assertJavaInvalid(() -> new ForwardOutputs(false, false, false), "at least one");
        assertJavaInvalid(() -> Policy.create(TINY, "gpu", 1), "invalid device", "gpu");
        assertJavaInvalid(() -> RewardModel.create(TINY, "cuda:-1", 1), "invalid device");
        if (Densify.cudaDeviceCount() == 0) {
            DeviceException e = assertThrows(DeviceException.class, () -> Policy.create(TINY, "cuda:0", 1));
            assertContains(e.getMessage(), "cuda:0", "not available");
        }
        int count = Densify.cudaDeviceCount();
        DeviceException e = assertThrows(DeviceException.class, () -> Policy.create(TINY, "cuda:" + (count + 7), 1));
        assertContains(e.getMessage(), "cuda:" + (count + 7));
    }

    // ---- closed handles --------------------------------------------------------------------

    @Test
    void useAfterClose() {
        Optimizer optimizer = Optimizer.adam(policy, AdamOptions.defaults());
        Optimizer rewardOptimizer = Optimizer.adam(reward, AdamOptions.defaults());
        TokenBatch batch = TokenBatch.of(new int[][]{row(1, 2, 3)});

        optimizer.close();
        IllegalStateException o = assertThrows(IllegalStateException.class, () -> policy.lmStep(optimizer, batch));
        assertContains(o.getMessage(), "Optimizer is closed");

        policy.close();
        policy.close(); // idempotent
        assertTrue(policy.isClosed());
        for (Executable call : new Executable[]{
                () -> policy.forward(batch, ForwardOutputs.ALL),
                () -> policy.generate(new int[][]{row(1)}, GenerationOptions.defaults()),
                () -> policy.save(tmp.resolve("never-written.safetensors")),
                () -> Optimizer.adam(policy, AdamOptions.defaults()),
                () -> policy.lmStep(optimizer, batch)}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertContains(e.getMessage(), "Policy is closed");
        }
        assertTrue(!Files.exists(tmp.resolve("never-written.safetensors")), "nothing saved after close");

        reward.close();
        assertContains(assertThrows(IllegalStateException.class, () -> reward.score(batch)).getMessage(),
                "RewardModel is closed");
        assertContains(assertThrows(IllegalStateException.class,
                () -> reward.classifierStep(rewardOptimizer, batch, new float[]{1})).getMessage(), "RewardModel is closed");
        rewardOptimizer.close();
        // Everything else still works.
        try (Policy other = ModelFixtures.policy(101)) {
            ModelFixtures.assertBitEqual(logitsBefore, other.forward(GOOD, ForwardOutputs.LOGITS).logits(), "logits");
        }
    }

    /** Inputs are copied: changing the caller's arrays after building a batch changes nothing. */
    @Test
    void batchesAreImmutable() {
        int[][] ids = {row(1, 2, 3)};
        TokenBatch batch = TokenBatch.of(ids);
        float[] before = policy.forward(batch, ForwardOutputs.LOGITS).logits();
        ids[0][1] = V + 5;
        batch.ids()[0][2] = -1;
        assertTrue(Arrays.equals(before, policy.forward(batch, ForwardOutputs.LOGITS).logits()));
    }
}
