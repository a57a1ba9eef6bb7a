package dev.densify.attribution;

import dev.densify.model.RewardModel;

import java.util.List;
import java.util.Objects;

/**
 * KernelSHAP over the response tokens (native). Removed tokens are replaced by
 * {@link ShapOptions#baselineToken()}; the design is shap's KernelExplainer design (subset sizes
 * enumerated completely from the outside in while the budget covers them, the rest sampled by the
 * Shapley kernel with paired complements) and the values solve the weighted least squares under
 * the efficiency constraint, so {@code sum(values) = full - baseline} at every budget. When
 * {@code 2^M - 2 <= samples} every coalition is evaluated and the values are the exact Shapley
 * values (diagnostic 0). A response of one token gets {@code full - baseline}. With a
 * {@link ShapOptions#selection()} other than none, the tokens it leaves out get exactly 0 and the
 * constrained solve runs again on the kept ones ({@link FeatureSelection}); the sum still holds.
 *
 * <p>Immutable; see {@link Attributor} for thread-safety and errors. The reward model is not
 * owned: close it yourself, after the last call.
 */
public final class KernelShap implements Attributor {

    private final NativeAttribution.Target target;
    private final ShapOptions options;

    private KernelShap(NativeAttribution.Target target, ShapOptions options) {
        this.target = target;
        this.options = Objects.requireNonNull(options, "options");
    }

    /** KernelSHAP of a reward model's score. */
    public static KernelShap of(RewardModel model, ShapOptions options) {
        return new KernelShap(new NativeAttribution.ModelTarget(model), options);
    }

    /**
     * KernelSHAP of a Java scoring function, called back in batches of at most
     * {@link ShapOptions#maxBatchTokens()} tokens ({@link ShapOptions#reusePrefix()} does not apply).
     *
     * @param vocabSize token ids, the baseline included, must lie in {@code [0, vocabSize)}
     */
    public static KernelShap of(RewardFunction function, int vocabSize, ShapOptions options) {
        return new KernelShap(new NativeAttribution.FunctionTarget(function, vocabSize), options);
    }

    public ShapOptions options() {
        return options;
    }

    @Override
    public Method method() {
        return Method.SHAP;
    }

    @Override
    public List<Attribution> attribute(List<ScoredSequence> sequences) {
        return NativeAttribution.run(target, NativeAttribution.Settings.of(options), sequences);
    }

    @Override
    public String toString() {
        return "KernelShap[" + options + "]";
    }
}
