package dev.densify.attribution;

import dev.densify.bindings.densify_h;
import dev.densify.engine.CallbackException;
import dev.densify.engine.InvalidArgumentException;
import dev.densify.engine.internal.Native;
import dev.densify.model.RewardModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input gives a clear exception naming the problem, and afterwards the process and the
 * attributor still work. Native validation is checked too, by bypassing the Java checks.
 */
class BadInputTest {

    @TempDir
    static Path dir;

    private static RewardModel model;
    private static final int VOCAB = Fixtures.SMALL.vocabSize();
    private static final ScoredSequence GOOD = new ScoredSequence(new int[]{7, 8}, new int[]{9, 10, 11, 12});

    @BeforeAll
    static void load() {
        model = Fixtures.reward(dir, Fixtures.SMALL, 51);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static <T extends Throwable> T assertFails(Class<T> type, Executable body, String... fragments) {
        T e = assertThrows(type, body);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }

    /** After a failure the engine still attributes, through both paths. */
    private static void stillWorks() {
        Attribution a = Attributor.of(model, AttributionOptions.kernelShap().withSamples(14)).attribute(GOOD);
        Attribution b = Attributor.of(Fixtures.function(model), VOCAB, AttributionOptions.kernelShap().withSamples(14)).attribute(GOOD);
        Fixtures.assertSameResult(a, b, 1e-5, "after a failure");
    }

    // ---- options ---------------------------------------------------------------------------

    @Test
    void optionsAreValidatedInJava() {
        int max = Attributor.MAX_SAMPLES;
        assertEquals(densify_h.DFY_MAX_SAMPLES(), max);
        for (int samples : new int[]{1, 0, -3, max + 1, Integer.MAX_VALUE}) {
            assertFails(IllegalArgumentException.class, () -> AttributionOptions.kernelShap().withSamples(samples),
                    "samples must be in [2, " + max + "]", "got " + samples);
            assertFails(IllegalArgumentException.class, () -> AttributionOptions.lime().withSamples(samples), "samples");
        }
        AttributionOptions.kernelShap().withSamples(2);
        AttributionOptions.kernelShap().withSamples(max);
        assertFails(IllegalArgumentException.class, () -> AttributionOptions.kernelShap().withBaselineToken(-1), "baselineToken");
        assertFails(IllegalArgumentException.class, () -> AttributionOptions.kernelShap().withMaxBatchTokens(0), "maxBatchTokens");
        assertFails(IllegalArgumentException.class, () -> AttributionOptions.attention().withMaxBatchTokens(-1), "maxBatchTokens");
        assertFails(IllegalArgumentException.class, () -> AttributionOptions.attention().withBaselineToken(-2), "baselineToken");
        for (double width : new double[]{0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertFails(IllegalArgumentException.class, () -> AttributionOptions.lime().withKernelWidth(width), "kernelWidth");
        }
        for (double alpha : new double[]{-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertFails(IllegalArgumentException.class, () -> AttributionOptions.lime().withRidgeAlpha(alpha), "ridgeAlpha");
        }
        AttributionOptions.lime().withRidgeAlpha(0);
        assertFails(IllegalArgumentException.class, () -> Attributor.of(Fixtures.function(model), 0,
                AttributionOptions.kernelShap()), "vocabSize");
        assertFails(IllegalArgumentException.class, () -> AttributionMethod.parse("gradient"), "unknown attribution method 'gradient'",
                "shap, lime, attention");
        assertEquals(AttributionMethod.LIME, AttributionMethod.parse(" LIME "));
        assertFails(IllegalArgumentException.class, () -> AttributionOptions.defaults(AttributionMethod.SPARSE),
                "sparse has no attributor");
        assertFails(IllegalArgumentException.class, () -> AttributionOptions.lime().withSelection(FeatureSelection.bic()),
                "applies to SHAP only");
        assertFails(IllegalArgumentException.class, () -> Attributor.of(Fixtures.function(model), 8,
                AttributionOptions.attention()), "attention attribution needs a reward model");
        assertFails(NullPointerException.class, () -> AttributionOptions.kernelShap().withSelection(null), "selection");
        for (int k : new int[]{0, -1, Integer.MIN_VALUE}) {
            assertFails(IllegalArgumentException.class, () -> FeatureSelection.top(k), "k >= 1", "got " + k);
        }
        assertFails(IllegalArgumentException.class, () -> new FeatureSelection(FeatureSelection.Kind.AIC, 3),
                "only for top-k", "aic");
        for (String bad : new String[]{"lasso", "top", "top:", "top:0", "top:-2", "top:x", "top:99999999999", ""}) {
            assertFails(IllegalArgumentException.class, () -> FeatureSelection.parse(bad), "unknown feature selection",
                    "none, auto, aic, bic or top:K");
        }
        for (FeatureSelection f : new FeatureSelection[]{FeatureSelection.none(), FeatureSelection.auto(),
                FeatureSelection.aic(), FeatureSelection.bic(), FeatureSelection.top(7)}) {
            assertEquals(f, FeatureSelection.parse(f.toString()));
        }
        assertEquals(FeatureSelection.top(3), FeatureSelection.parse(" TOP:3 "));
    }

    /** The engine's own checks, reached with Java validation bypassed. */
    @Test
    void nativeRejectsBadOptions() {
        NativeAttribution.Target modelTarget = new NativeAttribution.ModelTarget(model);
        NativeAttribution.Target functionTarget = new NativeAttribution.FunctionTarget(Fixtures.function(model), VOCAB);
        for (NativeAttribution.Target target : List.of(modelTarget, functionTarget)) {
            for (AttributionMethod method : List.of(AttributionMethod.SHAP, AttributionMethod.LIME)) {
                for (long samples : new long[]{1, 0, -1, Attributor.MAX_SAMPLES + 1L}) {
                    assertFails(InvalidArgumentException.class, () -> NativeAttribution.run(target,
                            settings(method, samples, 0, 100, 25, 1), List.of(GOOD)),
                            "samples must be in [2, " + Attributor.MAX_SAMPLES + "], got " + samples);
                }
                assertFails(InvalidArgumentException.class, () -> NativeAttribution.run(target,
                        settings(method, 10, 0, 0, 25, 1), List.of(GOOD)), "max_batch_tokens must be >= 1");
                assertFails(InvalidArgumentException.class, () -> NativeAttribution.run(target,
                        settings(method, 10, VOCAB, 100, 25, 1), List.of(GOOD)), "baseline_token must be in [0, " + VOCAB + ")");
            }
            assertFails(InvalidArgumentException.class, () -> NativeAttribution.run(target,
                    settings(AttributionMethod.LIME, 10, 0, 100, 0, 1), List.of(GOOD)), "lime_kernel_width");
            assertFails(InvalidArgumentException.class, () -> NativeAttribution.run(target,
                    settings(AttributionMethod.LIME, 10, 0, 100, 25, -1), List.of(GOOD)), "ridge_alpha");
        }
        assertFails(IllegalArgumentException.class, () -> NativeAttribution.run(functionTarget,
                settings(AttributionMethod.ATTENTION, 10, 0, 100, 25, 1), List.of(GOOD)), "attention", "reward model");
        stillWorks();
    }

    private static NativeAttribution.Struct settings(AttributionMethod method, long samples, long baseline, long maxBatchTokens,
                                                       double width, double alpha) {
        return new NativeAttribution.Struct(method, samples, baseline, 1, maxBatchTokens, width, alpha, true,
                FeatureSelection.none());
    }

    // ---- sequences --------------------------------------------------------------------------

    @Test
    void badSequences() {
        assertFails(IllegalArgumentException.class, () -> new ScoredSequence(new int[]{1}, new int[0]), "response is empty");
        assertFails(IllegalArgumentException.class, () -> new ScoredSequence(new int[]{-1}, new int[]{2}),
                "prompt token 0 has a negative id -1");
        assertFails(IllegalArgumentException.class, () -> new ScoredSequence(new int[]{1}, new int[]{2, -7}),
                "response token 1 has a negative id -7");
        assertThrows(NullPointerException.class, () -> new ScoredSequence(null, new int[]{1}));
        Attributor shap = Attributor.of(model, AttributionOptions.kernelShap());
        assertThrows(NullPointerException.class, () -> shap.attribute((List<ScoredSequence>) null));
        List<ScoredSequence> withNull = new ArrayList<>(List.of(GOOD));
        withNull.add(null);
        assertFails(NullPointerException.class, () -> shap.attribute(withNull), "sequences[1] is null");
        assertEquals(List.of(), shap.attribute(List.of()));
        assertFails(IllegalArgumentException.class, () -> shap.attribute(new int[][]{{1}, {2}}, new int[][]{{3}}),
                "2 prompts but 1 responses");
        assertFails(IllegalArgumentException.class, () -> shap.attribute(new int[][]{{1}, {2}}, new int[][]{{3}, {}}),
                "sequence 1", "response is empty");
    }

    @Test
    void idsOutsideTheVocabularyOrContext() {
        List<Attributor> attributors = List.of(Attributor.of(model, AttributionOptions.kernelShap()),
                Attributor.of(model, AttributionOptions.lime()), Attributor.of(model, AttributionOptions.attention()),
                Attributor.of(Fixtures.function(model), VOCAB, AttributionOptions.kernelShap()),
                Attributor.of(Fixtures.function(model), VOCAB, AttributionOptions.lime()));
        for (Attributor a : attributors) {
            assertFails(InvalidArgumentException.class, () -> a.attribute(List.of(GOOD,
                    new ScoredSequence(new int[]{1}, new int[]{2, VOCAB}))),
                    "token id " + VOCAB + " of sequence 1 at position 2 is outside the vocabulary [0, " + VOCAB + ")");
            assertFails(InvalidArgumentException.class, () -> a.attribute(new int[]{VOCAB + 5}, new int[]{1}),
                    "token id " + (VOCAB + 5));
        }
        for (Attributor a : attributors.subList(0, 3)) {
            int context = Fixtures.SMALL.nPositions();
            assertFails(InvalidArgumentException.class, () -> a.attribute(new int[context], new int[]{1}),
                    "sequence 0 of " + (context + 1) + " tokens is longer than the context of " + context);
        }
        assertFails(InvalidArgumentException.class, () -> Attributor.of(model, AttributionOptions.kernelShap().withBaselineToken(VOCAB))
                .attribute(GOOD), "baseline_token");
        assertFails(InvalidArgumentException.class, () -> Attributor.of(Fixtures.function(model), 12,
                AttributionOptions.kernelShap()).attribute(GOOD), "outside the vocabulary [0, 12)");
        stillWorks();
    }

    /** Lengths that do not add up and an empty response, straight through the bindings. */
    @Test
    void nativeRejectsInconsistentPacking() {
        assertFails(InvalidArgumentException.class, () -> raw(new long[]{1, 2, 3}, new long[]{1}, new long[]{0}),
                "sequence 0 has an empty response");
        assertFails(InvalidArgumentException.class, () -> raw(new long[]{1, 2, 3}, new long[]{1}, new long[]{1}),
                "lengths sum to 2 tokens but total_tokens is 3");
        assertFails(InvalidArgumentException.class, () -> raw(new long[]{1, 2, 3}, new long[]{2}, new long[]{5}),
                "run past total_tokens");
        assertFails(InvalidArgumentException.class, () -> raw(new long[]{1, 2, 3}, new long[]{-1}, new long[]{4}),
                "negative length");
        raw(new long[]{1, 2, 3}, new long[]{1}, new long[]{2});
        stillWorks();
    }

    @SuppressWarnings("restricted") // the stub writes the [batch] scores the engine passes
    private static void raw(long[] tokens, long[] promptLengths, long[] responseLengths) {
        Native.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment options = new NativeAttribution.Struct(AttributionMethod.SHAP, 10, 0, 0, 100, 25, 1, true,
                    FeatureSelection.none()).forEngine().write(arena);
            MemorySegment stub = densify_h.dfy_score_fn.allocate((user, ids, mask, batch, seqLen, out) -> {
                out.reinterpret(batch * Float.BYTES).fill((byte) 0);
                return 0;
            }, arena);
            int b = promptLengths.length;
            long responses = Math.max(1, Arrays.stream(responseLengths).map(x -> Math.max(0, x)).sum());
            int status = densify_h.dfy_attribute_callback(stub, MemorySegment.NULL, VOCAB,
                    arena.allocateFrom(ValueLayout.JAVA_LONG, tokens), tokens.length,
                    arena.allocateFrom(ValueLayout.JAVA_LONG, promptLengths),
                    arena.allocateFrom(ValueLayout.JAVA_LONG, responseLengths), b, options,
                    arena.allocate(ValueLayout.JAVA_FLOAT, responses), MemorySegment.NULL, MemorySegment.NULL,
                    MemorySegment.NULL, MemorySegment.NULL);
            Native.check("dfy_attribute_callback", status);
        }
    }

    // ---- failing reward functions ----------------------------------------------------------

    @Test
    void nonFiniteScoresFailTheCall() {
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            RewardFunction function = (ids, mask) -> {
                float[] out = new float[ids.length];
                Arrays.fill(out, 1);
                out[out.length - 1] = bad;
                return out;
            };
            for (Attributor a : List.of(Attributor.of(function, VOCAB, AttributionOptions.kernelShap()),
                    Attributor.of(function, VOCAB, AttributionOptions.lime()))) {
                CallbackException e = assertFails(CallbackException.class, () -> a.attribute(GOOD),
                        "dfy_attribute_callback", "non-finite score");
                assertEquals(densify_h.DFY_ERR_CALLBACK(), e.status());
                assertNull(e.getCause());
            }
        }
        stillWorks();
    }

    @Test
    void anExceptionInTheFunctionBecomesTheCause() {
        RuntimeException boom = new IllegalStateException("boom");
        AtomicInteger calls = new AtomicInteger();
        RewardFunction throwing = (ids, mask) -> {
            calls.incrementAndGet();
            throw boom;
        };
        for (Attributor a : List.of(Attributor.of(throwing, VOCAB, AttributionOptions.kernelShap()),
                Attributor.of(throwing, VOCAB, AttributionOptions.lime()))) {
            int before = calls.get();
            CallbackException e = assertFails(CallbackException.class, () -> a.attribute(GOOD),
                    "dfy_attribute_callback", "the RewardFunction threw java.lang.IllegalStateException: boom");
            assertSame(boom, e.getCause());
            assertEquals(before + 1, calls.get(), "the call stops at the first failure");
        }
        // Errors too (an exception of any kind must not escape the upcall).
        OutOfMemoryError oom = new OutOfMemoryError("simulated");
        CallbackException e = assertThrows(CallbackException.class, () -> Attributor.of((ids, mask) -> {
            throw oom;
        }, VOCAB, AttributionOptions.kernelShap()).attribute(GOOD));
        assertSame(oom, e.getCause());
        stillWorks();
    }

    /** A failure in a later batch, after successful ones (tiny batches force many callbacks). */
    @Test
    void aFailureAfterSuccessfulBatches() {
        AtomicInteger calls = new AtomicInteger();
        RewardFunction flaky = (ids, mask) -> {
            if (calls.incrementAndGet() == 5) {
                throw new ArithmeticException("fifth batch");
            }
            return Fixtures.function(model).score(ids, mask);
        };
        Attributor shap = Attributor.of(flaky, VOCAB, AttributionOptions.kernelShap().withSamples(14).withMaxBatchTokens(6));
        CallbackException e = assertThrows(CallbackException.class, () -> shap.attribute(GOOD));
        assertTrue(e.getCause() instanceof ArithmeticException, String.valueOf(e.getCause()));
        assertEquals(5, calls.get());
        Attribution again = shap.attribute(GOOD); // calls 6.. succeed: the same attributor works afterwards
        Fixtures.assertSameResult(Attributor.of(model, AttributionOptions.kernelShap().withSamples(14)).attribute(GOOD), again,
                1e-5, "after the failure");
    }

    @Test
    void wrongLengthOrNullResults() {
        RewardFunction exact = Fixtures.function(model);
        RewardFunction shorter = (ids, mask) -> Arrays.copyOf(exact.score(ids, mask), ids.length - 1);
        RewardFunction longer = (ids, mask) -> Arrays.copyOf(exact.score(ids, mask), ids.length + 2);
        RewardFunction nothing = (ids, mask) -> null;
        for (Attributor a : List.of(Attributor.of(shorter, VOCAB, AttributionOptions.kernelShap()),
                Attributor.of(shorter, VOCAB, AttributionOptions.lime()))) {
            CallbackException e = assertFails(CallbackException.class, () -> a.attribute(GOOD),
                    "dfy_attribute_callback: the RewardFunction returned", "scores for a batch of");
            assertTrue(e.getCause() instanceof IllegalStateException);
        }
        assertFails(CallbackException.class, () -> Attributor.of(longer, VOCAB, AttributionOptions.kernelShap()).attribute(GOOD),
                "scores for a batch of");
        assertFails(CallbackException.class, () -> Attributor.of(nothing, VOCAB, AttributionOptions.kernelShap()).attribute(GOOD),
                "returned null");
        stillWorks();
    }

    @Test
    void closedModel() {
        RewardModel m = Fixtures.reward(dir, Fixtures.SMALL, 52);
        Attributor shap = Attributor.of(m, AttributionOptions.kernelShap());
        m.close();
        assertFails(IllegalStateException.class, () -> shap.attribute(GOOD), "RewardModel is closed");
        assertFails(IllegalStateException.class, () -> Attributor.of(m, AttributionOptions.attention()).attribute(GOOD),
                "closed");
    }
}
