package dev.densify.attribution;

import dev.densify.model.RewardModel;

import java.util.List;
import java.util.Objects;

/**
 * Attention-based credit ("ABC", Chan et al. 2024): the reward model's last-layer attention
 * probabilities from the scoring position (the last token) to each response token, averaged over
 * heads. The values are non-negative and sum to at most 1 (the rest of the attention goes to the
 * prompt). {@link Attribution#full()} and {@link Attribution#baseline()} are reported as for the
 * other methods; evaluations is 2; diagnostic 0. Needs a reward model (a black-box function has
 * no attention).
 *
 * <p>Immutable; see {@link Attributor} for thread-safety and errors. The reward model is not
 * owned: close it yourself, after the last call.
 */
public final class AttentionCredit implements Attributor {

    private final NativeAttribution.ModelTarget target;
    private final AttentionOptions options;

    private AttentionCredit(NativeAttribution.ModelTarget target, AttentionOptions options) {
        this.target = target;
        this.options = Objects.requireNonNull(options, "options");
    }

    public static AttentionCredit of(RewardModel model, AttentionOptions options) {
        return new AttentionCredit(new NativeAttribution.ModelTarget(model), options);
    }

    public AttentionOptions options() {
        return options;
    }

    @Override
    public Method method() {
        return Method.ATTENTION;
    }

    @Override
    public List<Attribution> attribute(List<ScoredSequence> sequences) {
        return NativeAttribution.run(target, NativeAttribution.Settings.of(options), sequences);
    }

    @Override
    public String toString() {
        return "AttentionCredit[" + options + "]";
    }
}
