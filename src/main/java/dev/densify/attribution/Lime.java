package dev.densify.attribution;

import dev.densify.model.RewardModel;

import java.util.List;
import java.util.Objects;

/**
 * LIME for text over the response tokens (native), as the lime package's text explainer: the
 * first sample is the unperturbed sequence, every other one removes {@code k ~ U{1..M}} distinct
 * tokens chosen uniformly (replaced by {@link LimeOptions#baselineToken()}); samples are weighted
 * by {@code sqrt(exp(-d^2 / width^2))} of the cosine distance to the unperturbed row x 100, and
 * the values are the coefficients of a weighted ridge regression with intercept (the intercept
 * not penalised). Identical perturbations are scored once. The diagnostic is the weighted R².
 *
 * <p>Immutable; see {@link Attributor} for thread-safety and errors. The reward model is not
 * owned: close it yourself, after the last call.
 */
public final class Lime implements Attributor {

    private final NativeAttribution.Target target;
    private final LimeOptions options;

    private Lime(NativeAttribution.Target target, LimeOptions options) {
        this.target = target;
        this.options = Objects.requireNonNull(options, "options");
    }

    /** LIME of a reward model's score. */
    public static Lime of(RewardModel model, LimeOptions options) {
        return new Lime(new NativeAttribution.ModelTarget(model), options);
    }

    /**
     * LIME of a Java scoring function, called back in batches of at most
     * {@link LimeOptions#maxBatchTokens()} tokens ({@link LimeOptions#reusePrefix()} does not apply).
     *
     * @param vocabSize token ids, the baseline included, must lie in {@code [0, vocabSize)}
     */
    public static Lime of(RewardFunction function, int vocabSize, LimeOptions options) {
        return new Lime(new NativeAttribution.FunctionTarget(function, vocabSize), options);
    }

    public LimeOptions options() {
        return options;
    }

    @Override
    public Method method() {
        return Method.LIME;
    }

    @Override
    public List<Attribution> attribute(List<ScoredSequence> sequences) {
        return NativeAttribution.run(target, NativeAttribution.Settings.of(options), sequences);
    }

    @Override
    public String toString() {
        return "Lime[" + options + "]";
    }
}
