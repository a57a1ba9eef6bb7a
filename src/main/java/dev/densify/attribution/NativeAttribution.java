package dev.densify.attribution;

import dev.densify.bindings.densify_h;
import dev.densify.engine.CallbackException;
import dev.densify.engine.Native;
import dev.densify.model.RewardModel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Marshalling for {@code dfy_attribute} and {@code dfy_attribute_callback}: packs the sequences,
 * fills {@code dfy_attribution_options}, runs the call (for a {@link RewardFunction} through an
 * upcall stub that lives for the call) and unpacks the results. Stateless; thread-safe.
 */
final class NativeAttribution {

    private static final StructLayout OPTIONS = densify_h.dfy_attribution_options;

    private NativeAttribution() {
    }

    /** What produces the scores: a reward model (native forwards) or a Java function. */
    sealed interface Target permits ModelTarget, FunctionTarget {
    }

    record ModelTarget(RewardModel model) implements Target {
        ModelTarget {
            Objects.requireNonNull(model, "model");
        }
    }

    record FunctionTarget(RewardFunction function, int vocabSize) implements Target {
        FunctionTarget {
            Objects.requireNonNull(function, "function");
            if (vocabSize < 1) {
                throw new IllegalArgumentException("vocabSize must be >= 1, got " + vocabSize);
            }
        }
    }

    /**
     * The fields of {@code dfy_attribution_options} as the engine receives them, unchecked here
     * (tests hand the engine's own validation bad values through it).
     */
    record Struct(AttributionMethod method, long samples, long baselineToken, long seed, long maxBatchTokens,
                  double kernelWidth, double ridgeAlpha, boolean reusePrefix, FeatureSelection selection) {

        static Struct of(AttributionOptions o) {
            return new Struct(o.method(), o.samples(), o.baselineToken(), o.seed(), o.maxBatchTokens(), o.kernelWidth(),
                    o.ridgeAlpha(), o.reusePrefix(), o.selection());
        }

        MemorySegment write(Arena arena) {
            MemorySegment s = arena.allocate(OPTIONS);
            s.set(ValueLayout.JAVA_INT, offset("method"), method.code());
            s.set(ValueLayout.JAVA_LONG, offset("samples"), samples);
            s.set(ValueLayout.JAVA_LONG, offset("baseline_token"), baselineToken);
            s.set(ValueLayout.JAVA_LONG, offset("seed"), seed);
            s.set(ValueLayout.JAVA_LONG, offset("max_batch_tokens"), maxBatchTokens);
            s.set(ValueLayout.JAVA_DOUBLE, offset("lime_kernel_width"), kernelWidth);
            s.set(ValueLayout.JAVA_DOUBLE, offset("ridge_alpha"), ridgeAlpha);
            s.set(ValueLayout.JAVA_INT, offset("reuse_prefix"), reusePrefix ? 1 : 0);
            s.set(ValueLayout.JAVA_INT, offset("shap_selection"), selection.code());
            s.set(ValueLayout.JAVA_LONG, offset("shap_max_features"), selection.maxFeatures());
            return s;
        }

        private static long offset(String field) {
            return OPTIONS.byteOffset(PathElement.groupElement(field));
        }
    }

    /** Attention reads the reward model's attention: a black-box function has none. */
    static void requireModelFor(AttributionMethod method, Target target) {
        if (method == AttributionMethod.ATTENTION && target instanceof FunctionTarget) {
            throw new IllegalArgumentException("attention attribution needs a reward model, not a RewardFunction");
        }
    }

    static List<Attribution> run(Target target, AttributionOptions options, List<ScoredSequence> sequences) {
        return run(target, Struct.of(options), sequences);
    }

