package dev.densify.engine.internal;

import dev.densify.attribution.Attribution;
import dev.densify.attribution.AttributionMethod;
import dev.densify.attribution.RewardFunction;
import dev.densify.attribution.ScoredSequence;
import dev.densify.bindings.densify_h;
import dev.densify.bindings.densify_h.dfy_attribution_options;
import dev.densify.engine.CallbackException;
import dev.densify.model.RewardModel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The downcalls {@code dfy_attribute} (a reward model's native forwards) and
 * {@code dfy_attribute_callback} (a {@link RewardFunction} behind an upcall stub that lives for
 * the call): packs the sequences, fills {@code dfy_attribution_options}, unpacks the results.
 * Stateless; thread-safe.
 */
public final class AttributionCalls {

    private AttributionCalls() {
    }

    /**
     * The fields of {@code dfy_attribution_options} as the engine receives them, unchecked here
     * (tests hand the engine's own validation bad values through it), and the method that the
     * results are labelled with.
     */
    public record Options(AttributionMethod method, int methodCode, long samples, long baselineToken, long seed, long maxBatchTokens,
                          double kernelWidth, double ridgeAlpha, boolean reusePrefix, int selection,
                          long maxFeatures) {

        /** The struct in {@code arena}. */
        public MemorySegment write(Arena arena) {
            MemorySegment s = dfy_attribution_options.allocate(arena);
            dfy_attribution_options.method(s, methodCode);
            dfy_attribution_options.samples(s, samples);
            dfy_attribution_options.baseline_token(s, baselineToken);
            dfy_attribution_options.seed(s, seed);
            dfy_attribution_options.max_batch_tokens(s, maxBatchTokens);
            dfy_attribution_options.lime_kernel_width(s, kernelWidth);
            dfy_attribution_options.ridge_alpha(s, ridgeAlpha);
            dfy_attribution_options.reuse_prefix(s, reusePrefix ? 1 : 0);
            dfy_attribution_options.shap_selection(s, selection);
            dfy_attribution_options.shap_max_features(s, maxFeatures);
            return s;
        }
    }

    /** Attributes with the reward model's native forwards; holds its lock for the call. */
    public static List<Attribution> attribute(RewardModel model, Options options, List<ScoredSequence> batch) {
        return run(batch, options, (arena, packed) -> Handles.of(model).call(address -> {
            Native.check("dfy_attribute", densify_h.dfy_attribute(Native.pointer(address), packed.tokens,
                    packed.totalTokens, packed.promptLengths, packed.responseLengths, packed.count,
                    options.write(arena), packed.values, packed.full, packed.baseline, packed.evaluations,
                    packed.diagnostic));
            return null;
        }));
    }

    /** Attributes with a Java function of token ids over a vocabulary of {@code vocabSize} ids. */
    public static List<Attribution> attribute(RewardFunction function, int vocabSize, Options options,
                                              List<ScoredSequence> batch) {
        return run(batch, options, (arena, packed) -> {
            ScoreUpcall upcall = new ScoreUpcall(function);
            MemorySegment stub = densify_h.dfy_score_fn.allocate(upcall, arena);
            int status = densify_h.dfy_attribute_callback(stub, MemorySegment.NULL, vocabSize, packed.tokens,
                    packed.totalTokens, packed.promptLengths, packed.responseLengths, packed.count,
                    options.write(arena), packed.values, packed.full, packed.baseline, packed.evaluations,
                    packed.diagnostic);
            if (status != densify_h.DFY_OK() && upcall.failure() != null) {
                Throwable cause = upcall.failure();
                String detail = cause instanceof ScoreUpcall.BadResult
                        ? cause.getMessage()
                        : "the RewardFunction threw " + cause;
                throw new CallbackException("dfy_attribute_callback", detail, cause);
            }
            Native.check("dfy_attribute_callback", status);
            return null;
        });
    }

    /** The packed inputs and the output buffers of one call. */
    private record Packed(int count, long totalTokens, MemorySegment tokens, MemorySegment promptLengths,
                          MemorySegment responseLengths, MemorySegment values, MemorySegment full,
                          MemorySegment baseline, MemorySegment evaluations, MemorySegment diagnostic) {
    }

    @FunctionalInterface
    private interface Call {
        Void run(Arena arena, Packed packed);
    }

    private static List<Attribution> run(List<ScoredSequence> batch, Options options, Call call) {
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
                for (int id : s.ids()) {
                    tokens.setAtIndex(ValueLayout.JAVA_LONG, k++, id);
                }
                promptLengths.setAtIndex(ValueLayout.JAVA_LONG, i, s.promptLength());
                responseLengths.setAtIndex(ValueLayout.JAVA_LONG, i, s.responseLength());
            }
            Packed packed = new Packed(b, totalTokens, tokens, promptLengths, responseLengths,
                    arena.allocate(ValueLayout.JAVA_FLOAT, responseTokens), arena.allocate(ValueLayout.JAVA_FLOAT, b),
                    arena.allocate(ValueLayout.JAVA_FLOAT, b), arena.allocate(ValueLayout.JAVA_LONG, b),
                    arena.allocate(ValueLayout.JAVA_FLOAT, b));
            call.run(arena, packed);
            List<Attribution> out = new ArrayList<>(b);
            long offset = 0;
            for (int i = 0; i < b; i++) {
                int m = batch.get(i).responseLength();
                float[] v = new float[m];
                MemorySegment.copy(packed.values, ValueLayout.JAVA_FLOAT, offset * Float.BYTES, v, 0, m);
                offset += m;
                out.add(new Attribution(v, packed.full.getAtIndex(ValueLayout.JAVA_FLOAT, i),
                        packed.baseline.getAtIndex(ValueLayout.JAVA_FLOAT, i),
                        packed.evaluations.getAtIndex(ValueLayout.JAVA_LONG, i),
                        packed.diagnostic.getAtIndex(ValueLayout.JAVA_FLOAT, i), options.method()));
            }
            return List.copyOf(out);
        }
    }
}