    static List<Attribution> run(Target target, Struct attribution, List<ScoredSequence> sequences) {
        Objects.requireNonNull(sequences, "sequences");
        List<ScoredSequence> batch = new ArrayList<>(sequences.size());
        for (int i = 0; i < sequences.size(); i++) {
            batch.add(Objects.requireNonNull(sequences.get(i), () -> "sequences[" + batch.size() + "] is null"));
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        Native.load();
        int b = batch.size();
        long totalTokens = 0;
        long responseTokens = 0;
        for (ScoredSequence s : batch) {
            totalTokens += s.promptLength() + s.responseLength();
            responseTokens += s.responseLength();
        }
        if (responseTokens > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the batch has " + responseTokens
                    + " response tokens, more than a Java array holds; use smaller batches");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tokens = arena.allocate(ValueLayout.JAVA_LONG, totalTokens);
            MemorySegment promptLengths = arena.allocate(ValueLayout.JAVA_LONG, b);
            MemorySegment responseLengths = arena.allocate(ValueLayout.JAVA_LONG, b);
            long k = 0;
            for (int i = 0; i < b; i++) {
                ScoredSequence s = batch.get(i);
                for (int t = 0; t < s.promptLength(); t++) {
                    tokens.setAtIndex(ValueLayout.JAVA_LONG, k++, s.promptAt(t));
                }
                for (int t = 0; t < s.responseLength(); t++) {
                    tokens.setAtIndex(ValueLayout.JAVA_LONG, k++, s.responseAt(t));
                }
                promptLengths.setAtIndex(ValueLayout.JAVA_LONG, i, s.promptLength());
                responseLengths.setAtIndex(ValueLayout.JAVA_LONG, i, s.responseLength());
            }
            MemorySegment options = attribution.write(arena);
            MemorySegment values = arena.allocate(ValueLayout.JAVA_FLOAT, responseTokens);
            MemorySegment full = arena.allocate(ValueLayout.JAVA_FLOAT, b);
            MemorySegment baseline = arena.allocate(ValueLayout.JAVA_FLOAT, b);
            MemorySegment evaluations = arena.allocate(ValueLayout.JAVA_LONG, b);
            MemorySegment diagnostic = arena.allocate(ValueLayout.JAVA_FLOAT, b);
            final long total = totalTokens;
            switch (target) {
                case ModelTarget m -> m.model().withAddress(address -> {
                    Native.check("dfy_attribute", densify_h.dfy_attribute(MemorySegment.ofAddress(address), tokens,
                            total, promptLengths, responseLengths, b, options, values, full, baseline, evaluations,
                            diagnostic));
                    return null;
                });
                case FunctionTarget f -> {
                    requireModelFor(attribution.method(), f);
                    ScoreUpcall upcall = new ScoreUpcall(f.function());
                    MemorySegment stub = densify_h.dfy_score_fn.allocate(upcall, arena);
                    int status = densify_h.dfy_attribute_callback(stub, MemorySegment.NULL, f.vocabSize(), tokens,
                            total, promptLengths, responseLengths, b, options, values, full, baseline, evaluations,
                            diagnostic);
                    if (status != densify_h.DFY_OK() && upcall.failure() != null) {
                        Throwable cause = upcall.failure();
                        String detail = cause instanceof ScoreUpcall.BadResult
                                ? cause.getMessage()
                                : "the RewardFunction threw " + cause;
                        throw new CallbackException("dfy_attribute_callback", detail, cause);
                    }
                    Native.check("dfy_attribute_callback", status);
                }
            }
            List<Attribution> out = new ArrayList<>(b);
            long offset = 0;
            for (int i = 0; i < b; i++) {
                int m = batch.get(i).responseLength();
                float[] v = new float[m];
                MemorySegment.copy(values, ValueLayout.JAVA_FLOAT, offset * Float.BYTES, v, 0, m);
                offset += m;
                out.add(new Attribution(v, full.getAtIndex(ValueLayout.JAVA_FLOAT, i),
                        baseline.getAtIndex(ValueLayout.JAVA_FLOAT, i), evaluations.getAtIndex(ValueLayout.JAVA_LONG, i),
                        diagnostic.getAtIndex(ValueLayout.JAVA_FLOAT, i), attribution.method()));
            }
            return List.copyOf(out);
        }
    }
}
